// A 2-D convolution over a population (PyTorch nn.Conv2d, cross-correlation, zero padding):
//   y[o, i, j] = bias[o] + Σ_{c, u, v} W[o, c, u, v] · x[c, i·sh − ph + u, j·sw − pw + v]
// by im2col and one GEMM per member and chunk of examples (core/gemm: the same floats for any
// thread count). Examples are stored channel-major (nn/layer_kinds.hpp).
#pragma once

#include <array>
#include <string>
#include <vector>

#include "nn/layer.hpp"

namespace nnlab {

struct Conv2dGeometry {
  Index channels = 0, height = 0, width = 0;  // the input example [C, H, W]
  Index filters = 0;
  std::array<Index, 2> kernel{1, 1}, stride{1, 1}, padding{0, 0};

  Index out_height() const { return (height + 2 * padding[0] - kernel[0]) / stride[0] + 1; }
  Index out_width() const { return (width + 2 * padding[1] - kernel[1]) / stride[1] + 1; }
  Index patch() const { return channels * kernel[0] * kernel[1]; }   // K: one output's inputs
  Index positions() const { return out_height() * out_width(); }
  Index inputs() const { return channels * height * width; }
  Index outputs() const { return filters * positions(); }
};

template <typename T>
class Conv2d final : public Layer<T> {
 public:
  // weight [P, filters, C, kh, kw] and bias [P, filters] start at zero; an initialiser fills them.
  Conv2d(Index population, const Conv2dGeometry& geometry, bool has_bias, int layer_index);

  std::string kind() const override { return "conv2d"; }
  Index population() const override { return population_; }
  Index output_features(Index input_features) const override;

  // input [Q, B, C·H·W], Q = 1 or P -> output [P, B, filters·H'·W']
  const TensorT<T>& forward(const TensorT<T>& input, const ForwardContext& context) override;
  // grad_output [P, B, filters·H'·W'] -> grad_input [P, B, C·H·W]; dW, db accumulate over the
  // batch in fixed chunks of examples (their size depends on the shapes only, never on P).
  const TensorT<T>& backward(const TensorT<T>& grad_output, bool need_input_grad) override;

  std::vector<ParameterRef<T>> parameters() override;

  const Conv2dGeometry& geometry() const { return geometry_; }
  bool has_bias() const { return has_bias_; }
  TensorT<T>& weight() { return weight_; }
  TensorT<T>& bias() { return bias_; }  // empty without bias
  TensorT<T>& weight_grad() { return weight_grad_; }

 private:
  Index chunk_examples(Index batch) const;

  Index population_;
  Conv2dGeometry geometry_;
  bool has_bias_;
  int layer_index_;
  TensorT<T> weight_, bias_, weight_grad_, bias_grad_;
  TensorT<T> output_, grad_input_, no_grad_;
  std::vector<T> columns_, products_, column_grads_;  // [K, c·H'W'], [filters, c·H'W'], [K, c·H'W']
  const TensorT<T>* input_ = nullptr;                 // from the last forward, read by backward
};

}  // namespace nnlab
