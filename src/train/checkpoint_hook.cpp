#include "train/checkpoint_hook.hpp"

namespace nnlab {

void CheckpointHook::save(const TrainingContext& ctx, std::int64_t epochs_done) {
  TrainerState state = ctx.state;
  state.epochs_done = epochs_done;
  for (auto& result : state.results) result.history.clear();
  checkpointer_.save(state);
}

// A checkpoint sits between epochs: after epoch − 1, before this one's first step.
void CheckpointHook::on_epoch_begin(TrainingContext& ctx, std::int64_t epoch) {
  if (epoch > ctx.first_epoch && checkpointer_.due(epoch - 1, false)) save(ctx, epoch - 1);
}

void CheckpointHook::on_epochs_done(TrainingContext& ctx, std::int64_t epochs_done) {
  if (checkpointer_.due(epochs_done, true)) save(ctx, epochs_done);
}

}  // namespace nnlab
