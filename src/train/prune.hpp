// Iterative magnitude pruning and lottery tickets (Frankle & Carbin 2019, "The Lottery Ticket
// Hypothesis"), train.prune. One fit of (rounds + 1) rounds of equal length L = epochs / (rounds
// + 1): round 0 trains the dense network; at the end of each round but the last, every active
// member prunes round(rate × remaining) of its weights (optim/magnitude_mask.hpp: per layer, or
// ranked across the hidden layers with scope global; the output layer at output_rate, on its
// own), rewinds every parameter and buffer to its kept copy (the initial weights, or those after
// epoch rewind_epoch of round 0), masks them, and starts its optimiser afresh (Optimizer::reset).
// Each member has its own mask; biases and gains are not pruned. Pruned weights stay exactly 0:
// on_gradients zeroes their gradients and on_step_end multiplies the weights by the mask, so no
// momentum, Adam state, weight decay or Lookahead sync can revive one. The masks and the rewind
// copy live in TrainerState (prune_masks, prune_rewind).
// The random-reinit control: a member with MemberSetup::prune_mask_from = s takes member s's
// new mask at every round end (after s pruned) instead of ranking its own weights, and always
// rewinds to its own initial weights (another seed's), whatever rewind_epoch says.
// Every epoch end records the member's round (PruneRound: weights kept, the lowest validation
// loss and the test accuracy there, the test accuracy at the round's end) in
// TrainerState::prune_rounds; on_fit_end hands them to MemberResult::prune.
// Limits: mini-batch training only (a full batch's epoch end comes after the next forward); a
// schedule other than constant needs TrainConfig::schedule_restart = a round's epochs (the
// experiment sets it), and reduce_on_plateau is refused.
#pragma once

#include <cstdint>
#include <vector>

#include "train/hook.hpp"
#include "train/options.hpp"

namespace nnlab {

// Checks `config` for a fit of `epochs`; std::invalid_argument "train.prune.KEY: ...".
void validate(const PruneConfig& config, std::int64_t epochs);

class PruneHook final : public TrainingHook {
 public:
  // `final_masks`, when given, receives TrainerState::prune_masks at the fit's end.
  explicit PruneHook(const PruneConfig& config, std::vector<Tensor>* final_masks = nullptr) : config_(config), final_masks_(final_masks) {}
  void on_fit_begin(TrainingContext& ctx) override;
  void on_gradients(TrainingContext& ctx, std::int64_t epoch, Index batch) override;
  void on_step_end(TrainingContext& ctx, std::int64_t epoch, Index batch) override;
  void on_epoch_end(TrainingContext& ctx, std::int64_t epoch, bool last) override;
  void on_fit_end(TrainingContext& ctx) override;

 private:
  void record(TrainingContext& ctx, std::int64_t epoch, std::size_t member) const;
  PruneRound opened_round(const TrainingContext& ctx, std::size_t member) const;
  void prune_member(TrainingContext& ctx, Index member);
  void take_mask(TrainingContext& ctx, Index member, Index from);
  void rewind(TrainingContext& ctx, Index member);
  PruneConfig config_;
  std::vector<Tensor>* final_masks_ = nullptr;
  std::int64_t round_epochs_ = 1;   // L
  std::vector<std::size_t> pruned_;  // positions in ctx.parameters of the weights masked
};

}  // namespace nnlab
