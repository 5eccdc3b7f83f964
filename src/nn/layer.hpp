// The layer contract: one forward/backward pair over a population.
// Shapes: input [Q, B, in] with Q = P, or Q = 1 when every member sees the same batch
// (the input is shared, not copied); output [P, B, out]. Parameters are [P, ...].
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/tensor.hpp"

namespace nnlab {

enum class Mode { train, eval };

// What a forward pass needs besides the input: train/eval behaviour and, for layers
// that draw random numbers (dropout), the optimiser step that keys their stream.
// `active` (empty = every member) says whose buffers a training forward may update: the
// trainer passes its active flags, so a stopped member's running statistics stay as they
// would be had it been trained alone.
struct ForwardContext {
  Mode mode = Mode::train;
  std::int64_t step = 0;
  std::span<const std::uint8_t> active = {};

  bool updates(std::int64_t member) const { return active.empty() || active[static_cast<std::size_t>(member)] != 0; }
};

// A named parameter and its gradient; both [P, ...] with identical layout, so that
// optimisers, clipping and checkpoints are flat loops over members and elements.
template <typename T>
struct ParameterRef {
  std::string name;          // "layers.0.weight", index = the layer's place in model.layers
  TensorT<T>* value = nullptr;  // non-owning: the layer owns it
  TensorT<T>* grad = nullptr;
  int layer_index = 0;
  bool is_bias = false;
  // A weight-normalised layer's per-unit scale g (weight_g): optimised and penalised like a
  // weight, but the layer's weight statistics and histograms describe its direction v (weight_v).
  bool is_gain = false;

  // What a layer's weight statistics and histograms describe: neither a bias nor a gain.
  bool is_weight() const { return !is_bias && !is_gain; }
};

// State a layer keeps that is not a parameter (batch norm's running mean and variance and its
// count of batches), [P, ...]: saved in model files and checkpoints under PyTorch's state-dict
// name, but never seen by optimisers, clipping, penalties or layer statistics.
template <typename T>
struct BufferRef {
  std::string name;             // "layers.1.running_mean"
  TensorT<T>* value = nullptr;  // non-owning: the layer owns it
  int layer_index = 0;
};

template <typename T>
class Layer {
 public:
  virtual ~Layer() = default;

  virtual std::string kind() const = 0;
  virtual Index population() const = 0;
  virtual Index output_features(Index input_features) const = 0;

  // Returns the output, owned by the layer and valid until the next forward.
  // The layer may keep a pointer to `input` for backward: keep it alive until then.
  virtual const TensorT<T>& forward(const TensorT<T>& input, const ForwardContext& context) = 0;

  // grad_output: [P, B, out]. Adds parameter gradients into the grad tensors (callers
  // zero them between steps). Returns the input gradient [P, B, in] when
  // need_input_grad, else an empty tensor (the first layer skips that product).
  virtual const TensorT<T>& backward(const TensorT<T>& grad_output, bool need_input_grad) = 0;

  virtual std::vector<ParameterRef<T>> parameters() { return {}; }
  virtual std::vector<BufferRef<T>> buffers() { return {}; }
};

}  // namespace nnlab
