// The reduce_on_plateau schedule (ReduceLROnPlateau) of each member that has it: at every epoch
// end after the first, after the measuring hooks, the outcome and early stopping, feeds the
// member's monitored metric (the train.early_stopping names, monitored_value) to its fold
// (optim/plateau.hpp); the trainer's next step uses the member's state.plateau[m].rate. The
// state lives in TrainerState::plateau, so a checkpoint carries it. Inactive members are not
// stepped. Full batch: epoch e − 1 ends inside epoch e's first forward, before its step, so the
// rate that step takes has seen epochs 1 .. e − 1, as with mini-batches (and as PyTorch's
// train-validate-scheduler.step(metric) loop).
#pragma once

#include "train/hook.hpp"

namespace nnlab {

// Whether member setups use the hook (any of them on reduce_on_plateau).
bool any_plateau(std::span<const MemberSetup> members);

class PlateauHook final : public TrainingHook {
 public:
  void on_fit_begin(TrainingContext& ctx) override;
  void on_epoch_end(TrainingContext& ctx, std::int64_t epoch, bool last) override;
};

}  // namespace nnlab
