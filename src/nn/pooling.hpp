// Max and average pooling over windows of each channel (PyTorch nn.MaxPool2d / nn.AvgPool2d,
// no padding, floor of the output size):
//   max: y[c, i, j] = max over the window at (i·sh, j·sw); the gradient goes to the first
//        position holding the maximum (row-major within the window); a NaN wins (the last one)
//   avg: y[c, i, j] = (Σ over the window, row-major) / (kh·kw); dx += dy / (kh·kw)
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "nn/layer.hpp"

namespace nnlab {

enum class PoolMode { max, average };

struct PoolGeometry {
  Index channels = 0, height = 0, width = 0;  // the input example [C, H, W]
  std::array<Index, 2> window{2, 2}, stride{2, 2};

  Index out_height() const { return (height - window[0]) / stride[0] + 1; }
  Index out_width() const { return (width - window[1]) / stride[1] + 1; }
  Index inputs() const { return channels * height * width; }
  Index outputs() const { return channels * out_height() * out_width(); }
};

template <typename T>
class Pool2d final : public Layer<T> {
 public:
  Pool2d(Index population, PoolMode mode, const PoolGeometry& geometry, int layer_index);

  std::string kind() const override { return mode_ == PoolMode::max ? "maxpool2d" : "avgpool2d"; }
  Index population() const override { return population_; }
  Index output_features(Index input_features) const override;

  // input [Q, B, C·H·W], Q = 1 or P -> output [P, B, C·H'·W']
  const TensorT<T>& forward(const TensorT<T>& input, const ForwardContext& context) override;
  // grad_output [P, B, C·H'·W'] -> grad_input [P, B, C·H·W]
  const TensorT<T>& backward(const TensorT<T>& grad_output, bool need_input_grad) override;

 private:
  Index population_;
  PoolMode mode_;
  PoolGeometry geometry_;
  int layer_index_;
  TensorT<T> output_, grad_input_, no_grad_;
  std::vector<std::int32_t> argmax_;  // max: per output, its input position within the example
  Index batch_ = 0;
};

}  // namespace nnlab
