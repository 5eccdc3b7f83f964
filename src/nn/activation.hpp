// Element-wise activations (and the row-wise softmax) over a population, each member with
// its own scalar parameters (sigmoid steepness, leaky slope, ELU alpha). The step's backward
// is its straight-through surrogate (activation_forms.hpp), not its true derivative.
#pragma once

#include <string>
#include <vector>

#include "nn/layer.hpp"
#include "nn/spec.hpp"

namespace nnlab {

// "sigmoid", "leaky_relu", ... as written in configs.
std::string activation_name(ActivationKind kind);
// step's `levels` and `straight_through` values as written in configs: "sign", "hard_tanh", ...
std::string step_levels_name(StepLevels levels);
std::string straight_through_name(StraightThrough surrogate);

template <typename T>
class Activation final : public Layer<T> {
 public:
  // One spec per member; the kinds (and a step's levels and estimator) must agree, steepness
  // must be > 0.
  explicit Activation(std::vector<ActivationSpec> members);

  std::string kind() const override { return activation_name(kind_); }
  Index population() const override { return static_cast<Index>(members_.size()); }
  Index output_features(Index input_features) const override { return input_features; }

  // input [Q, B, F], Q = 1 or P -> output [P, B, F]
  const TensorT<T>& forward(const TensorT<T>& input, const ForwardContext& context) override;
  const TensorT<T>& backward(const TensorT<T>& grad_output, bool need_input_grad) override;

  ActivationKind activation_kind() const { return kind_; }

 private:
  std::vector<ActivationSpec> members_;
  ActivationKind kind_;
  TensorT<T> output_, grad_input_, no_grad_;
  const TensorT<T>* input_ = nullptr;  // from the last forward, read by backward
};

}  // namespace nnlab
