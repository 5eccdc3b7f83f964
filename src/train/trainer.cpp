#include "train/trainer.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include <fmt/format.h>

#include "core/member_sums.hpp"
#include "data/order.hpp"
#include "optim/clipping.hpp"
#include "train/accuracy.hpp"
#include "train/batch.hpp"
#include "train/evaluate.hpp"
#include "train/unit_activity.hpp"

namespace nnlab {
namespace {

bool meets(const SuccessConfig& success, const EpochMetrics& metrics) {
  if (!success.any()) return false;
  // A NaN metric never satisfies a bound.
  if (success.train_accuracy && !(metrics.train_accuracy >= *success.train_accuracy)) return false;
  if (success.test_accuracy && !(metrics.test_accuracy >= *success.test_accuracy)) return false;
  if (success.validation_accuracy && !(metrics.validation_accuracy >= *success.validation_accuracy)) return false;
  if (success.train_loss && !(metrics.train_loss <= *success.train_loss)) return false;
  return true;
}

}  // namespace

Trainer::Trainer(Sequential<float>& model, const Loss<float>& loss, Optimizer& optimizer, std::vector<MemberSetup> members,
                 TrainConfig config, SuccessConfig success)
    : model_(model), loss_(loss), optimizer_(optimizer), members_(std::move(members)), config_(config), success_(success) {
  if (static_cast<Index>(members_.size()) != model_.population())
    throw std::invalid_argument("Trainer: one MemberSetup per member required");
  if (config_.epochs < 1) throw std::invalid_argument("Trainer: epochs must be >= 1");
  if (config_.batch < 0) throw std::invalid_argument("Trainer: batch must be >= 0");
}

std::vector<MemberResult> Trainer::fit(const TrainingData& data, TrainObserver* observer) {
  return fit(data, FitOptions{.observer = observer, .checkpointer = nullptr, .resume = nullptr});
}

std::vector<MemberResult> Trainer::fit(const TrainingData& data, const FitOptions& options) {
  TrainObserver* const observer = options.observer;
  const TrainerState* const resume = options.resume;
  if (data.train == nullptr) throw std::invalid_argument("Trainer::fit: no training set");
  const Dataset& train = *data.train;
  const Index population = model_.population();
  const auto members = static_cast<std::size_t>(population);
  const Index examples = train.size();
  if (examples == 0) throw std::invalid_argument("Trainer::fit: empty training set");
  const Index outputs = model_.outputs();

  const Tensor train_targets = encode_targets(train, outputs);
  const Tensor validation_targets = data.validation ? encode_targets(*data.validation, outputs) : Tensor();
  const Tensor test_targets = data.test ? encode_targets(*data.test, outputs) : Tensor();

  const bool full_batch = config_.batch == 0 || config_.batch >= examples;
  const Index batch_size = full_batch ? examples : config_.batch;
  const Index batches_per_epoch = (examples + batch_size - 1) / batch_size;
  // Members share batches when their order cannot differ: a fixed order, one batch, or one seed.
  const bool same_seed = std::all_of(members_.begin(), members_.end(), [&](const MemberSetup& m) { return m.seed == members_[0].seed; });
  const bool shared_order = full_batch || config_.order == OrderKind::fixed || same_seed;
  const Index slices = shared_order ? 1 : population;

  std::vector<ParameterRef<float>> parameters = model_.parameters();
  std::vector<ParameterSlot> slots;
  std::vector<Tensor*> gradients;
  for (auto& parameter : parameters) {
    slots.push_back(ParameterSlot{parameter.value, parameter.grad, parameter.layer_index});
    gradients.push_back(parameter.grad);
  }
  const int layer_count = parameters.empty() ? 0 : parameters.back().layer_index + 1;

  std::vector<MemberResult> results(members);
  std::vector<std::uint8_t> active(members, 1);
  std::vector<double> batch_loss(members), learning_rates(members), clip_norms(members), clip_values(members);
  bool any_clip_norm = false, any_clip_value = false;
  for (std::size_t m = 0; m < members; ++m) {
    clip_norms[m] = members_[m].clip_norm > 0 ? members_[m].clip_norm : config_.clip_norm;
    clip_values[m] = members_[m].clip_value > 0 ? members_[m].clip_value : config_.clip_value;
    any_clip_norm |= clip_norms[m] > 0;
    any_clip_value |= clip_values[m] > 0;
  }
  // Schedules are validated once here; constant ones are not re-evaluated every step.
  bool constant_rates = true;
  for (std::size_t m = 0; m < members; ++m) {
    learning_rates[m] = scheduled_learning_rate(members_[m].schedule, members_[m].base_lr, 0);
    constant_rates &= members_[m].schedule.kind == ScheduleKind::constant;
  }
  std::vector<double> epoch_loss(members), last_gradient_norm(members, not_measured);
  std::vector<double> last_step_rate(members, not_measured);  // the rate of each member's last step
  std::vector<double> sums(members), other_sums(members);      // per-member scratch for the statistics
  std::vector<std::int64_t> correct(members);
  // Member m's statistics of layer i at [m * layer_count + i], one contiguous block.
  const auto layers = static_cast<std::size_t>(layer_count);
  std::vector<LayerStats> layer_stats(members * layers);
  const auto stats_of = [&](std::size_t m, int layer) -> LayerStats& {
    return layer_stats[m * layers + static_cast<std::size_t>(layer)];
  };
  std::vector<EpochMetrics> current(members);
  std::vector<Tensor> weights_before;  // the last step's starting weights, for update ratios
  for (const auto& parameter : parameters) weights_before.emplace_back(parameter.value->shape());

  std::int64_t step = 0;
  if (resume) {
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
    if (resume->epochs_done < 0 || resume->epochs_done > config_.epochs || resume->step < 0)
      throw std::invalid_argument(fmt::format("Trainer::fit: the checkpoint is after {} epochs and {} steps of {} epochs",
                                              resume->epochs_done, resume->step, config_.epochs));
    active = resume->active;
    results = resume->results;
    current = resume->current;
    layer_stats = resume->layer_stats;
    last_gradient_norm = resume->last_gradient_norm;
    last_step_rate = resume->last_step_rate;
    step = resume->step;
  }
  const std::int64_t first_epoch = resume ? resume->epochs_done + 1 : 1;
  auto save_checkpoint = [&](std::int64_t epochs_done) {
    TrainerState state{.epochs_done = epochs_done, .step = step, .active = active, .results = results, .current = current,
                       .layer_stats = layer_stats, .last_gradient_norm = last_gradient_norm, .last_step_rate = last_step_rate};
    for (auto& result : state.results) result.history.clear();
    options.checkpointer->save(state);
  };

  // Orders: one per slice, recomputed each epoch unless fixed.
  std::vector<std::vector<Index>> orders(static_cast<std::size_t>(slices));
  auto refresh_orders = [&](std::int64_t epoch) {
    for (Index q = 0; q < slices; ++q) {
      const OrderKind kind = full_batch ? OrderKind::fixed : config_.order;
      orders[static_cast<std::size_t>(q)] = epoch_order(train.labels, kind, members_[static_cast<std::size_t>(q)].seed, epoch);
    }
  };

  // Validation/test metrics, layer statistics and the learning rate of member m, then
  // divergence, success and the history entry. Train metrics must be filled before.
  auto finish_epoch = [&](std::int64_t epoch, const Evaluation* validation, const Evaluation* test, bool last) {
    for (std::size_t m = 0; m < members; ++m) {
      EpochMetrics& metrics = current[m];
      metrics.epoch = epoch;
      if (validation) {
        metrics.validation_loss = validation->loss[m];
        metrics.validation_accuracy = validation->accuracy[m];
      }
      if (test) {
        metrics.test_loss = test->loss[m];
        metrics.test_accuracy = test->accuracy[m];
      }
      metrics.layers.assign(layer_stats.begin() + static_cast<std::ptrdiff_t>(m * layers),
                            layer_stats.begin() + static_cast<std::ptrdiff_t>((m + 1) * layers));
      metrics.gradient_norm = last_gradient_norm[m];
      metrics.learning_rate = last_step_rate[m];
      MemberResult& result = results[m];
      if (!active[m]) continue;
      result.epochs_run = epoch;
      if (!std::isfinite(metrics.train_loss)) {
        result.diverged = true;
        result.diverged_epoch = epoch;
        active[m] = 0;
      } else if (!result.success_epoch && meets(success_, metrics)) {
        result.success_epoch = epoch;
        if (success_.stop) active[m] = 0;
      }
      // A member's final metrics are those of the epoch it stopped at (taken here) or of the
      // last epoch (taken after the loop); `current` does not change between epoch ends.
      if (!active[m]) result.final_metrics = metrics;
      if (epoch == 0 || last || !active[m] || (config_.keep_history && epoch % std::max<std::int64_t>(1, config_.log_every) == 0))
        result.history.push_back(metrics);
    }
    if (observer) observer->on_epoch_end(epoch, current, active);
  };

  auto evaluate_side_sets = [&](std::optional<Evaluation>& validation, std::optional<Evaluation>& test) {
    if (data.validation) validation = evaluate(model_, loss_, *data.validation, validation_targets);
    if (data.test) test = evaluate(model_, loss_, *data.test, test_targets);
  };

  // Layer statistics, 16 members at a time (core/member_sums.hpp), in each member's fixed order.
  auto record_weight_norms = [&]() {
    for (const auto& parameter : parameters) {
      if (parameter.is_bias) continue;
      sum_squares_per_member(parameter.value->data(), population, parameter.value->slice_size(), sums.data());
      sum_abs_per_member(parameter.value->data(), population, parameter.value->slice_size(), other_sums.data());
      for (std::size_t m = 0; m < members; ++m) {
        stats_of(m, parameter.layer_index).weight_norm = std::sqrt(sums[m]);
        stats_of(m, parameter.layer_index).weight_l1 = other_sums[m];
      }
    }
  };
  // ‖g‖ per layer and over all parameters (summed in parameter order), before any clipping.
  auto record_gradient_norms = [&]() {
    std::fill(other_sums.begin(), other_sums.end(), 0.0);
    for (const auto& parameter : parameters) {
      sum_squares_per_member(parameter.grad->data(), population, parameter.grad->slice_size(), sums.data());
      for (std::size_t m = 0; m < members; ++m) {
        other_sums[m] += sums[m];
        if (!parameter.is_bias) stats_of(m, parameter.layer_index).gradient_norm = std::sqrt(sums[m]);
      }
    }
    for (std::size_t m = 0; m < members; ++m) last_gradient_norm[m] = std::sqrt(other_sums[m]);
  };
  // ‖W_after − W_before‖ / ‖W_before‖ of the epoch's last step.
  auto record_update_ratios = [&]() {
    for (std::size_t p = 0; p < parameters.size(); ++p) {
      const auto& parameter = parameters[p];
      if (parameter.is_bias) continue;
      const Index per_member = parameter.value->slice_size();
      sum_squares_per_member(weights_before[p].data(), population, per_member, sums.data());
      sum_squared_differences_per_member(parameter.value->data(), weights_before[p].data(), population, per_member,
                                         other_sums.data());
      for (std::size_t m = 0; m < members; ++m) {
        const double before = std::sqrt(sums[m]), change = std::sqrt(other_sums[m]);
        stats_of(m, parameter.layer_index).update_ratio = before > 0 ? change / before : not_measured;
      }
    }
  };

  // Unit activity (dead and saturated units) and on_model use a fixed probe set, measured on
  // the epochs the metrics are recorded at.
  const std::int64_t log_every = resolved_log_every(config_.log_every, config_.epochs, population);
  std::vector<ActivationSpec> activations;
  for (const LayerSpec& layer : model_.specs().front().layers) activations.push_back(layer.activation);
  Batch probe;
  {
    std::vector<Index> rows(static_cast<std::size_t>(std::min<Index>(examples, 1000)));
    std::iota(rows.begin(), rows.end(), Index{0});
    const std::span<const Index> probe_rows(rows);
    gather_batch(train, train_targets, std::span(&probe_rows, 1), probe);
  }
  auto probe_units = [&](std::int64_t epoch, bool last) {
    const bool logged = epoch == 0 || last || epoch % log_every == 0;
    const bool wanted = observer && observer->wants_model(epoch);
    if (!logged) {
      for (LayerStats& stats : layer_stats) stats.dead_fraction = stats.saturated_fraction = not_measured;
      if (!wanted) return;
    }
    model_.forward(probe.inputs, ForwardContext{.mode = Mode::eval, .step = step});
    if (logged) measure_unit_activity(model_.layer_outputs(), activations, layer_stats);
    if (wanted) observer->on_model(epoch, model_);
  };

  if (observer) observer->on_train_begin(population, config_.epochs, batches_per_epoch);
  if (observer && resume) observer->on_resume(resume->epochs_done, active);

  Batch batch;
  // Full batch: the one batch never changes, so gather it once.
  if (full_batch) {
    refresh_orders(0);
    const std::span<const Index> rows(orders[0]);
    gather_batch(train, train_targets, std::span(&rows, 1), batch);
  } else if (!resume) {
    // Epoch 0 for mini-batch training: an explicit evaluation of the initial weights.
    const Evaluation initial = evaluate(model_, loss_, train, train_targets);
    for (std::size_t m = 0; m < members; ++m) {
      current[m].train_loss = initial.loss[m];
      current[m].train_accuracy = initial.accuracy[m];
    }
    std::optional<Evaluation> validation, test;
    evaluate_side_sets(validation, test);
    record_weight_norms();
    probe_units(0, false);
    finish_epoch(0, validation ? &*validation : nullptr, test ? &*test : nullptr, false);
  }
  // Full batch: the forward pass that starts epoch e + 1 measures the weights after epoch e,
  // so the train metrics of epoch e are finished there (and after the loop for the last).
  std::optional<Evaluation> pending_validation, pending_test;
  auto finish_full_batch_epoch = [&](std::int64_t epoch, const Tensor& output, bool last) {
    std::fill(correct.begin(), correct.end(), 0);
    count_correct(output, batch.labels, correct);
    for (std::size_t m = 0; m < members; ++m) {
      current[m].train_loss = batch_loss[m];
      current[m].train_accuracy = static_cast<double>(correct[m]) / static_cast<double>(examples);
    }
    probe_units(epoch, last);  // after `output` was read: the probe's forward reuses its buffer
    finish_epoch(epoch, pending_validation ? &*pending_validation : nullptr, pending_test ? &*pending_test : nullptr, last);
  };

  if (full_batch) {
    // The side sets of the epoch the first forward will finish (epoch 0, or the checkpoint's),
    // before that forward: an evaluation between a forward and its backward would overwrite
    // the activations the backward needs.
    evaluate_side_sets(pending_validation, pending_test);
    if (!resume) record_weight_norms();
  }
  const auto none_active = [&] { return std::none_of(active.begin(), active.end(), [](std::uint8_t a) { return a != 0; }); };
  std::int64_t epoch = first_epoch;
  for (; epoch <= config_.epochs; ++epoch) {
    // A checkpoint sits between epochs: after epoch - 1, before this one's first step.
    if (options.checkpointer && epoch > first_epoch && !none_active() && options.checkpointer->due(epoch - 1, false))
      save_checkpoint(epoch - 1);
    if (none_active()) break;
    if (!full_batch && (epoch == first_epoch || config_.order != OrderKind::fixed)) refresh_orders(epoch);
    std::fill(epoch_loss.begin(), epoch_loss.end(), 0.0);
    std::fill(correct.begin(), correct.end(), 0);

    for (Index b = 0; b < batches_per_epoch; ++b) {
      const bool last_batch = b + 1 == batches_per_epoch;
      if (!full_batch) {
        const Index begin = b * batch_size, count = std::min(batch_size, examples - begin);
        std::vector<std::span<const Index>> rows;
        for (Index q = 0; q < slices; ++q) rows.emplace_back(orders[static_cast<std::size_t>(q)].data() + begin, static_cast<std::size_t>(count));
        gather_batch(train, train_targets, rows, batch);
      }
      // Forward, loss and backward at once (fused across members for small networks). A member
      // whose loss is not finite gets a gradient too, but is deactivated below before any step.
      const Tensor& output = model_.forward_backward(batch.inputs, loss_, Targets<float>{&batch.targets, batch.labels},
                                                     batch_loss, ForwardContext{.mode = Mode::train, .step = step});

      if (full_batch) {
        finish_full_batch_epoch(epoch - 1, output, false);
      } else {
        count_correct(output, batch.labels, correct);
        const double weight = loss_.kind() == LossKind::sse ? 1.0 : static_cast<double>(batch.rows()) / static_cast<double>(examples);
        for (std::size_t m = 0; m < members; ++m) {
          epoch_loss[m] += batch_loss[m] * weight;
          // A member whose loss blows up mid-epoch stops now, before a NaN step.
          if (active[m] && !std::isfinite(batch_loss[m])) {
            active[m] = 0;
            results[m].diverged = true;
            results[m].diverged_epoch = epoch;
            results[m].epochs_run = epoch;
            results[m].final_metrics = current[m];  // the last epoch it finished
          }
        }
      }
      if (std::none_of(active.begin(), active.end(), [](std::uint8_t a) { return a != 0; })) break;

      if (last_batch) record_gradient_norms();
      if (any_clip_norm) clip_gradient_norm(gradients, clip_norms);
      if (any_clip_value) clip_gradient_value(gradients, clip_values);

      for (std::size_t m = 0; m < members; ++m) {
        const auto& setup = members_[m];
        const std::int64_t t = setup.schedule.unit == ScheduleUnit::epoch ? epoch - 1 : step;
        if (!constant_rates) learning_rates[m] = scheduled_learning_rate(setup.schedule, setup.base_lr, t);
        last_step_rate[m] = learning_rates[m];
      }
      if (last_batch)
        for (std::size_t p = 0; p < parameters.size(); ++p)
          std::copy_n(parameters[p].value->data(), parameters[p].value->size(), weights_before[p].data());
      optimizer_.step(slots, learning_rates, active);
      ++step;
      if (observer) observer->on_batch_end(epoch, b);
    }

    // Layer statistics of the epoch's last step.
    record_weight_norms();
    if (step > 0) record_update_ratios();
    pending_validation.reset();
    pending_test.reset();
    evaluate_side_sets(pending_validation, pending_test);
    if (!full_batch) {
      const bool exact = success_.train_accuracy.has_value() || success_.train_loss.has_value();
      if (exact) {
        // Success on the training set is judged on the weights at the epoch's end, not
        // on the running average over moving weights.
        const Evaluation now = evaluate(model_, loss_, train, train_targets);
        epoch_loss = now.loss;
        for (std::size_t m = 0; m < members; ++m) correct[m] = std::llround(now.accuracy[m] * static_cast<double>(examples));
      }
      for (std::size_t m = 0; m < members; ++m) {
        current[m].train_loss = epoch_loss[m];
        current[m].train_accuracy = static_cast<double>(correct[m]) / static_cast<double>(examples);
      }
      probe_units(epoch, epoch == config_.epochs);
      finish_epoch(epoch, pending_validation ? &*pending_validation : nullptr, pending_test ? &*pending_test : nullptr,
                   epoch == config_.epochs);
    }
  }
  if (options.checkpointer && options.checkpointer->due(epoch - 1, true)) save_checkpoint(epoch - 1);
  if (full_batch) {
    // The measurement of the last epoch's weights.
    const Tensor& output = model_.forward(batch.inputs, ForwardContext{.mode = Mode::eval, .step = step});
    loss_.evaluate(output, Targets<float>{&batch.targets, batch.labels}, batch_loss, nullptr);
    finish_full_batch_epoch(epoch - 1, output, true);
  }
  for (std::size_t m = 0; m < members; ++m)
    if (active[m]) results[m].final_metrics = current[m];
  if (observer) observer->on_train_end();
  return results;
}

}  // namespace nnlab
