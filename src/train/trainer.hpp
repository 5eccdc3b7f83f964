// The training loop over a population: epochs of batches, per-member schedules, clipping,
// and the hooks (train/hook.hpp) that measure, judge, checkpoint and report every epoch.
#pragma once

#include <span>
#include <vector>

#include "nn/loss.hpp"
#include "nn/model.hpp"
#include "optim/optimizer.hpp"
#include "train/checkpoint_hook.hpp"
#include "train/hook.hpp"
#include "train/metrics.hpp"
#include "train/observer.hpp"
#include "train/options.hpp"
#include "train/training_state.hpp"

namespace nnlab {

struct FitOptions {
  TrainObserver* observer = nullptr;
  Checkpointer* checkpointer = nullptr;
  // Continue from this state; the model and optimiser must already hold the checkpoint's
  // weights and state. Training then ends bit-identical to an uninterrupted run.
  const TrainerState* resume = nullptr;
  // More hooks, called after the measuring and outcome hooks and before checkpoints and the
  // observer, in this order.
  std::span<TrainingHook* const> hooks;
  // With train.prune: filled at the end with each weight parameter's final mask, [P, ...] (1 kept, 0 pruned).
  std::vector<Tensor>* prune_masks = nullptr;
};

class Trainer {
 public:
  Trainer(Sequential<float>& model, const Loss<float>& loss, Optimizer& optimizer, std::vector<MemberSetup> members,
          TrainConfig config, SuccessConfig success);

  std::vector<MemberResult> fit(const TrainingData& data, TrainObserver* observer = nullptr);
  std::vector<MemberResult> fit(const TrainingData& data, const FitOptions& options);

 private:
  Sequential<float>& model_;
  const Loss<float>& loss_;
  Optimizer& optimizer_;
  std::vector<MemberSetup> members_;
  TrainConfig config_;
  SuccessConfig success_;
};

}  // namespace nnlab
