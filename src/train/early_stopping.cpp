#include "train/early_stopping.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "train/outcome.hpp"

namespace nnlab {

double monitored_value(MonitorKind monitor, const EpochMetrics& metrics) {
  switch (monitor) {
    case MonitorKind::validation_loss: return metrics.validation_loss;
    case MonitorKind::validation_accuracy: return metrics.validation_accuracy;
    case MonitorKind::test_loss: return metrics.test_loss;
    case MonitorKind::test_accuracy: return metrics.test_accuracy;
    case MonitorKind::train_loss: return metrics.train_loss;
    case MonitorKind::train_accuracy: return metrics.train_accuracy;
  }
  return not_measured;
}

void EarlyStoppingHook::on_fit_begin(TrainingContext& ctx) {
  const bool validation = config_.monitor == MonitorKind::validation_loss || config_.monitor == MonitorKind::validation_accuracy;
  const bool test = config_.monitor == MonitorKind::test_loss || config_.monitor == MonitorKind::test_accuracy;
  if ((validation && !ctx.data.validation) || (test && !ctx.data.test))
    throw std::invalid_argument(fmt::format("Trainer::fit: early stopping monitors {} but there is no {} set", monitor_name(config_.monitor),
                                            validation ? "validation" : "test"));
  TrainerState& state = ctx.state;
  const std::size_t members = ctx.member_count();
  const std::vector<Tensor*> kept = config_.restore_best ? weight_tensors(ctx) : std::vector<Tensor*>{};
  const std::size_t weights = kept.size();
  if (ctx.first_epoch == 1 && state.stopping.empty()) {
    state.stopping.assign(members, StoppingState{});
    state.best_metrics.assign(members, EpochMetrics{});
    state.stopped_value.assign(members, not_measured);
    state.best_weights.clear();
    for (const Tensor* tensor : kept) state.best_weights.push_back(*tensor);
    return;
  }
  // Resumed: the checkpoint's state must be of this population and these options.
  bool fits = state.stopping.size() == members && state.best_metrics.size() == members && state.stopped_value.size() == members &&
              state.best_weights.size() == weights;
  for (std::size_t p = 0; fits && p < weights; ++p) fits = state.best_weights[p].shape() == kept[p]->shape();
  if (!fits)
    throw std::invalid_argument(fmt::format("Trainer::fit: the checkpoint's early-stopping state ({} members, {} best-weight tensors) does not fit "
                                            "{} members with restore_best {}",
                                            state.stopping.size(), state.best_weights.size(), members, config_.restore_best));
}

void EarlyStoppingHook::on_epoch_end(TrainingContext& ctx, std::int64_t epoch, bool /*last*/) {
  if (epoch == 0) return;  // the initial weights are not a candidate
  TrainerState& state = ctx.state;
  const std::vector<Tensor*> kept = state.best_weights.empty() ? std::vector<Tensor*>{} : weight_tensors(ctx);
  for (std::size_t m = 0; m < ctx.member_count(); ++m) {
    if (!state.active[m]) continue;  // diverged, succeeded with success.stop, or stopped before
    const EpochMetrics& metrics = state.current[m];
    const double value = monitored_value(config_.monitor, metrics);
    const StoppingStep step = observe(config_, state.stopping[m], epoch, value, metrics.train_loss);
    if (step.improved) {
      state.best_metrics[m] = metrics;
      for (std::size_t p = 0; p < state.best_weights.size(); ++p) copy_member(*kept[p], state.best_weights[p], static_cast<Index>(m));
    }
    if (!step.stop) continue;
    state.active[m] = 0;
    state.stopped_value[m] = value;
    MemberResult& result = state.results[m];
    result.final_metrics = metrics;  // the best epoch's instead at the end, with restore_best
    if (result.history.empty() || result.history.back().epoch != epoch) result.history.push_back(metrics);
  }
}

void EarlyStoppingHook::on_fit_end(TrainingContext& ctx) {
  TrainerState& state = ctx.state;
  const std::vector<Tensor*> kept = state.best_weights.empty() ? std::vector<Tensor*>{} : weight_tensors(ctx);
  for (std::size_t m = 0; m < ctx.member_count(); ++m) {
    const StoppingState& stopping = state.stopping[m];
    MemberResult& result = state.results[m];
    EarlyStopOutcome outcome{.monitor = config_.monitor,
                             .best_epoch = stopping.best_epoch,
                             .best_value = stopping.best_epoch >= 0 ? monitored_value(config_.monitor, state.best_metrics[m]) : not_measured,
                             .stopped_epoch = stopping.stopped_epoch,
                             .stopped_value = state.stopped_value[m],
                             .restored = false};
    // A diverged member is left as it is: its result says so.
    if (config_.restore_best && !result.diverged && stopping.best_epoch >= 0) {
      for (std::size_t p = 0; p < state.best_weights.size(); ++p) copy_member(state.best_weights[p], *kept[p], static_cast<Index>(m));
      result.final_metrics = state.best_metrics[m];
      result.successful_at_end = meets(ctx.success, result.final_metrics);
      outcome.restored = true;
    }
    result.early_stop = outcome;
  }
}

}  // namespace nnlab
