// Unit activity on a fixed probe set — the first (up to) 1,000 training examples, shared by
// every member: dead ReLUs, saturated sigmoid/tanh units, and each layer's activation mean and
// standard deviation, with one eval-mode forward on recorded epochs only. Observers that want
// the model itself at an epoch (TrainObserver::wants_model) get it right after that forward.
#pragma once

#include <vector>

#include "nn/spec.hpp"
#include "train/hook.hpp"

namespace nnlab {

class ProbeHook final : public TrainingHook {
 public:
  void on_fit_begin(TrainingContext& ctx) override;
  void on_epoch_end(TrainingContext& ctx, std::int64_t epoch, bool last) override;

 private:
  Batch probe_;
  std::vector<ActivationSpec> activations_;
};

}  // namespace nnlab
