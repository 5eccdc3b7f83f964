#include "nn/pooling.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <stdexcept>

#include "core/threads.hpp"

namespace nnlab {

template <typename T>
Pool2d<T>::Pool2d(Index population, PoolMode mode, const PoolGeometry& geometry, int layer_index)
    : population_(population), mode_(mode), geometry_(geometry), layer_index_(layer_index) {
  const PoolGeometry& g = geometry_;
  if (population <= 0 || g.channels <= 0 || g.window[0] <= 0 || g.window[1] <= 0 || g.stride[0] <= 0 || g.stride[1] <= 0 ||
      g.window[0] > g.height || g.window[1] > g.width)
    throw std::invalid_argument(fmt::format("Pool2d layers.{}: a [{}, {}] window at stride [{}, {}] over [{}, {}, {}] makes no output",
                                            layer_index, g.window[0], g.window[1], g.stride[0], g.stride[1], g.channels,
                                            g.height, g.width));
}

template <typename T>
Index Pool2d<T>::output_features(Index input_features) const {
  if (input_features != geometry_.inputs())
    throw std::invalid_argument(
        fmt::format("Pool2d layers.{}: expects {} inputs, got {}", layer_index_, geometry_.inputs(), input_features));
  return geometry_.outputs();
}

template <typename T>
const TensorT<T>& Pool2d<T>::forward(const TensorT<T>& input, const ForwardContext& /*context*/) {
  const PoolGeometry& g = geometry_;
  if (input.rank() != 3 || input.dim(2) != g.inputs() || (input.dim(0) != 1 && input.dim(0) != population_))
    throw std::invalid_argument(fmt::format("Pool2d layers.{}: input {} is not [1 or {}, B, {}]", layer_index_,
                                            to_string(input.shape()), population_, g.inputs()));
  const bool shared = input.dim(0) == 1, max = mode_ == PoolMode::max;
  batch_ = input.dim(1);
  const Index out_h = g.out_height(), out_w = g.out_width(), outputs = g.outputs();
  output_.resize({population_, batch_, outputs});
  if (max) argmax_.resize(static_cast<std::size_t>(population_ * batch_ * outputs));
  const auto divisor = static_cast<T>(g.window[0] * g.window[1]);
  parallel_for(population_ * batch_, population_ * batch_ * g.inputs() >= (Index{1} << 15), [&](Index row) {
    const Index m = row / batch_, b = row % batch_;
    const T* x = input.slice(shared ? 0 : m) + b * g.inputs();
    T* y = output_.data() + row * outputs;
    std::int32_t* at = max ? argmax_.data() + row * outputs : nullptr;
    for (Index c = 0; c < g.channels; ++c)
      for (Index i = 0; i < out_h; ++i)
        for (Index j = 0; j < out_w; ++j) {
          const Index out = (c * out_h + i) * out_w + j;
          const Index corner = (c * g.height + i * g.stride[0]) * g.width + j * g.stride[1];
          if (max) {  // PyTorch's rule: a greater value or a NaN takes the place
            T best = -std::numeric_limits<T>::infinity();
            Index best_at = corner;
            for (Index u = 0; u < g.window[0]; ++u) {
              const Index row_start = corner + u * g.width;
              for (Index v = 0; v < g.window[1]; ++v) {
                const T value = x[row_start + v];
                if (value > best || std::isnan(value)) {
                  best = value;
                  best_at = row_start + v;
                }
              }
            }
            y[out] = best;
            at[out] = static_cast<std::int32_t>(best_at);
          } else {
            T sum = T{0};
            for (Index u = 0; u < g.window[0]; ++u)
              for (Index v = 0; v < g.window[1]; ++v) sum += x[corner + u * g.width + v];
            y[out] = sum / divisor;
          }
        }
  });
  return output_;
}

template <typename T>
const TensorT<T>& Pool2d<T>::backward(const TensorT<T>& grad_output, bool need_input_grad) {
  const PoolGeometry& g = geometry_;
  if (grad_output.rank() != 3 || grad_output.dim(0) != population_ || grad_output.dim(1) != batch_ ||
      grad_output.dim(2) != g.outputs())
    throw std::invalid_argument(fmt::format("Pool2d layers.{}: grad_output {} does not match the output {}", layer_index_,
                                            to_string(grad_output.shape()), to_string(output_.shape())));
  if (!need_input_grad) return no_grad_;
  const Index out_h = g.out_height(), out_w = g.out_width(), outputs = g.outputs();
  grad_input_.resize({population_, batch_, g.inputs()});
  const auto divisor = static_cast<T>(g.window[0] * g.window[1]);
  parallel_for(population_ * batch_, population_ * batch_ * g.inputs() >= (Index{1} << 15), [&](Index row) {
    const T* dy = grad_output.data() + row * outputs;
    T* dx = grad_input_.data() + row * g.inputs();
    std::fill_n(dx, g.inputs(), T{0});
    if (mode_ == PoolMode::max) {
      const std::int32_t* at = argmax_.data() + row * outputs;
      for (Index out = 0; out < outputs; ++out) dx[at[out]] += dy[out];
      return;
    }
    for (Index c = 0; c < g.channels; ++c)
      for (Index i = 0; i < out_h; ++i)
        for (Index j = 0; j < out_w; ++j) {
          const T d = dy[(c * out_h + i) * out_w + j] / divisor;
          for (Index u = 0; u < g.window[0]; ++u)
            for (Index v = 0; v < g.window[1]; ++v) dx[(c * g.height + i * g.stride[0] + u) * g.width + j * g.stride[1] + v] += d;
        }
  });
  return grad_input_;
}

template class Pool2d<float>;
template class Pool2d<double>;

}  // namespace nnlab
