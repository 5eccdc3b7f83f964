#include "nn/gaussian_noise.hpp"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

#include "nn/noise_draws.hpp"
#include "nn/pass_through.hpp"

namespace nnlab {

template <typename T>
GaussianNoise<T>::GaussianNoise(NoiseMode mode, std::vector<double> scales, std::vector<std::uint64_t> seeds, int layer_index)
    : mode_(mode), seeds_(std::move(seeds)), layer_index_(layer_index) {
  if (scales.empty() || seeds_.size() != scales.size())
    throw std::invalid_argument(fmt::format("GaussianNoise: {} scales for {} seeds", scales.size(), seeds_.size()));
  for (const double scale : scales) {
    if (mode_ == NoiseMode::additive && !(scale >= 0.0 && std::isfinite(scale)))
      throw std::invalid_argument(fmt::format("GaussianNoise: std must be finite and >= 0, got {}", scale));
    if (mode_ == NoiseMode::multiplicative && !(scale >= 0.0 && scale < 1.0))
      throw std::invalid_argument(fmt::format("GaussianNoise: rate must be in [0, 1), got {}", scale));
    sigma_.push_back(mode_ == NoiseMode::additive ? scale : std::sqrt(scale / (1.0 - scale)));
  }
}

template <typename T>
const TensorT<T>& GaussianNoise<T>::forward(const TensorT<T>& input, const ForwardContext& context) {
  const Index population = this->population();
  pass_through::check_input(input, population, kind().c_str());
  noisy_ = context.mode == Mode::train;
  if (!noisy_) return pass_through::identity(input, population, output_);
  const Index rows = input.dim(1), features = input.dim(2), count = rows * features;
  const bool shared = input.dim(0) == 1, multiplicative = mode_ == NoiseMode::multiplicative;
  output_.resize({population, rows, features});
  if (multiplicative) noise_.resize({population, rows, features});
  for_each_piece(population, count, [&](Index m, Index begin, Index size) {
    const auto member = static_cast<std::size_t>(m);
    const T* x = input.data() + (shared ? 0 : m * count) + begin;
    T* y = output_.data() + m * count + begin;
    const double sigma = sigma_[member];
    if (!multiplicative) {
      if (sigma == 0.0) {
        std::copy_n(x, size, y);
        return;
      }
      for_each_normal(NoiseKey{.seed = seeds_[member], .layer = layer_index_, .step = context.step}, begin, size,
                      [&](Index e, double z) { y[e - begin] = x[e - begin] + static_cast<T>(sigma * z); });
      return;
    }
    T* n = noise_.data() + m * count + begin;
    if (sigma == 0.0) {
      std::fill_n(n, size, T{1});
    } else {
      for_each_normal(NoiseKey{.seed = seeds_[member], .layer = layer_index_, .step = context.step}, begin, size,
                      [&](Index e, double z) { n[e - begin] = static_cast<T>(1.0 + sigma * z); });
    }
    for (Index i = 0; i < size; ++i) y[i] = x[i] * n[i];
  });
  return output_;
}

template <typename T>
const TensorT<T>& GaussianNoise<T>::backward(const TensorT<T>& grad_output, bool need_input_grad) {
  if (!need_input_grad) return no_grad_;
  if (!noisy_ || mode_ == NoiseMode::additive) return grad_output;
  return pass_through::times_noise(grad_output, noise_, grad_input_);
}

template class GaussianNoise<float>;
template class GaussianNoise<double>;

}  // namespace nnlab
