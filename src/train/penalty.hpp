// L1 and L2 weight penalties, part of each member's objective (LossSpec::l1, LossSpec::l2):
//   objective = data loss + λ1 Σ|w| + λ2/2 Σ w²,  the sums over weights, never biases.
// Loss::evaluate sees the outputs only, so this hook adds the penalty's gradient
//   ∂/∂w = λ1 sign(w) + λ2 w   (sign(0) = 0, as torch.sign)
// to every weight gradient in on_gradients: first among the hooks, so the gradient norms
// recorded and the clipping after the hooks see the whole objective's gradient, as
// `loss = data + penalty; loss.backward(); clip_grad_norm_(...); step()` does in PyTorch.
// The recorded train_loss (and success.train_loss) stays the data loss, comparable across λ;
// the penalty at the same weights is EpochMetrics::penalty (docs/design.md, "Penalties").
#pragma once

#include <span>
#include <vector>

#include "nn/layer.hpp"
#include "nn/loss.hpp"
#include "train/hook.hpp"

namespace nnlab {

// One member's slice of one weight, `count` elements, in float and in this order:
//   g = g + λ2 w  (when λ2 != 0: the same expression as SGD's coupled weight decay)
//   g = g + λ1 sign(w)  (when λ1 != 0)
void add_penalty_gradient(const float* value, float* grad, Index count, float l1, float l2);

// Every member's penalty gradient added into the weights' gradients ([P, ...] each); members
// whose λ1 = λ2 = 0 or whose active flag is 0 (empty = all active) are untouched.
void add_penalty_gradients(std::span<const ParameterRef<float>> parameters, std::span<const LossSpec> members,
                           std::span<const std::uint8_t> active = {});

// penalty[m] = λ1 Σ|w| + λ2/2 Σ w² over member m's weights, each sum in double in the member's
// element order (core/member_sums.hpp); not_measured for a member without a penalty.
std::vector<double> penalty_values(std::span<const ParameterRef<float>> parameters, std::span<const LossSpec> members);

// Writes: the weight gradients (on_gradients) and state.current[m].penalty (on_epoch_end).
class PenaltyHook final : public TrainingHook {
 public:
  void on_fit_begin(TrainingContext& ctx) override;
  void on_gradients(TrainingContext& ctx, std::int64_t epoch, Index batch) override;
  void on_epoch_end(TrainingContext& ctx, std::int64_t epoch, bool last) override;

 private:
  bool any_ = false;  // some member has a penalty
};

}  // namespace nnlab
