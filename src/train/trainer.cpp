#include "train/trainer.hpp"

#include <algorithm>
#include <chrono>
#include <limits>
#include <optional>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

#include "data/order.hpp"
#include "optim/clipping.hpp"
#include "train/adversarial_hook.hpp"
#include "train/augment_hook.hpp"
#include "train/early_stopping.hpp"
#include "train/held_out_metrics.hpp"
#include "train/layer_statistics.hpp"
#include "train/mixup.hpp"
#include "train/observer_hook.hpp"
#include "train/outcome.hpp"
#include "train/penalty.hpp"
#include "train/plateau.hpp"
#include "train/probe.hpp"
#include "train/prune.hpp"
#include "train/snapshot_ensemble.hpp"
#include "train/train_metrics.hpp"

namespace nnlab {
namespace {

// The per-member state of a fresh fit, or the checkpoint's after checking it fits.
TrainerState initial_state(const TrainingContext& ctx, const TrainerState* resume) {
  const std::size_t members = ctx.member_count(), layers = static_cast<std::size_t>(ctx.layer_count);
  if (!resume) {
    TrainerState state;
    state.active.assign(members, 1);
    state.results.resize(members);
    state.current.resize(members);
    state.layer_stats.resize(members * layers);
    state.last_gradient_norm.assign(members, not_measured);
    state.last_step_rate.assign(members, not_measured);
    return state;
  }
  const auto sized = [&](std::size_t size, std::size_t expected, const char* what) {
    if (size != expected)
      throw std::invalid_argument(fmt::format("Trainer::fit: the checkpoint has {} {}, expected {}", size, what, expected));
  };
  sized(resume->active.size(), members, "active flags");
  sized(resume->results.size(), members, "member results");
  sized(resume->current.size(), members, "member metrics");
  sized(resume->layer_stats.size(), members * layers, "layer statistics");
  sized(resume->last_gradient_norm.size(), members, "gradient norms");
  sized(resume->last_step_rate.size(), members, "learning rates");
  if (resume->epochs_done < 0 || resume->epochs_done > ctx.config.epochs || resume->step < 0)
    throw std::invalid_argument(fmt::format("Trainer::fit: the checkpoint is after {} epochs and {} steps of {} epochs",
                                            resume->epochs_done, resume->step, ctx.config.epochs));
  return *resume;
}

// Calls one event on every hook, in order.
class Hooks {
 public:
  explicit Hooks(std::vector<TrainingHook*> hooks) : hooks_(std::move(hooks)) {}
  template <typename Event, typename... Args>
  void operator()(Event event, TrainingContext& ctx, Args&&... args) {
    for (TrainingHook* hook : hooks_) (hook->*event)(ctx, args...);
  }

 private:
  std::vector<TrainingHook*> hooks_;
};

}  // namespace

Trainer::Trainer(Sequential<float>& model, const Loss<float>& loss, Optimizer& optimizer, std::vector<MemberSetup> members,
                 TrainConfig config, SuccessConfig success)
    : model_(model), loss_(loss), optimizer_(optimizer), members_(std::move(members)), config_(config), success_(success) {
  if (static_cast<Index>(members_.size()) != model_.population())
    throw std::invalid_argument("Trainer: one MemberSetup per member required");
  if (config_.epochs < 1) throw std::invalid_argument("Trainer: epochs must be >= 1");
  if (config_.batch < 0) throw std::invalid_argument("Trainer: batch must be >= 0");
  if (config_.metrics_subset < 0) throw std::invalid_argument("Trainer: metrics_subset must be >= 0");
  if (config_.schedule_restart < 0) throw std::invalid_argument("Trainer: schedule_restart must be >= 0");
  if (config_.early_stopping) validate(*config_.early_stopping);
  if (config_.prune && (config_.snapshot_ensemble || config_.early_stopping))
    throw std::invalid_argument("Trainer: train.prune rewinds every round; snapshot_ensemble and early_stopping cannot go with it yet");
  if (config_.snapshot_ensemble && config_.early_stopping && config_.early_stopping->restore_best)
    throw std::invalid_argument("Trainer: train.snapshot_ensemble keeps each cycle's weights; early stopping's restore_best cannot go with it");
}

std::vector<MemberResult> Trainer::fit(const TrainingData& data, TrainObserver* observer) {
  return fit(data, FitOptions{.observer = observer});
}

std::vector<MemberResult> Trainer::fit(const TrainingData& data, const FitOptions& options) {
  if (data.train == nullptr) throw std::invalid_argument("Trainer::fit: no training set");
  const Dataset& train = *data.train;
  if (train.size() == 0) throw std::invalid_argument("Trainer::fit: empty training set");

  TrainingContext ctx{.model = model_, .loss = loss_, .optimizer = optimizer_, .config = config_, .success = success_,
                      .members = members_, .data = data, .observer = options.observer};
  ctx.population = model_.population();
  ctx.examples = train.size();
  ctx.full_batch = config_.batch == 0 || config_.batch >= ctx.examples;
  const Index batch_size = ctx.full_batch ? ctx.examples : config_.batch;
  ctx.batches_per_epoch = (ctx.examples + batch_size - 1) / batch_size;
  ctx.first_epoch = options.resume ? options.resume->epochs_done + 1 : 1;
  ctx.log_every = resolved_log_every(config_.log_every, config_.epochs, ctx.population);
  ctx.train_targets = encode_targets(train, model_.outputs());
  if (data.validation) ctx.validation_targets = encode_targets(*data.validation, model_.outputs());
  if (data.test) ctx.test_targets = encode_targets(*data.test, model_.outputs());
  ctx.parameters = model_.parameters();
  ctx.layer_count = ctx.parameters.empty() ? 0 : ctx.parameters.back().layer_index + 1;
  ctx.state = initial_state(ctx, options.resume);
  TrainerState& state = ctx.state;
  const std::size_t members = ctx.member_count();

  PenaltyHook penalty;  // first: the gradients every later hook and clipping see include it
  TrainMetricsHook train_metrics;
  HeldOutMetricsHook held_out_metrics;
  LayerStatisticsHook layer_statistics;
  ProbeHook probe;
  OutcomeHook outcome;
  std::vector<TrainingHook*> list{&penalty, &train_metrics, &held_out_metrics, &layer_statistics, &probe, &outcome};
  std::optional<EarlyStoppingHook> early_stopping;  // judges after the outcome, on the complete record
  if (config_.early_stopping) list.push_back(&early_stopping.emplace(*config_.early_stopping));
  std::optional<SnapshotEnsembleHook> snapshot_ensemble;  // sets every member's schedule, keeps each cycle's weights
  if (config_.snapshot_ensemble) {
    apply_snapshot_schedule(*config_.snapshot_ensemble, config_.epochs * static_cast<std::int64_t>(ctx.batches_per_epoch), members_);
    list.push_back(&snapshot_ensemble.emplace(*config_.snapshot_ensemble));
  }
  PlateauHook plateau;  // steps each member's reduce_on_plateau on the complete record
  if (any_plateau(members_)) list.push_back(&plateau);
  std::optional<PruneHook> prune;  // after the epoch is judged: the round's end is recorded before the rewind
  if (config_.prune) list.push_back(&prune.emplace(*config_.prune, options.prune_masks));
  std::optional<AdversarialEvaluationHook> adversarial_evaluation;  // of the final weights, after any restore
  if (config_.adversarial && !config_.adversarial->eval_eps.empty()) list.push_back(&adversarial_evaluation.emplace(*config_.adversarial));
  std::optional<AdversarialTrainingHook> adversarial_training;  // before the penalty: it replaces the loss's gradients
  if (config_.adversarial && config_.adversarial->train) list.insert(list.begin(), &adversarial_training.emplace(*config_.adversarial));
  // Batch rewriting (on_batch_begin): augmentation first, then mixup mixes the augmented examples.
  std::optional<AugmentHook> augment;
  if (config_.augment) list.push_back(&augment.emplace(*config_.augment));
  std::optional<MixupHook> mixup;
  if (config_.mixup) list.push_back(&mixup.emplace(*config_.mixup));
  list.insert(list.end(), options.hooks.begin(), options.hooks.end());
  std::optional<CheckpointHook> checkpoints;
  if (options.checkpointer) list.push_back(&checkpoints.emplace(*options.checkpointer));
  std::optional<ObserverHook> observer;
  if (options.observer) list.push_back(&observer.emplace(options.resume != nullptr));
  Hooks hooks(std::move(list));

  // Members share batches when their order cannot differ: a fixed order, one batch, or one seed.
  const bool same_seed = std::all_of(members_.begin(), members_.end(), [&](const MemberSetup& m) { return m.seed == members_[0].seed; });
  const Index slices = ctx.full_batch || config_.order == OrderKind::fixed || same_seed ? 1 : ctx.population;
  const OrderKind order = ctx.full_batch ? OrderKind::fixed : config_.order;
  std::vector<std::vector<Index>> orders(static_cast<std::size_t>(slices));
  const auto refresh_orders = [&](std::int64_t epoch) {
    for (std::size_t q = 0; q < orders.size(); ++q) orders[q] = epoch_order(train.labels, order, members_[q].seed, epoch);
  };

  std::vector<Tensor*> gradients;
  std::vector<ParameterSlot> slots;
  for (auto& parameter : ctx.parameters) {
    slots.push_back(ParameterSlot{parameter.value, parameter.grad, parameter.layer_index});
    gradients.push_back(parameter.grad);
  }
  std::vector<double> clip_norms(members), clip_values(members), learning_rates(members), batch_loss(members);
  // Per member, the momentum (or beta1) of a schedule that cycles it; NaN: the optimiser's own.
  std::vector<double> momenta(members, std::numeric_limits<double>::quiet_NaN());
  const bool any_momentum_cycle = std::any_of(members_.begin(), members_.end(), [](const MemberSetup& m) { return cycles_momentum(m.schedule); });
  for (std::size_t m = 0; m < members; ++m) {
    clip_norms[m] = members_[m].clip_norm > 0 ? members_[m].clip_norm : config_.clip_norm;
    clip_values[m] = members_[m].clip_value > 0 ? members_[m].clip_value : config_.clip_value;
    learning_rates[m] = scheduled_learning_rate(members_[m].schedule, members_[m].base_lr, 0);  // validates the schedule
  }
  const bool any_clip_norm = std::any_of(clip_norms.begin(), clip_norms.end(), [](double c) { return c > 0; });
  const bool any_clip_value = std::any_of(clip_values.begin(), clip_values.end(), [](double c) { return c > 0; });
  const bool constant_rates =
      std::all_of(members_.begin(), members_.end(), [](const MemberSetup& m) { return m.schedule.kind == ScheduleKind::constant && m.schedule.warmup_steps == 0; });

  hooks(&TrainingHook::on_fit_begin, ctx);
  Batch batch;
  std::vector<std::span<const Index>> rows;  // of the batch, per slice
  if (ctx.full_batch) {  // the one batch never changes: gather it once
    refresh_orders(0);
    const std::span<const Index> rows(orders[0]);
    gather_batch(train, ctx.train_targets, std::span(&rows, 1), batch);
  } else if (!options.resume) {
    hooks(&TrainingHook::on_epoch_end, ctx, std::int64_t{0}, false);  // the initial weights
  }

  // A full batch's training forward measures the weights of the epoch before it, unless the model
  // trains differently: then an evaluation pass measures them, and it runs before that forward,
  // so that epoch k's metrics see batch norm's running statistics after k updates, as a run
  // ending at epoch k does (and as PyTorch's train-then-evaluate loop does).
  const bool measure_before_forward = ctx.full_batch && model_.trains_differently();
  std::int64_t epoch = ctx.first_epoch;
  for (; epoch <= config_.epochs && ctx.any_active(); ++epoch) {
    hooks(&TrainingHook::on_epoch_begin, ctx, epoch);
    if (!ctx.full_batch && (epoch == ctx.first_epoch || order != OrderKind::fixed)) refresh_orders(epoch);
    const auto started = std::chrono::steady_clock::now();
    for (Index b = 0; b < ctx.batches_per_epoch; ++b) {
      if (!ctx.full_batch) {
        const Index begin = b * batch_size, count = std::min(batch_size, ctx.examples - begin);
        rows.clear();
        for (const auto& slice_order : orders) rows.emplace_back(slice_order.data() + begin, static_cast<std::size_t>(count));
        gather_batch(train, ctx.train_targets, rows, batch);
      }
      hooks(&TrainingHook::on_batch_begin, ctx, epoch, b, batch);
      if (measure_before_forward) {
        hooks(&TrainingHook::on_epoch_end, ctx, epoch - 1, false);
        if (!ctx.any_active()) break;
      }
      // Forward, loss and backward at once (fused across members for small networks). A member
      // whose loss is not finite gets a gradient too, but is deactivated before any step.
      const Tensor& output = model_.forward_backward(batch.inputs, loss_, Targets<float>{&batch.targets, batch.labels}, batch_loss,
                                                     ForwardContext{.mode = Mode::train, .step = state.step, .active = state.active});
      hooks(&TrainingHook::on_batch_loss, ctx, epoch, b, std::as_const(batch), output, std::span<const double>(batch_loss));
      if (ctx.full_batch && !measure_before_forward) hooks(&TrainingHook::on_epoch_end, ctx, epoch - 1, false);  // measured by this forward
      if (!ctx.any_active()) break;

      hooks(&TrainingHook::on_gradients, ctx, epoch, b);
      if (any_clip_norm) clip_gradient_norm(gradients, clip_norms);
      if (any_clip_value) clip_gradient_value(gradients, clip_values);
      // The schedule's clock restarts every schedule_restart epochs (pruning's rounds).
      const std::int64_t restart_epoch = config_.schedule_restart > 0 ? (epoch - 1) / config_.schedule_restart * config_.schedule_restart : 0;
      const std::int64_t restart_step = restart_epoch * static_cast<std::int64_t>(ctx.batches_per_epoch);
      for (std::size_t m = 0; m < members; ++m) {
        const auto& setup = members_[m];
        const std::int64_t t = setup.schedule.unit == ScheduleUnit::epoch ? epoch - 1 - restart_epoch : state.step - restart_step;
        if (setup.schedule.kind == ScheduleKind::reduce_on_plateau) {
          learning_rates[m] = state.plateau[m].rate;  // set by the PlateauHook at epoch ends
        } else if (!constant_rates) {
          learning_rates[m] = scheduled_learning_rate(setup.schedule, setup.base_lr, t);
        }
        state.last_step_rate[m] = learning_rates[m];
        if (cycles_momentum(setup.schedule)) momenta[m] = scheduled_momentum(setup.schedule, t);
      }
      optimizer_.step(slots, learning_rates, state.active, any_momentum_cycle ? std::span<const double>(momenta) : std::span<const double>());
      ++state.step;
      hooks(&TrainingHook::on_step_end, ctx, epoch, b);
    }
    state.epochs_done = epoch;
    ctx.last_epoch_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (!ctx.full_batch) hooks(&TrainingHook::on_epoch_end, ctx, epoch, epoch == config_.epochs);
  }
  hooks(&TrainingHook::on_epochs_done, ctx, epoch - 1);
  if (ctx.full_batch) {  // one more forward measures the last epoch's weights
    const Tensor& output = model_.forward(batch.inputs, ForwardContext{.mode = Mode::eval, .step = state.step});
    loss_.evaluate(output, Targets<float>{&batch.targets, batch.labels}, batch_loss, nullptr);
    hooks(&TrainingHook::on_batch_loss, ctx, epoch, Index{0}, std::as_const(batch), output, std::span<const double>(batch_loss));
    hooks(&TrainingHook::on_epoch_end, ctx, epoch - 1, true);
  }
  hooks(&TrainingHook::on_fit_end, ctx);
  return std::move(state.results);
}

}  // namespace nnlab
