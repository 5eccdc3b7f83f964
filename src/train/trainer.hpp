// The training loop over a population: epochs of batches, per-member schedules,
// clipping, divergence and success, metrics at the end of every epoch.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "data/dataset.hpp"
#include "nn/loss.hpp"
#include "nn/model.hpp"
#include "optim/optimizer.hpp"
#include "optim/schedule.hpp"
#include "train/metrics.hpp"
#include "train/options.hpp"

namespace nnlab {

// What differs between members besides model/loss/optimiser options.
struct MemberSetup {
  std::uint64_t seed = 0;       // keys the member's data order (and dropout)
  double base_lr = 0.01;        // the optimiser's lr, before the schedule
  ScheduleSpec schedule;
  double clip_norm = 0.0;       // 0 = off
  double clip_value = 0.0;      // 0 = off
};

struct MemberResult {
  std::int64_t epochs_run = 0;
  bool diverged = false;
  std::int64_t diverged_epoch = -1;            // first epoch whose loss was NaN/Inf
  std::optional<std::int64_t> success_epoch;   // first epoch meeting the success criterion
  EpochMetrics final_metrics;
  std::vector<EpochMetrics> history;           // epoch 0, the last; every log_every-th with keep_history
};

struct TrainingData {
  const Dataset* train = nullptr;       // required
  const Dataset* validation = nullptr;  // optional
  const Dataset* test = nullptr;        // optional
};

// Receives progress; every method has a no-op default.
class TrainObserver {
 public:
  virtual ~TrainObserver() = default;
  virtual void on_train_begin(Index /*members*/, std::int64_t /*epochs*/, Index /*batches_per_epoch*/) {}
  virtual void on_batch_end(std::int64_t /*epoch*/, Index /*batch*/) {}
  // `metrics[m]` is member m's record; `active[m]` is 0 once it diverged or stopped.
  virtual void on_epoch_end(std::int64_t /*epoch*/, std::span<const EpochMetrics> /*metrics*/, std::span<const std::uint8_t> /*active*/) {}
  // After on_train_begin when training resumes from a checkpoint taken after `epochs_done`
  // epochs; `active[m]` is 0 for members that had already stopped.
  virtual void on_resume(std::int64_t /*epochs_done*/, std::span<const std::uint8_t> /*active*/) {}
  // Asked at every epoch end; when true, on_model follows (before on_epoch_end) with the model
  // holding that epoch's weights and, in layer_outputs(), its outputs on the probe set: the
  // first (up to) 1,000 training examples in data order.
  virtual bool wants_model(std::int64_t /*epoch*/) { return false; }
  virtual void on_model(std::int64_t /*epoch*/, Sequential<float>& /*model*/) {}
  virtual void on_train_end() {}
};

// The trainer's own part of a checkpoint, taken at an epoch boundary: with the model's weights
// and the optimiser's state it is everything training depends on, because data order is a
// function of (seed, epoch) and every random draw a function of (seed, step).
struct TrainerState {
  std::int64_t epochs_done = 0;             // training resumes with epoch epochs_done + 1
  std::int64_t step = 0;                    // updates taken so far
  std::vector<std::uint8_t> active;         // per member
  std::vector<MemberResult> results;        // per member, without history
  std::vector<EpochMetrics> current;        // per member: the metrics last handed to observers
  std::vector<LayerStats> layer_stats;      // [member * layers + layer], of the last epoch
  std::vector<double> last_gradient_norm;   // per member, of the last step
  std::vector<double> last_step_rate;       // per member, of the last step
};

// Decides when checkpoints are taken and keeps them (the run store, in nnlab run).
class Checkpointer {
 public:
  virtual ~Checkpointer() = default;
  // Asked at every epoch boundary after the first epoch trained; `last` once training ended.
  virtual bool due(std::int64_t epochs_done, bool last) = 0;
  // The model and optimiser are at the same boundary as `state` while this runs.
  virtual void save(const TrainerState& state) = 0;
};

struct FitOptions {
  TrainObserver* observer = nullptr;
  Checkpointer* checkpointer = nullptr;
  // Continue from this state; the model and optimiser must already hold the checkpoint's
  // weights and state. Training then ends bit-identical to an uninterrupted run.
  const TrainerState* resume = nullptr;
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
