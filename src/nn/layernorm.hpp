// Layer normalisation over a population (PyTorch nn.LayerNorm(F), elementwise affine): each
// example's F features are normalised by their own mean and biased variance, the same in
// training and evaluation. Per member: weight γ [P, F] (1), bias β [P, F] (0) and eps.
#pragma once

#include <string>
#include <vector>

#include "nn/layer.hpp"

namespace nnlab {

template <typename T>
class LayerNorm final : public Layer<T> {
 public:
  // features F; eps[m] > 0 for each member; layer_index names the parameters.
  LayerNorm(Index features, std::vector<double> eps, int layer_index);

  std::string kind() const override { return "layernorm"; }
  Index population() const override { return static_cast<Index>(eps_.size()); }
  Index output_features(Index input_features) const override { return input_features; }

  // input [Q, B, F], Q = 1 or P -> output [P, B, F]; per member m and row b:
  //   μ, σ² = mean and biased variance of the row's F values, x̂ = (x − μ) / sqrt(σ² + eps),
  //   y = γ x̂ + β (element by element)
  const TensorT<T>& forward(const TensorT<T>& input, const ForwardContext& context) override;
  // grad_output [P, B, F]: dγ += Σ_b dy x̂, dβ += Σ_b dy; with g = γ dy per row,
  //   dx = (F g − Σ g − x̂ Σ g x̂) / (F sqrt(σ² + eps))
  const TensorT<T>& backward(const TensorT<T>& grad_output, bool need_input_grad) override;

  std::vector<ParameterRef<T>> parameters() override;

  TensorT<T>& weight() { return weight_; }
  TensorT<T>& bias() { return bias_; }

 private:
  Index features_;
  std::vector<double> eps_;
  int layer_index_;
  TensorT<T> weight_, bias_, weight_grad_, bias_grad_;     // [P, F]
  TensorT<T> output_, normalised_, grad_input_, no_grad_;  // [P, B, F]: y, x̂, dx
  TensorT<double> inverse_std_;                            // [P, B] of the last forward
};

}  // namespace nnlab
