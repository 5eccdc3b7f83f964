// Snapshot ensembles (Huang et al. 2017, "Snapshot Ensembles: Train 1, get M for free"),
// train.snapshot_ensemble: {cycles: M}. Every member follows the snapshot rate (optim/schedule.hpp,
// ScheduleKind::snapshot: M cosine cycles of ceil(T / M) steps over the run's T steps, restarting at
// its own lr), and this hook keeps each member's weights (parameters and buffers) at the end of
// every cycle: after steps L, 2L, ..., (M - 1) L and T. When training ends it evaluates, on the test
// set (the validation set when there is none), each snapshot alone and the ensemble of the last m
// snapshots for m = 1 ... M: the average of their softmax outputs for a softmax cross-entropy
// model, of their outputs as they are for the others (a sigmoid or softmax output layer's
// probabilities under sse, mse or bce), classified as accuracy does (argmax; > 0.5 for one output).
// A member that diverged or stopped keeps the snapshots it reached. The kept snapshots live in
// TrainerState (snapshot_counts, snapshot_steps, snapshots), so a checkpoint carries them.
#pragma once

#include <span>

#include "train/hook.hpp"
#include "train/options.hpp"
#include "train/training_state.hpp"

namespace nnlab {

// Sets every member's schedule to the snapshot rate over `total_steps` steps. A member with a
// schedule of its own (other than constant, or this one) is std::invalid_argument naming
// train.snapshot_ensemble; bad cycles are "train.snapshot_ensemble.cycles: ...".
void apply_snapshot_schedule(const SnapshotEnsembleConfig& config, std::int64_t total_steps, std::span<MemberSetup> members);

class SnapshotEnsembleHook final : public TrainingHook {
 public:
  explicit SnapshotEnsembleHook(const SnapshotEnsembleConfig& config) : config_(config) {}
  void on_fit_begin(TrainingContext& ctx) override;
  void on_step_end(TrainingContext& ctx, std::int64_t epoch, Index batch) override;
  void on_fit_end(TrainingContext& ctx) override;

 private:
  SnapshotEnsembleConfig config_;
  std::int64_t total_steps_ = 0;  // T
  std::int64_t period_ = 1;       // L = ceil(T / M)
};

}  // namespace nnlab
