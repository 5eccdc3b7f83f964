// Weight normalisation (Salimans & Kingma 2016) of a dense or conv2d layer, as PyTorch's
// torch.nn.utils.weight_norm(layer, dim=0): the layer's weight is not a parameter but
//   w[o, k] = g[o] · v[o, k] / ‖v[o, ·]‖   per output unit o, k over its in·kh·kw inputs,
// and g [P, out, 1] (conv2d: [P, out, 1, 1, 1]) and v (the weight's shape) are optimised, named
// "layers.{i}.weight_g" / "layers.{i}.weight_v" beside the inner layer's "layers.{i}.bias".
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "nn/layer.hpp"

namespace nnlab {

template <typename T>
class WeightNorm final : public Layer<T> {
 public:
  // inner: a Dense<T> or Conv2d<T> whose weight is already initialised; v starts as that weight
  // and g as its rows' norms (PyTorch's weight_norm), so the first forward computes it again.
  template <typename Inner>
  WeightNorm(std::unique_ptr<Inner> inner, int layer_index)
      : weight_(&inner->weight()), weight_grad_(&inner->weight_grad()), layer_index_(layer_index) {
    inner_ = std::move(inner);
    start_from_weight();
  }

  std::string kind() const override { return inner_->kind() + " (weight norm)"; }
  Index population() const override { return inner_->population(); }
  Index output_features(Index input_features) const override { return inner_->output_features(input_features); }

  // Writes w = g · v / ‖v‖ into the inner layer's weight, then runs its forward.
  const TensorT<T>& forward(const TensorT<T>& input, const ForwardContext& context) override;
  // The inner backward gives dL/dw (and adds dL/db); then, with s = dL/dw[o, ·] · v[o, ·],
  //   dg[o] += s / ‖v‖,   dv[o, k] += (g / ‖v‖) (dw[o, k] − s v[o, k] / ‖v‖²).
  const TensorT<T>& backward(const TensorT<T>& grad_output, bool need_input_grad) override;

  // The inner layer's bias, then weight_g (is_gain) and weight_v: PyTorch's state-dict order.
  std::vector<ParameterRef<T>> parameters() override;

  TensorT<T>& g() { return g_; }
  TensorT<T>& v() { return v_; }

 private:
  void start_from_weight();  // v = w, g = ‖w‖ per unit, and the gradients' tensors

  std::unique_ptr<Layer<T>> inner_;
  TensorT<T>* weight_;       // the inner layer's [P, out, ...], recomputed by every forward
  TensorT<T>* weight_grad_;  // the inner layer's, zeroed by every backward
  int layer_index_;
  Index outputs_ = 0, row_ = 0;  // out, and in·kh·kw per output unit
  TensorT<T> g_, v_, g_grad_, v_grad_;
  std::vector<double> norms_;  // ‖v[m, o, ·]‖ from the last forward, [P · out]
};

}  // namespace nnlab
