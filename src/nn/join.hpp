// A skip connection's join (`from:` in a layer's spec): the concatenation, per example, of the
// network input and earlier layers' outputs, and the split of its gradient back to them.
// Flat features concatenate; [C, H, W] maps with equal H and W concatenate along C, which, with
// activations stored channel-major (nn/layer_kinds.hpp), is the same flat concatenation.
#pragma once

#include <span>
#include <vector>

#include "core/tensor.hpp"

namespace nnlab {

template <typename T>
class Join {
 public:
  // widths: features per example of each source, in the join's order.
  Join(Index population, std::vector<Index> widths);

  // sources[k]: [1 or P, B, widths[k]] -> [Q, B, Σ widths], Q = P when any source has every
  // member, else 1 (the input shared). Valid until the next forward.
  const TensorT<T>& forward(std::span<const TensorT<T>* const> sources);

  // grad [P, B, Σ widths]: adds its slice k into *grads[k] ([P, B, widths[k]], sized by the
  // caller); a null grads[k] (the network input) is skipped.
  void backward(const TensorT<T>& grad, std::span<TensorT<T>* const> grads) const;

  Index width() const { return width_; }

 private:
  Index population_;
  std::vector<Index> widths_, offsets_;
  Index width_ = 0;
  TensorT<T> output_;
};

}  // namespace nnlab
