// A fully connected layer over a population: y = x Wᵀ + b per member (PyTorch nn.Linear layout).
#pragma once

#include <string>
#include <vector>

#include "nn/layer.hpp"

namespace nnlab {

// Layers with inputs · outputs <= small_dense_limit skip BLAS: direct loops whose per-element
// order is fixed and shared with the fused small-network kernel (small_network.hpp):
//   y[b, o]  = (Σ_i x[b, i] W[o, i], i ascending) + bias[o]
//   dW[o, i] += dY[b, o] x[b, i] for b ascending;  db[o] += dY[b, o] for b ascending
//   dX[b, i] = Σ_o dY[b, o] W[o, i], o ascending
// A choice by shape only, so a member's floats never depend on P.
inline constexpr Index small_dense_limit = 256;
inline bool is_small_dense(Index inputs, Index outputs) { return inputs * outputs <= small_dense_limit; }

template <typename T>
class Dense final : public Layer<T> {
 public:
  // weight [P, outputs, inputs] and bias [P, outputs] start at zero; an initialiser fills them.
  // layer_index names the parameters "layers.{layer_index}.weight" / ".bias".
  Dense(Index population, Index inputs, Index outputs, bool has_bias, int layer_index);

  std::string kind() const override { return "dense"; }
  Index population() const override { return population_; }
  Index output_features(Index input_features) const override;

  // input [Q, B, inputs], Q = 1 or P -> output [P, B, outputs]
  const TensorT<T>& forward(const TensorT<T>& input, const ForwardContext& context) override;
  // grad_output [P, B, outputs] -> grad_input [P, B, inputs] (also when the input was shared)
  const TensorT<T>& backward(const TensorT<T>& grad_output, bool need_input_grad) override;

  std::vector<ParameterRef<T>> parameters() override;

  Index inputs() const { return inputs_; }
  Index outputs() const { return outputs_; }
  bool has_bias() const { return has_bias_; }
  TensorT<T>& weight() { return weight_; }
  TensorT<T>& bias() { return bias_; }  // empty without bias
  const TensorT<T>& weight() const { return weight_; }
  const TensorT<T>& bias() const { return bias_; }
  TensorT<T>& weight_grad() { return weight_grad_; }
  TensorT<T>& bias_grad() { return bias_grad_; }  // empty without bias

 private:
  void add_bias_grad(const T* dy, T* db, Index batch) const;

  Index population_, inputs_, outputs_;
  bool has_bias_;
  int layer_index_;
  TensorT<T> weight_, bias_, weight_grad_, bias_grad_;
  TensorT<T> output_, grad_input_, no_grad_;
  const TensorT<T>* input_ = nullptr;  // from the last forward, read by backward
};

}  // namespace nnlab
