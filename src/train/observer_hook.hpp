// Passes training's progress on to a TrainObserver (the recorder, the progress line).
#pragma once

#include "train/hook.hpp"

namespace nnlab {

class ObserverHook final : public TrainingHook {
 public:
  explicit ObserverHook(bool resumed) : resumed_(resumed) {}
  void on_fit_begin(TrainingContext& ctx) override;
  void on_step_end(TrainingContext& ctx, std::int64_t epoch, Index batch) override;
  void on_epoch_end(TrainingContext& ctx, std::int64_t epoch, bool last) override;
  void on_fit_end(TrainingContext& ctx) override;

 private:
  bool resumed_;
};

}  // namespace nnlab
