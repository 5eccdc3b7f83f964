// A sequential model over a population: dense layers with their activations, built
// from one ModelSpec per member and initialised from each member's seed.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "nn/layer.hpp"
#include "nn/spec.hpp"

namespace nnlab {

template <typename T>
class Sequential {
 public:
  // members: one spec per member (structure must agree; scalars may differ).
  // seeds: member m's weights come from CounterRng(seeds[m], RngPurpose::init, layer index, 0|1).
  // fold_final_softmax: drop a final softmax from the forward pass, for a loss on logits.
  Sequential(std::span<const ModelSpec> members, std::span<const std::uint64_t> seeds, bool fold_final_softmax);

  Index population() const;
  Index inputs() const;
  Index outputs() const;

  // input [Q, B, inputs], Q = 1 (shared) or P -> output [P, B, outputs]
  const TensorT<T>& forward(const TensorT<T>& input, const ForwardContext& context);
  // grad_output [P, B, outputs]; adds into parameter gradients.
  void backward(const TensorT<T>& grad_output);
  void zero_grad();

  // Every parameter, in layer order, named "layers.{i}.weight" / "layers.{i}.bias".
  std::vector<ParameterRef<T>> parameters();

  // The output of each config layer (after its activation) from the last forward, for
  // introspection: index i = model.layers[i]. With a folded final softmax the last entry
  // is the logits (the softmax is not computed). Null pointers before the first forward.
  std::vector<const TensorT<T>*> layer_outputs() const;

  // Parameters of one member (all members have the same count).
  Index parameter_count() const;
  // Keras-style table: layer, output shape, parameters, and the total.
  std::string summary() const;

  // The members' specs as given (for saving, reports and weight loading).
  const std::vector<ModelSpec>& specs() const { return specs_; }

 private:
  std::vector<std::unique_ptr<Layer<T>>> layers_;
  std::vector<std::size_t> last_of_config_;       // layers_ index of config layer i's last layer
  std::vector<const TensorT<T>*> layer_outputs_;  // per config layer, set by forward
  std::vector<ModelSpec> specs_;
  Index population_ = 0;
};

}  // namespace nnlab
