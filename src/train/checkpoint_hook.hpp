// Hands the loop's state to a Checkpointer (the run store's, in nnlab run) at the epoch
// boundaries it asks for, and once when training ends.
#pragma once

#include "train/hook.hpp"

namespace nnlab {

// Decides when checkpoints are taken and keeps them.
class Checkpointer {
 public:
  virtual ~Checkpointer() = default;
  // Asked at every epoch boundary after the first epoch trained; `last` once training ended.
  virtual bool due(std::int64_t epochs_done, bool last) = 0;
  // The model and optimiser are at the same boundary as `state` while this runs.
  virtual void save(const TrainerState& state) = 0;
};

class CheckpointHook final : public TrainingHook {
 public:
  explicit CheckpointHook(Checkpointer& checkpointer) : checkpointer_(checkpointer) {}
  void on_epoch_begin(TrainingContext& ctx, std::int64_t epoch) override;
  void on_epochs_done(TrainingContext& ctx, std::int64_t epochs_done) override;

 private:
  void save(const TrainingContext& ctx, std::int64_t epochs_done);
  Checkpointer& checkpointer_;
};

}  // namespace nnlab
