#include "nn/conv2d.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "core/gemm.hpp"
#include "core/threads.hpp"

namespace nnlab {
namespace {

// One example x [C, H, W] into columns [K, ld] at column offset `column`: row (c·kh + u)·kw + v
// holds x[c, i·sh − ph + u, j·sw − pw + v] at column i·W' + j (0 outside the input).
template <typename T>
void im2col(const T* x, const Conv2dGeometry& g, T* columns, Index ld, Index column) {
  const Index out_h = g.out_height(), out_w = g.out_width();
  for (Index c = 0; c < g.channels; ++c)
    for (Index u = 0; u < g.kernel[0]; ++u)
      for (Index v = 0; v < g.kernel[1]; ++v) {
        T* row = columns + ((c * g.kernel[0] + u) * g.kernel[1] + v) * ld + column;
        for (Index i = 0; i < out_h; ++i) {
          const Index h = i * g.stride[0] - g.padding[0] + u;
          T* out = row + i * out_w;
          if (h < 0 || h >= g.height) {
            std::fill_n(out, out_w, T{0});
            continue;
          }
          const T* in = x + (c * g.height + h) * g.width;
          // Columns j whose input w = j·sw − pw + v lies inside [0, W): [first, last).
          const Index offset = v - g.padding[1], stride = g.stride[1];
          const Index first = offset >= 0 ? 0 : std::min(out_w, (-offset + stride - 1) / stride);
          const Index last = std::clamp<Index>((g.width - offset + stride - 1) / stride, first, out_w);
          std::fill_n(out, first, T{0});
          if (stride == 1) {
            std::copy_n(in + first + offset, last - first, out + first);
          } else {
            for (Index j = first; j < last; ++j) out[j] = in[j * stride + offset];
          }
          std::fill_n(out + last, out_w - last, T{0});
        }
      }
}

// The adjoint: dx [C, H, W] += the column gradients of one example, rows and positions ascending.
template <typename T>
void col2im(const T* columns, Index ld, Index column, const Conv2dGeometry& g, T* dx) {
  const Index out_h = g.out_height(), out_w = g.out_width();
  for (Index c = 0; c < g.channels; ++c)
    for (Index u = 0; u < g.kernel[0]; ++u)
      for (Index v = 0; v < g.kernel[1]; ++v) {
        const T* row = columns + ((c * g.kernel[0] + u) * g.kernel[1] + v) * ld + column;
        for (Index i = 0; i < out_h; ++i) {
          const Index h = i * g.stride[0] - g.padding[0] + u;
          if (h < 0 || h >= g.height) continue;
          T* in = dx + (c * g.height + h) * g.width;
          for (Index j = 0; j < out_w; ++j) {
            const Index w = j * g.stride[1] - g.padding[1] + v;
            if (w >= 0 && w < g.width) in[w] += row[i * out_w + j];
          }
        }
      }
}

// Columns of chunks are kept under this many values (the column matrix of one chunk).
constexpr Index chunk_values = Index{1} << 21;

}  // namespace

template <typename T>
Conv2d<T>::Conv2d(Index population, const Conv2dGeometry& geometry, bool has_bias, int layer_index)
    : population_(population), geometry_(geometry), has_bias_(has_bias), layer_index_(layer_index) {
  const Conv2dGeometry& g = geometry_;
  if (population <= 0 || g.channels <= 0 || g.height <= 0 || g.width <= 0 || g.filters <= 0 || g.kernel[0] <= 0 ||
      g.kernel[1] <= 0 || g.stride[0] <= 0 || g.stride[1] <= 0 || g.padding[0] < 0 || g.padding[1] < 0 ||
      g.height + 2 * g.padding[0] < g.kernel[0] || g.width + 2 * g.padding[1] < g.kernel[1])
    throw std::invalid_argument(fmt::format(
        "Conv2d layers.{}: input [{}, {}, {}], {} filters, kernel [{}, {}], stride [{}, {}], padding [{}, {}] make no "
        "output",
        layer_index, g.channels, g.height, g.width, g.filters, g.kernel[0], g.kernel[1], g.stride[0], g.stride[1],
        g.padding[0], g.padding[1]));
  weight_ = TensorT<T>({population, g.filters, g.channels, g.kernel[0], g.kernel[1]});
  weight_grad_ = TensorT<T>(weight_.shape());
  if (has_bias) {
    bias_ = TensorT<T>({population, g.filters});
    bias_grad_ = TensorT<T>({population, g.filters});
  }
}

template <typename T>
Index Conv2d<T>::output_features(Index input_features) const {
  if (input_features != geometry_.inputs())
    throw std::invalid_argument(
        fmt::format("Conv2d layers.{}: expects {} inputs, got {}", layer_index_, geometry_.inputs(), input_features));
  return geometry_.outputs();
}

template <typename T>
Index Conv2d<T>::chunk_examples(Index batch) const {
  return std::clamp<Index>(chunk_values / (geometry_.patch() * geometry_.positions()), 1, std::max<Index>(batch, 1));
}

template <typename T>
const TensorT<T>& Conv2d<T>::forward(const TensorT<T>& input, const ForwardContext& /*context*/) {
  const Conv2dGeometry& g = geometry_;
  if (input.rank() != 3 || input.dim(2) != g.inputs() || (input.dim(0) != 1 && input.dim(0) != population_))
    throw std::invalid_argument(fmt::format("Conv2d layers.{}: input {} is not [1 or {}, B, {}]", layer_index_,
                                            to_string(input.shape()), population_, g.inputs()));
  input_ = &input;
  const bool shared = input.dim(0) == 1;
  const Index batch = input.dim(1), chunk = chunk_examples(batch), positions = g.positions(), patch = g.patch();
  output_.resize({population_, batch, g.outputs()});
  columns_.resize(static_cast<std::size_t>(patch * chunk * positions));
  products_.resize(static_cast<std::size_t>(g.filters * chunk * positions));
  const bool worth = chunk * patch * positions >= (Index{1} << 15);
  for (Index m = 0; m < population_; ++m) {
    const T* x = input.slice(shared ? 0 : m);
    for (Index first = 0; first < batch; first += chunk) {
      const Index count = std::min(chunk, batch - first), ld = count * positions;
      parallel_for(count, worth, [&](Index e) {
        im2col(x + (first + e) * g.inputs(), g, columns_.data(), ld, e * positions);
      });
      // Y [filters, count·H'W'] = W [filters, K] · columns [K, count·H'W']
      gemm(Transpose::no, Transpose::no, g.filters, ld, patch, T{1}, weight_.slice(m), patch, columns_.data(), ld, T{0},
           products_.data(), ld);
      const T* bias = has_bias_ ? bias_.slice(m) : nullptr;
      parallel_for(count, worth, [&](Index e) {
        T* y = output_.slice(m) + (first + e) * g.outputs();
        for (Index o = 0; o < g.filters; ++o) {
          const T* product = products_.data() + o * ld + e * positions;
          for (Index p = 0; p < positions; ++p) y[o * positions + p] = bias ? product[p] + bias[o] : product[p];
        }
      });
    }
  }
  return output_;
}

template <typename T>
const TensorT<T>& Conv2d<T>::backward(const TensorT<T>& grad_output, bool need_input_grad) {
  if (input_ == nullptr) throw std::logic_error("Conv2d::backward before forward");
  const Conv2dGeometry& g = geometry_;
  const TensorT<T>& input = *input_;
  const bool shared = input.dim(0) == 1;
  const Index batch = input.dim(1), chunk = chunk_examples(batch), positions = g.positions(), patch = g.patch();
  if (grad_output.rank() != 3 || grad_output.dim(0) != population_ || grad_output.dim(1) != batch ||
      grad_output.dim(2) != g.outputs())
    throw std::invalid_argument(fmt::format("Conv2d layers.{}: grad_output {} does not match the output {}", layer_index_,
                                            to_string(grad_output.shape()), to_string(output_.shape())));
  if (need_input_grad) {
    grad_input_.resize({population_, batch, g.inputs()});
    column_grads_.resize(static_cast<std::size_t>(patch * chunk * positions));
  }
  columns_.resize(static_cast<std::size_t>(patch * chunk * positions));
  products_.resize(static_cast<std::size_t>(g.filters * chunk * positions));
  const bool worth = chunk * patch * positions >= (Index{1} << 15);
  for (Index m = 0; m < population_; ++m) {
    const T* x = input.slice(shared ? 0 : m);
    const T* dy = grad_output.slice(m);
    for (Index first = 0; first < batch; first += chunk) {
      const Index count = std::min(chunk, batch - first), ld = count * positions;
      // The chunk's columns again (cheaper than keeping every chunk's), and dY as [filters, count·H'W'].
      parallel_for(count, worth, [&](Index e) {
        im2col(x + (first + e) * g.inputs(), g, columns_.data(), ld, e * positions);
        const T* dye = dy + (first + e) * g.outputs();
        for (Index o = 0; o < g.filters; ++o)
          std::copy_n(dye + o * positions, positions, products_.data() + o * ld + e * positions);
      });
      // dW [filters, K] += dY · columnsᵀ (chunks in ascending order)
      gemm(Transpose::no, Transpose::yes, g.filters, patch, ld, T{1}, products_.data(), ld, columns_.data(), ld, T{1},
           weight_grad_.slice(m), patch);
      if (has_bias_) {  // db[o] += Σ over the chunk's examples and positions, ascending
        T* db = bias_grad_.slice(m);
        for (Index o = 0; o < g.filters; ++o) {
          const T* d = products_.data() + o * ld;
          T sum = db[o];
          for (Index k = 0; k < ld; ++k) sum += d[k];
          db[o] = sum;
        }
      }
      if (!need_input_grad) continue;
      // dcolumns [K, count·H'W'] = Wᵀ · dY, then back to each example's input positions
      gemm(Transpose::yes, Transpose::no, patch, ld, g.filters, T{1}, weight_.slice(m), patch, products_.data(), ld, T{0},
           column_grads_.data(), ld);
      parallel_for(count, worth, [&](Index e) {
        T* dx = grad_input_.slice(m) + (first + e) * g.inputs();
        std::fill_n(dx, g.inputs(), T{0});
        col2im(column_grads_.data(), ld, e * positions, g, dx);
      });
    }
  }
  return need_input_grad ? grad_input_ : no_grad_;
}

template <typename T>
std::vector<ParameterRef<T>> Conv2d<T>::parameters() {
  const std::string prefix = "layers." + std::to_string(layer_index_);
  std::vector<ParameterRef<T>> result{{prefix + ".weight", &weight_, &weight_grad_, layer_index_, false}};
  if (has_bias_) result.push_back({prefix + ".bias", &bias_, &bias_grad_, layer_index_, true});
  return result;
}

template class Conv2d<float>;
template class Conv2d<double>;

}  // namespace nnlab
