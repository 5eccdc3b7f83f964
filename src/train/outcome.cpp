#include "train/outcome.hpp"

#include <algorithm>
#include <cmath>

namespace nnlab {

bool meets(const SuccessConfig& success, const EpochMetrics& metrics) {
  if (!success.any()) return false;
  if (success.train_accuracy && !(metrics.train_accuracy >= *success.train_accuracy)) return false;
  if (success.test_accuracy && !(metrics.test_accuracy >= *success.test_accuracy)) return false;
  if (success.validation_accuracy && !(metrics.validation_accuracy >= *success.validation_accuracy)) return false;
  if (success.train_loss && !(metrics.train_loss <= *success.train_loss)) return false;
  return true;
}

// Mini-batch: a member whose loss blows up mid-epoch stops now, before a NaN step. (Full batch
// judges the measured epoch in on_epoch_end.)
void OutcomeHook::on_batch_loss(TrainingContext& ctx, std::int64_t epoch, Index /*batch*/, const Batch& /*batch_data*/,
                                const Tensor& /*output*/, std::span<const double> losses) {
  if (ctx.full_batch) return;
  TrainerState& state = ctx.state;
  for (std::size_t m = 0; m < ctx.member_count(); ++m) {
    if (!state.active[m] || std::isfinite(losses[m])) continue;
    state.active[m] = 0;
    MemberResult& result = state.results[m];
    result.diverged = true;
    result.diverged_epoch = epoch;
    result.epochs_run = epoch;
    result.final_metrics = state.current[m];  // the last epoch it finished
  }
}

void OutcomeHook::on_epoch_end(TrainingContext& ctx, std::int64_t epoch, bool last) {
  TrainerState& state = ctx.state;
  const auto layers = static_cast<std::size_t>(ctx.layer_count);
  for (std::size_t m = 0; m < ctx.member_count(); ++m) {
    EpochMetrics& metrics = state.current[m];
    metrics.epoch = epoch;
    metrics.layers.assign(state.layer_stats.begin() + static_cast<std::ptrdiff_t>(m * layers),
                          state.layer_stats.begin() + static_cast<std::ptrdiff_t>((m + 1) * layers));
    metrics.gradient_norm = state.last_gradient_norm[m];
    metrics.learning_rate = state.last_step_rate[m];
    metrics.updates = static_cast<double>(state.step);
    metrics.epoch_seconds = epoch > 0 ? ctx.last_epoch_seconds : not_measured;
    MemberResult& result = state.results[m];
    if (!state.active[m]) continue;
    result.epochs_run = epoch;
    if (!std::isfinite(metrics.train_loss)) {
      result.diverged = true;
      result.diverged_epoch = epoch;
      state.active[m] = 0;
    } else if (!result.success_epoch && meets(ctx.success, metrics)) {
      result.success_epoch = epoch;
      if (ctx.success.stop) state.active[m] = 0;
    }
    // A member's final metrics are those of the epoch it stopped at (taken here) or of the last
    // epoch (taken in on_fit_end); `current` does not change between epoch ends.
    if (!state.active[m]) result.final_metrics = metrics;
    if (epoch == 0 || last || !state.active[m] ||
        (ctx.config.keep_history && epoch % std::max<std::int64_t>(1, ctx.config.log_every) == 0))
      result.history.push_back(metrics);
  }
}

void OutcomeHook::on_fit_end(TrainingContext& ctx) {
  TrainerState& state = ctx.state;
  for (std::size_t m = 0; m < ctx.member_count(); ++m) {
    MemberResult& result = state.results[m];
    if (state.active[m]) result.final_metrics = state.current[m];
    result.successful_at_end = !result.diverged && meets(ctx.success, result.final_metrics);
  }
}

}  // namespace nnlab
