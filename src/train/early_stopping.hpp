// Per-member early stopping (train.early_stopping). Runs after the outcome hook, when each
// epoch's record is complete: feeds every active member's monitored metric to its criterion
// (stopping_criteria.hpp). A new best keeps the member's record and, with restore_best, its
// parameters and buffers (batch norm's running statistics); a stop deactivates the member (it takes no further step, as after success.stop).
// When training ends, with restore_best, every member that did not diverge gets the parameters
// and buffers of its best epoch back and that epoch's record as its final metrics; MemberResult::early_stop
// says where it was best and where it stopped. The state lives in TrainerState (stopping,
// best_metrics, stopped_value, best_weights), so a checkpoint carries it.
#pragma once

#include "train/hook.hpp"
#include "train/stopping_criteria.hpp"

namespace nnlab {

// The metric `monitor` names, of one epoch's record.
double monitored_value(MonitorKind monitor, const EpochMetrics& metrics);

class EarlyStoppingHook final : public TrainingHook {
 public:
  explicit EarlyStoppingHook(const EarlyStoppingConfig& config) : config_(config) {}
  void on_fit_begin(TrainingContext& ctx) override;
  void on_epoch_end(TrainingContext& ctx, std::int64_t epoch, bool last) override;
  void on_fit_end(TrainingContext& ctx) override;

 private:
  EarlyStoppingConfig config_;
};

}  // namespace nnlab
