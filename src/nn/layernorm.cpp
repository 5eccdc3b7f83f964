#include "nn/layernorm.hpp"

#include <fmt/format.h>

#include <array>
#include <cmath>
#include <stdexcept>

#include "nn/norm_blocks.hpp"

namespace nnlab {
namespace {

constexpr Index block_rows = 32;      // rows per task of the forward and the input gradient
constexpr Index block_features = 16;  // features per task of the parameter gradients

}  // namespace

template <typename T>
LayerNorm<T>::LayerNorm(Index features, std::vector<double> eps, int layer_index)
    : features_(features), eps_(std::move(eps)), layer_index_(layer_index) {
  if (features_ <= 0 || eps_.empty())
    throw std::invalid_argument(fmt::format("LayerNorm: {} features, {} eps", features_, eps_.size()));
  for (const double e : eps_)
    if (!(e > 0.0 && std::isfinite(e))) throw std::invalid_argument(fmt::format("LayerNorm: eps must be > 0, got {}", e));
  const Index population = this->population();
  weight_ = TensorT<T>({population, features_}, T{1});
  bias_ = TensorT<T>({population, features_}, T{0});
  weight_grad_ = TensorT<T>({population, features_}, T{0});
  bias_grad_ = TensorT<T>({population, features_}, T{0});
}

template <typename T>
const TensorT<T>& LayerNorm<T>::forward(const TensorT<T>& input, const ForwardContext& /*context*/) {
  const Index population = this->population(), features = features_;
  norm_blocks::check_input(input, population, features, "LayerNorm");
  const Index rows = input.dim(1);
  const bool shared = input.dim(0) == 1;
  output_.resize({population, rows, features});
  normalised_.resize({population, rows, features});
  inverse_std_.resize({population, rows});
  norm_blocks::for_each_block(population, rows, block_rows, rows * features, [&](Index m, Index first, Index size) {
    const double eps = eps_[static_cast<std::size_t>(m)];
    const T* gamma = weight_.slice(m);
    const T* beta = bias_.slice(m);
    for (Index b = first; b < first + size; ++b) {
      const T* x = input.data() + ((shared ? 0 : m * rows) + b) * features;
      double mean = 0.0, variance = 0.0;
      for (Index f = 0; f < features; ++f) mean += x[f];
      mean /= static_cast<double>(features);
      for (Index f = 0; f < features; ++f) variance += (x[f] - mean) * (x[f] - mean);
      variance /= static_cast<double>(features);
      const double inverse = 1.0 / std::sqrt(variance + eps);
      inverse_std_.slice(m)[b] = inverse;
      T* xhat = normalised_.slice(m) + b * features;
      T* y = output_.slice(m) + b * features;
      for (Index f = 0; f < features; ++f) {
        const double normal = (x[f] - mean) * inverse;
        xhat[f] = static_cast<T>(normal);
        y[f] = static_cast<T>(gamma[f] * normal + beta[f]);
      }
    }
  });
  return output_;
}

template <typename T>
const TensorT<T>& LayerNorm<T>::backward(const TensorT<T>& grad_output, bool need_input_grad) {
  norm_blocks::check_grad_output(grad_output, normalised_, "LayerNorm");
  const Index population = this->population(), rows = grad_output.dim(1), features = features_;
  norm_blocks::for_each_block(population, features, block_features, rows * features, [&](Index m, Index first, Index size) {
    std::array<double, block_features> sum_dy{}, sum_dy_xhat{};
    for (Index b = 0; b < rows; ++b) {
      const T* dy = grad_output.slice(m) + b * features + first;
      const T* xhat = normalised_.slice(m) + b * features + first;
      for (Index k = 0; k < size; ++k) {
        sum_dy[k] += dy[k];
        sum_dy_xhat[k] += static_cast<double>(dy[k]) * xhat[k];
      }
    }
    for (Index k = 0; k < size; ++k) {
      weight_grad_.slice(m)[first + k] += static_cast<T>(sum_dy_xhat[k]);
      bias_grad_.slice(m)[first + k] += static_cast<T>(sum_dy[k]);
    }
  });
  if (!need_input_grad) return no_grad_;
  grad_input_.resize(grad_output.shape());
  const double count = static_cast<double>(features);
  norm_blocks::for_each_block(population, rows, block_rows, rows * features, [&](Index m, Index first, Index size) {
    const T* gamma = weight_.slice(m);
    for (Index b = first; b < first + size; ++b) {
      const T* dy = grad_output.slice(m) + b * features;
      const T* xhat = normalised_.slice(m) + b * features;
      double sum_g = 0.0, sum_g_xhat = 0.0;
      for (Index f = 0; f < features; ++f) {
        const double g = static_cast<double>(gamma[f]) * dy[f];
        sum_g += g;
        sum_g_xhat += g * xhat[f];
      }
      const double factor = inverse_std_.slice(m)[b] / count;
      T* dx = grad_input_.slice(m) + b * features;
      for (Index f = 0; f < features; ++f)
        dx[f] = static_cast<T>(factor * (count * static_cast<double>(gamma[f]) * dy[f] - sum_g - xhat[f] * sum_g_xhat));
    }
  });
  return grad_input_;
}

template <typename T>
std::vector<ParameterRef<T>> LayerNorm<T>::parameters() {
  const std::string prefix = "layers." + std::to_string(layer_index_);
  return {{prefix + ".weight", &weight_, &weight_grad_, layer_index_, false},
          {prefix + ".bias", &bias_, &bias_grad_, layer_index_, true}};
}

template class LayerNorm<float>;
template class LayerNorm<double>;

}  // namespace nnlab
