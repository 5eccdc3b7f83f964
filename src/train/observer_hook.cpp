#include "train/observer_hook.hpp"

namespace nnlab {

void ObserverHook::on_fit_begin(TrainingContext& ctx) {
  ctx.observer->on_train_begin(ctx.population, ctx.config.epochs, ctx.batches_per_epoch);
  if (resumed_) ctx.observer->on_resume(ctx.first_epoch - 1, ctx.state.active);
}

void ObserverHook::on_step_end(TrainingContext& ctx, std::int64_t epoch, Index batch) { ctx.observer->on_batch_end(epoch, batch); }

void ObserverHook::on_epoch_end(TrainingContext& ctx, std::int64_t epoch, bool /*last*/) {
  ctx.observer->on_epoch_end(epoch, ctx.state.current, ctx.state.active);
}

void ObserverHook::on_fit_end(TrainingContext& ctx) { ctx.observer->on_train_end(); }

}  // namespace nnlab
