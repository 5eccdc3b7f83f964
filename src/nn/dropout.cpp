#include "nn/dropout.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "nn/noise_draws.hpp"
#include "nn/pass_through.hpp"

namespace nnlab {

template <typename T>
Dropout<T>::Dropout(std::vector<double> rates, std::vector<std::uint64_t> seeds, int layer_index)
    : rates_(std::move(rates)), seeds_(std::move(seeds)), layer_index_(layer_index) {
  if (rates_.empty() || seeds_.size() != rates_.size())
    throw std::invalid_argument(fmt::format("Dropout: {} rates for {} seeds", rates_.size(), seeds_.size()));
  for (const double rate : rates_)
    if (!(rate >= 0.0 && rate < 1.0)) throw std::invalid_argument(fmt::format("Dropout: rate must be in [0, 1), got {}", rate));
}

template <typename T>
const TensorT<T>& Dropout<T>::forward(const TensorT<T>& input, const ForwardContext& context) {
  const Index population = this->population();
  pass_through::check_input(input, population, "Dropout");
  noisy_ = context.mode == Mode::train;
  if (!noisy_) return pass_through::identity(input, population, output_);
  const Index rows = input.dim(1), features = input.dim(2), count = rows * features;
  const bool shared = input.dim(0) == 1;
  output_.resize({population, rows, features});
  noise_.resize({population, rows, features});
  for_each_piece(population, count, [&](Index m, Index begin, Index size) {
    const auto member = static_cast<std::size_t>(m);
    const T* x = input.data() + (shared ? 0 : m * count) + begin;
    T* n = noise_.data() + m * count + begin;
    T* y = output_.data() + m * count + begin;
    const double keep = 1.0 - rates_[member];
    const T scale = static_cast<T>(1.0 / keep);
    if (rates_[member] == 0.0) {
      std::fill_n(n, size, T{1});
    } else {
      for_each_word(NoiseKey{.seed = seeds_[member], .layer = layer_index_, .step = context.step}, begin, size,
                    [&](Index e, std::uint32_t word) { n[e - begin] = uniform_of(word) < keep ? scale : T{0}; });
    }
    for (Index i = 0; i < size; ++i) y[i] = x[i] * n[i];
  });
  return output_;
}

template <typename T>
const TensorT<T>& Dropout<T>::backward(const TensorT<T>& grad_output, bool need_input_grad) {
  if (!need_input_grad) return no_grad_;
  if (!noisy_) return grad_output;
  return pass_through::times_noise(grad_output, noise_, grad_input_);
}

template class Dropout<float>;
template class Dropout<double>;

}  // namespace nnlab
