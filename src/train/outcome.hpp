// Completes each epoch's record and judges it: the epoch's layer statistics, rate, gradient
// norm, updates and time go into every member's EpochMetrics; a member whose loss is not finite
// has diverged and stops (mid-epoch too, before a NaN step); the first epoch meeting the success
// criterion is kept, and with success.stop the member stops there. Keeps MemberResult: epochs
// run, final metrics (of the epoch a member stopped at, or the last), history.
#pragma once

#include "train/hook.hpp"

namespace nnlab {

// Every given criterion holds; a NaN metric never satisfies a bound.
bool meets(const SuccessConfig& success, const EpochMetrics& metrics);

class OutcomeHook final : public TrainingHook {
 public:
  void on_batch_loss(TrainingContext& ctx, std::int64_t epoch, Index batch, const Batch& batch_data, const Tensor& output,
                     std::span<const double> losses) override;
  void on_epoch_end(TrainingContext& ctx, std::int64_t epoch, bool last) override;
  void on_fit_end(TrainingContext& ctx) override;
};

}  // namespace nnlab
