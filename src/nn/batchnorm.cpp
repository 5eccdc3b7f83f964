#include "nn/batchnorm.hpp"

#include <fmt/format.h>

#include <array>
#include <cmath>
#include <stdexcept>

#include "nn/norm_blocks.hpp"

namespace nnlab {
namespace {

constexpr Index block_channels = 16;  // channels per task: their sums in registers, rows read once
using Sums = std::array<double, block_channels>;

// visit(k, i) for every value i of channels first .. first + size of one member's [B, C·S] block,
// in the order the sums take: row by row, channel by channel, position by position.
template <typename Visit>
void each_value(Index rows, Index features, Index spatial, Index first, Index size, const Visit& visit) {
  for (Index b = 0; b < rows; ++b)
    for (Index k = 0; k < size; ++k) {
      const Index base = b * features + (first + k) * spatial;
      for (Index s = 0; s < spatial; ++s) visit(k, base + s);
    }
}

}  // namespace

template <typename T>
BatchNorm<T>::BatchNorm(Index channels, Index spatial, std::vector<double> momenta, std::vector<double> eps, int layer_index)
    : channels_(channels), spatial_(spatial), momenta_(std::move(momenta)), eps_(std::move(eps)), layer_index_(layer_index) {
  if (channels_ <= 0 || spatial_ <= 0 || momenta_.empty() || eps_.size() != momenta_.size())
    throw std::invalid_argument(fmt::format("BatchNorm: {} channels of {} values, {} momenta for {} eps", channels_, spatial_,
                                            momenta_.size(), eps_.size()));
  for (std::size_t m = 0; m < momenta_.size(); ++m)
    if (!(momenta_[m] >= 0.0 && momenta_[m] <= 1.0) || !(eps_[m] > 0.0 && std::isfinite(eps_[m])))
      throw std::invalid_argument(fmt::format("BatchNorm: momentum must be in [0, 1] and eps > 0, got {} and {}", momenta_[m], eps_[m]));
  const Index population = this->population();
  weight_ = TensorT<T>({population, channels_}, T{1});
  bias_ = TensorT<T>({population, channels_}, T{0});
  weight_grad_ = TensorT<T>({population, channels_}, T{0});
  bias_grad_ = TensorT<T>({population, channels_}, T{0});
  running_mean_ = TensorT<T>({population, channels_}, T{0});
  running_var_ = TensorT<T>({population, channels_}, T{1});
  batches_tracked_ = TensorT<T>({population}, T{0});
}

template <typename T>
const TensorT<T>& BatchNorm<T>::forward(const TensorT<T>& input, const ForwardContext& context) {
  const Index population = this->population(), features = channels_ * spatial_;
  norm_blocks::check_input(input, population, features, "BatchNorm");
  const Index rows = input.dim(1), count = rows * spatial_;  // values per channel
  batch_statistics_ = context.mode == Mode::train;
  if (batch_statistics_ && count < 2)
    throw std::invalid_argument(fmt::format(
        "layers.{} (batchnorm): expected more than 1 value per channel when training, got {}", layer_index_, count));
  const bool shared = input.dim(0) == 1;
  output_.resize({population, rows, features});
  normalised_.resize({population, rows, features});
  inverse_std_.resize({population, channels_});
  norm_blocks::for_each_block(population, channels_, block_channels, rows * features, [&](Index m, Index first, Index size) {
    const auto member = static_cast<std::size_t>(m);
    const T* x = input.data() + (shared ? 0 : m * rows * features);
    T* mean_of = running_mean_.slice(m) + first;
    T* var_of = running_var_.slice(m) + first;
    Sums mean{}, variance{};
    if (batch_statistics_) {
      each_value(rows, features, spatial_, first, size, [&](Index k, Index i) { mean[k] += x[i]; });
      for (Index k = 0; k < size; ++k) mean[k] /= static_cast<double>(count);
      each_value(rows, features, spatial_, first, size, [&](Index k, Index i) {
        const double d = x[i] - mean[k];
        variance[k] += d * d;
      });
      for (Index k = 0; k < size; ++k) variance[k] /= static_cast<double>(count);
      if (context.updates(m)) {
        const double momentum = momenta_[member], unbiased = static_cast<double>(count) / static_cast<double>(count - 1);
        for (Index k = 0; k < size; ++k) {
          mean_of[k] = static_cast<T>((1.0 - momentum) * mean_of[k] + momentum * mean[k]);
          var_of[k] = static_cast<T>((1.0 - momentum) * var_of[k] + momentum * variance[k] * unbiased);
        }
        if (first == 0) batches_tracked_[m] += T{1};
      }
    } else {
      for (Index k = 0; k < size; ++k) {
        mean[k] = mean_of[k];
        variance[k] = var_of[k];
      }
    }
    Sums inverse{};
    double* inverse_of = inverse_std_.slice(m) + first;
    for (Index k = 0; k < size; ++k) inverse_of[k] = inverse[k] = 1.0 / std::sqrt(variance[k] + eps_[member]);
    const T* gamma = weight_.slice(m) + first;
    const T* beta = bias_.slice(m) + first;
    T* xhat = normalised_.slice(m);
    T* y = output_.slice(m);
    each_value(rows, features, spatial_, first, size, [&](Index k, Index i) {
      const double normal = (x[i] - mean[k]) * inverse[k];
      xhat[i] = static_cast<T>(normal);
      y[i] = static_cast<T>(gamma[k] * normal + beta[k]);
    });
  });
  return output_;
}

template <typename T>
const TensorT<T>& BatchNorm<T>::backward(const TensorT<T>& grad_output, bool need_input_grad) {
  norm_blocks::check_grad_output(grad_output, normalised_, "BatchNorm");
  const Index population = this->population(), rows = grad_output.dim(1), features = grad_output.dim(2);
  const double count = static_cast<double>(rows * spatial_);
  if (need_input_grad) grad_input_.resize(grad_output.shape());
  norm_blocks::for_each_block(population, channels_, block_channels, rows * features, [&](Index m, Index first, Index size) {
    const T* dy = grad_output.slice(m);
    const T* xhat = normalised_.slice(m);
    Sums sum_dy{}, sum_dy_xhat{};
    each_value(rows, features, spatial_, first, size, [&](Index k, Index i) {
      sum_dy[k] += dy[i];
      sum_dy_xhat[k] += static_cast<double>(dy[i]) * xhat[i];
    });
    T* weight_grad = weight_grad_.slice(m) + first;
    T* bias_grad = bias_grad_.slice(m) + first;
    for (Index k = 0; k < size; ++k) {
      weight_grad[k] += static_cast<T>(sum_dy_xhat[k]);
      bias_grad[k] += static_cast<T>(sum_dy[k]);
    }
    if (!need_input_grad) return;
    const T* gamma = weight_.slice(m) + first;
    const double* inverse = inverse_std_.slice(m) + first;
    Sums factor{};
    for (Index k = 0; k < size; ++k) factor[k] = gamma[k] * inverse[k] / (batch_statistics_ ? count : 1.0);
    T* dx = grad_input_.slice(m);
    if (batch_statistics_) {
      each_value(rows, features, spatial_, first, size, [&](Index k, Index i) {
        dx[i] = static_cast<T>(factor[k] * (count * dy[i] - sum_dy[k] - xhat[i] * sum_dy_xhat[k]));
      });
    } else {
      each_value(rows, features, spatial_, first, size, [&](Index k, Index i) { dx[i] = static_cast<T>(factor[k] * dy[i]); });
    }
  });
  return need_input_grad ? grad_input_ : no_grad_;
}

template <typename T>
std::vector<ParameterRef<T>> BatchNorm<T>::parameters() {
  const std::string prefix = "layers." + std::to_string(layer_index_);
  return {{prefix + ".weight", &weight_, &weight_grad_, layer_index_, false},
          {prefix + ".bias", &bias_, &bias_grad_, layer_index_, true}};
}

template <typename T>
std::vector<BufferRef<T>> BatchNorm<T>::buffers() {
  const std::string prefix = "layers." + std::to_string(layer_index_);
  return {{prefix + ".running_mean", &running_mean_, layer_index_},
          {prefix + ".running_var", &running_var_, layer_index_},
          {prefix + ".num_batches_tracked", &batches_tracked_, layer_index_}};
}

template class BatchNorm<float>;
template class BatchNorm<double>;

}  // namespace nnlab
