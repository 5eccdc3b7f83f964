// Validation and test loss and accuracy of every member after every epoch (forward only, eval
// mode), and the test set's per-class accuracy on recorded epochs.
#pragma once

#include "train/batch.hpp"
#include "train/hook.hpp"

namespace nnlab {

class HeldOutMetricsHook final : public TrainingHook {
 public:
  void on_epoch_end(TrainingContext& ctx, std::int64_t epoch, bool last) override;

 private:
  Batch buffers_;  // evaluate()'s, kept from epoch to epoch
};

}  // namespace nnlab
