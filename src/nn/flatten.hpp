// [C, H, W] -> [C·H·W]: activations are stored flat and channel-major already
// (nn/layer_kinds.hpp), so flatten passes its input through; its place in the spec is what
// changes, the shapes the following layers see.
#pragma once

#include <string>

#include "nn/layer.hpp"
#include "nn/pass_through.hpp"

namespace nnlab {

template <typename T>
class Flatten final : public Layer<T> {
 public:
  explicit Flatten(Index population) : population_(population) {}

  std::string kind() const override { return "flatten"; }
  Index population() const override { return population_; }
  Index output_features(Index input_features) const override { return input_features; }

  // input [Q, B, F] -> the same floats as [P, B, F]
  const TensorT<T>& forward(const TensorT<T>& input, const ForwardContext& /*context*/) override {
    pass_through::check_input(input, population_, "Flatten");
    return pass_through::identity(input, population_, output_);
  }
  const TensorT<T>& backward(const TensorT<T>& grad_output, bool need_input_grad) override {
    return need_input_grad ? grad_output : no_grad_;
  }

 private:
  Index population_;
  TensorT<T> output_, no_grad_;
};

}  // namespace nnlab
