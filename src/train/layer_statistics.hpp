// Per-layer statistics of every member (seed 002's and 003's diagnostics): ‖W‖, Σ|W| after each
// epoch, ‖∂L/∂W‖ and the update ratio ‖ΔW‖/‖W‖ of the epoch's last step, 16 members at a time
// (core/member_sums.hpp), each in its member's fixed order. The values are taken at the step
// itself, so a checkpoint between epochs holds them. W is each layer's weight tensor
// (ParameterRef::is_weight): a weight-normalised layer's v, its gain g left out (it still counts
// in the total gradient norm).
#pragma once

#include <vector>

#include "train/hook.hpp"

namespace nnlab {

class LayerStatisticsHook final : public TrainingHook {
 public:
  void on_fit_begin(TrainingContext& ctx) override;
  void on_gradients(TrainingContext& ctx, std::int64_t epoch, Index batch) override;
  void on_step_end(TrainingContext& ctx, std::int64_t epoch, Index batch) override;

 private:
  void record_weight_norms(TrainingContext& ctx);
  std::vector<double> sums_, other_sums_;  // per-member scratch
};

}  // namespace nnlab
