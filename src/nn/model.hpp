// A sequential model over a population: dense layers with their activations, the noise layers
// (dropout, gaussian_noise, gaussian_dropout) and the norm layers (batchnorm, layernorm, with
// theirs), built from one ModelSpec per member and initialised from each member's seed.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "nn/dense.hpp"
#include "nn/join.hpp"
#include "nn/layer.hpp"
#include "nn/loss.hpp"
#include "nn/small_network.hpp"
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
  // The same, and the loss gradient with respect to the network input into *grad_input, resized
  // to [P, B, inputs] (per member, whether the input was shared or not): for adversarial
  // examples. Null grad_input is the plain backward, which skips the first layer's dX.
  void backward(const TensorT<T>& grad_output, TensorT<T>* grad_input);
  void zero_grad();

  // One training pass: forward, loss and backward. Writes member m's loss into loss_values[m],
  // sets the parameter gradients to this batch's (no accumulation) and returns the output
  // [P, B, outputs] (valid until the next call). Bit-identical to zero_grad + forward +
  // loss.evaluate + backward; small networks with an element-wise loss
  // (uses_small_network_kernel) run it fused across members instead, which leaves
  // layer_outputs() as the last forward() set it.
  const TensorT<T>& forward_backward(const TensorT<T>& input, const Loss<T>& loss, const Targets<T>& targets,
                                     std::span<double> loss_values, const ForwardContext& context);
  bool uses_small_network_kernel(LossKind loss) const;
  // Whether a training forward differs from an evaluation one (a noise layer, batch norm's
  // batch statistics): then the loss of a training forward is not the loss of the weights, and
  // metrics need an evaluation pass.
  bool trains_differently() const { return trains_differently_; }

  // Every parameter, in layer order, named "layers.{i}.weight" / "layers.{i}.bias".
  std::vector<ParameterRef<T>> parameters();
  // Every buffer (state that is not a parameter, layer.hpp), in layer order, named as PyTorch's
  // state dict: "layers.{i}.running_mean", ".running_var", ".num_batches_tracked".
  std::vector<BufferRef<T>> buffers();

  // The output of each config layer (after its activation) from the last forward, for
  // introspection: index i = model.layers[i]. With a folded final softmax the last entry
  // is the logits (the softmax is not computed). Null pointers before the first forward.
  std::vector<const TensorT<T>*> layer_outputs() const;
  // Of the same forward, per config layer: its input (after a `from` join), and the output of
  // its first part — for dense and conv2d the affine map W x + b before the activation.
  std::vector<const TensorT<T>*> layer_inputs() const { return layer_inputs_; }
  std::vector<const TensorT<T>*> pre_activations() const { return first_outputs_; }

  // Parameters of one member (all members have the same count).
  Index parameter_count() const;
  // Keras-style table: layer, output shape, parameters, and the total.
  std::string summary() const;

  // The members' specs as given (for saving, reports and weight loading).
  const std::vector<ModelSpec>& specs() const { return specs_; }

 private:
  std::vector<std::unique_ptr<Layer<T>>> layers_;
  std::vector<Dense<T>*> dense_;                  // config layer i's dense layer (null for other kinds), owned by layers_
  std::unique_ptr<SmallNetworkKernel<T>> kernel_;  // when SmallNetworkKernel supports the structure
  TensorT<T> fused_output_, grad_output_;
  std::vector<TensorT<T>*> grads_;                // every parameter's gradient, zeroed per step
  std::vector<std::size_t> first_of_config_;      // layers_ index of config layer i's first layer
  std::vector<std::size_t> last_of_config_;       // layers_ index of config layer i's last layer
  std::vector<std::unique_ptr<Join<T>>> joins_;   // config layer i's `from` join (null: the previous output)
  std::vector<const TensorT<T>*> layer_outputs_;  // per config layer, set by forward
  std::vector<const TensorT<T>*> layer_inputs_;   // ... its input
  std::vector<const TensorT<T>*> first_outputs_;  // ... the output of its first layer
  std::vector<bool> passes_grad_;                 // config layer i's output gradient comes from layer i + 1 alone
  std::vector<const TensorT<T>*> pending_grads_;  // ... and then is this pointer, set by backward
  std::vector<TensorT<T>> output_grads_;          // ... else its consumers' sum, [P, B, units]
  std::vector<const TensorT<T>*> sources_;        // scratch of forward and backward
  std::vector<TensorT<T>*> source_grads_;
  std::vector<ModelSpec> specs_;
  Index population_ = 0;
  bool trains_differently_ = false;
};

}  // namespace nnlab
