// What the world outside the trainer sees of training: progress, every epoch's metrics, and
// the model at chosen epochs. The run store's recorder and the progress line are observers.
#pragma once

#include <cstdint>
#include <span>

#include "core/tensor.hpp"
#include "nn/model.hpp"
#include "train/metrics.hpp"

namespace nnlab {

// Every method has a no-op default.
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
  // first (up to) 1,000 training examples in data order. `step_start[i]` holds parameter i's
  // values (model.parameters() order) before the epoch's last step, so the step's change is
  // value − step_start; empty when unknown (epoch 0, or the first epoch end after a resume).
  virtual bool wants_model(std::int64_t /*epoch*/) { return false; }
  virtual void on_model(std::int64_t /*epoch*/, Sequential<float>& /*model*/, std::span<const Tensor> /*step_start*/) {}
  virtual void on_train_end() {}
};

}  // namespace nnlab
