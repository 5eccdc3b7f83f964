// The training loop's extension points (Keras' Callback, Lightning's hooks). Trainer::fit is
// the algorithm: order, batches, forward/backward, step. Everything optional — metrics, layer
// statistics, unit activity, success and divergence, checkpoints, observers, and the features
// to come (early stopping, pruning masks, LR finder, ...) — is a TrainingHook in its own file.
//
// The contract (docs/design.md, "The training loop"):
// - Hooks are called in the order of the list, every event in that order. The penalty hook
//   (train/penalty.hpp) comes first and completes the gradients (only adversarial training,
//   train/adversarial_hook.hpp, goes before it: it replaces the loss's gradients); measuring hooks then fill
//   ctx.state.current; the outcome hook judges the epoch; observers last.
// - on_fit_begin: once, after the context is set up (and ctx.state restored on resume).
// - on_epoch_begin(e): at the boundary before epoch e trains (the model holds the weights after
//   e − 1); on_epochs_done(e): once, at the boundary after the last epoch trained.
// - on_batch_begin(e, b, batch): batch b of epoch e is gathered, before its forward. A hook may
//   rewrite its inputs and targets (augmentation, mixup; labels and dataset_rows stay those of the
//   clean examples); one that changes members differently first makes a shared batch (Q = 1)
//   per member with make_per_member (train/batch.hpp). Only the training forward sees the
//   change: metrics of the training set are measured on the clean set. Full batch: the trainer
//   gathers the batch once and passes that kept batch every epoch, so a rewrite would stay for
//   every later epoch and the final measuring forward — data.augment and train.mixup refuse
//   full batch.
// - on_batch_loss(e, b): after batch b's forward and backward, before its step: `output` and
//   `losses` are of the weights as they were before this step. Full batch: the forward that
//   starts epoch e measures the weights after e − 1, so epoch e − 1 ends right after this event
//   (one extra forward-only pass, announced as epoch E + 1, measures the last epoch).
// - on_gradients(e, b): parameter gradients filled, before clipping and the step.
// - on_step_end(e, b): after the optimiser's step of batch b.
// - on_epoch_end(e, last): the model holds the weights after epoch e; epoch 0 is the initial
//   weights. `last` for the configured last epoch.
// - on_fit_end: once, after the last epoch end; results are final.
// Randomness in a hook is keyed by (member seed, purpose, step), never shared (core/rng.hpp).
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "nn/loss.hpp"
#include "nn/model.hpp"
#include "optim/optimizer.hpp"
#include "train/batch.hpp"
#include "train/observer.hpp"
#include "train/options.hpp"
#include "train/training_state.hpp"

namespace nnlab {

// What the loop and its hooks share during one fit.
struct TrainingContext {
  Sequential<float>& model;
  const Loss<float>& loss;
  Optimizer& optimizer;
  const TrainConfig& config;
  const SuccessConfig& success;
  std::span<const MemberSetup> members;
  const TrainingData& data;
  TrainObserver* observer = nullptr;  // may be null

  Index population = 0;
  Index examples = 0;               // training examples
  Index batches_per_epoch = 0;
  bool full_batch = false;
  std::int64_t first_epoch = 1;     // the first epoch this fit trains (> 1 on resume)
  std::int64_t log_every = 1;       // resolved: the epochs metrics are recorded at
  Tensor train_targets;             // encode_targets of each set
  Tensor validation_targets;
  Tensor test_targets;
  std::vector<ParameterRef<float>> parameters;
  int layer_count = 0;              // config layers
  TrainerState state;               // the per-member state: what a checkpoint saves
  // Parameter values before the last step of epoch `step_start_epoch` (-1: none yet).
  std::vector<Tensor> step_start;
  std::int64_t step_start_epoch = -1;
  double last_epoch_seconds = not_measured;  // wall time of the last epoch's batches

  std::size_t member_count() const { return static_cast<std::size_t>(population); }
  bool logged(std::int64_t epoch) const { return epoch == 0 || epoch == config.epochs || epoch % log_every == 0; }
  bool any_active() const {
    return std::any_of(state.active.begin(), state.active.end(), [](std::uint8_t a) { return a != 0; });
  }
  LayerStats& stats(std::size_t member, int layer) {
    return state.layer_stats[member * static_cast<std::size_t>(layer_count) + static_cast<std::size_t>(layer)];
  }
};

// What a member's weights are, for hooks that keep or restore them (early stopping's best,
// snapshot ensembles): every parameter, then every buffer (batch norm's running statistics), so
// that the kept member evaluates as it did. Each is [P, ...].
inline std::vector<Tensor*> weight_tensors(TrainingContext& ctx) {
  std::vector<Tensor*> kept;
  for (const ParameterRef<float>& parameter : ctx.parameters) kept.push_back(parameter.value);
  for (const BufferRef<float>& buffer : ctx.model.buffers()) kept.push_back(buffer.value);
  return kept;
}

// Member m's block of `from` into `to` (both [P, ...] of one shape).
inline void copy_member(const Tensor& from, Tensor& to, Index m) { std::copy_n(from.slice(m), from.slice_size(), to.slice(m)); }

class TrainingHook {
 public:
  virtual ~TrainingHook() = default;
  virtual void on_fit_begin(TrainingContext& /*ctx*/) {}
  virtual void on_epoch_begin(TrainingContext& /*ctx*/, std::int64_t /*epoch*/) {}
  virtual void on_batch_begin(TrainingContext& /*ctx*/, std::int64_t /*epoch*/, Index /*batch*/, Batch& /*batch_data*/) {}
  virtual void on_batch_loss(TrainingContext& /*ctx*/, std::int64_t /*epoch*/, Index /*batch*/, const Batch& /*batch_data*/,
                             const Tensor& /*output*/, std::span<const double> /*losses*/) {}
  virtual void on_gradients(TrainingContext& /*ctx*/, std::int64_t /*epoch*/, Index /*batch*/) {}
  virtual void on_step_end(TrainingContext& /*ctx*/, std::int64_t /*epoch*/, Index /*batch*/) {}
  virtual void on_epoch_end(TrainingContext& /*ctx*/, std::int64_t /*epoch*/, bool /*last*/) {}
  virtual void on_epochs_done(TrainingContext& /*ctx*/, std::int64_t /*epochs_done*/) {}
  virtual void on_fit_end(TrainingContext& /*ctx*/) {}
};

}  // namespace nnlab
