#include "train/trainer.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "data/order.hpp"
#include "optim/clipping.hpp"
#include "train/accuracy.hpp"
#include "train/batch.hpp"
#include "train/evaluate.hpp"

namespace nnlab {
namespace {

double squared_norm(const float* values, Index count) {
  double sum = 0.0;
  for (Index i = 0; i < count; ++i) sum += static_cast<double>(values[i]) * values[i];
  return sum;
}

double squared_distance(const float* a, const float* b, Index count) {
  double sum = 0.0;
  for (Index i = 0; i < count; ++i) {
    const double d = static_cast<double>(a[i]) - b[i];
    sum += d * d;
  }
  return sum;
}

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
  std::vector<double> epoch_loss(members), last_gradient_norm(members, not_measured);
  std::vector<std::int64_t> correct(members);
  std::vector<std::vector<LayerStats>> layer_stats(members, std::vector<LayerStats>(static_cast<std::size_t>(layer_count)));
  std::vector<EpochMetrics> current(members);
  std::vector<Tensor> weights_before;  // the last step's starting weights, for update ratios

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
      metrics.layers = layer_stats[m];
      metrics.gradient_norm = last_gradient_norm[m];
      MemberResult& result = results[m];
      if (!active[m]) continue;
      result.epochs_run = epoch;
      result.final_metrics = metrics;
      if (!std::isfinite(metrics.train_loss)) {
        result.diverged = true;
        result.diverged_epoch = epoch;
        active[m] = 0;
      } else if (!result.success_epoch && meets(success_, metrics)) {
        result.success_epoch = epoch;
        if (success_.stop) active[m] = 0;
      }
      if (epoch % config_.log_every == 0 || last || !active[m]) result.history.push_back(metrics);
    }
    if (observer) observer->on_epoch_end(epoch, current, active);
  };

  auto evaluate_side_sets = [&](std::optional<Evaluation>& validation, std::optional<Evaluation>& test) {
    if (data.validation) validation = evaluate(model_, loss_, *data.validation, validation_targets);
    if (data.test) test = evaluate(model_, loss_, *data.test, test_targets);
  };

  auto record_weight_norms = [&]() {
    for (const auto& parameter : parameters) {
      if (parameter.is_bias) continue;
      const Index per_member = parameter.value->slice_size();
      for (std::size_t m = 0; m < members; ++m)
        layer_stats[m][static_cast<std::size_t>(parameter.layer_index)].weight_norm =
            std::sqrt(squared_norm(parameter.value->slice(static_cast<Index>(m)), per_member));
    }
  };

  if (observer) observer->on_train_begin(population, config_.epochs, batches_per_epoch);

  Batch batch;
  Tensor grad_output;
  std::int64_t step = 0;
  // Full batch: the one batch never changes, so gather it once.
  if (full_batch) {
    refresh_orders(0);
    const std::span<const Index> rows(orders[0]);
    gather_batch(train, train_targets, std::span(&rows, 1), batch);
  } else {
    // Epoch 0 for mini-batch training: an explicit evaluation of the initial weights.
    const Evaluation initial = evaluate(model_, loss_, train, train_targets);
    for (std::size_t m = 0; m < members; ++m) {
      current[m].train_loss = initial.loss[m];
      current[m].train_accuracy = initial.accuracy[m];
    }
    std::optional<Evaluation> validation, test;
    evaluate_side_sets(validation, test);
    record_weight_norms();
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
    finish_epoch(epoch, pending_validation ? &*pending_validation : nullptr, pending_test ? &*pending_test : nullptr, last);
  };

  if (full_batch) {
    // Epoch 0's side sets, before the first training forward: an evaluation between a
    // forward and its backward would overwrite the activations the backward needs.
    evaluate_side_sets(pending_validation, pending_test);
    record_weight_norms();
  }
  std::int64_t epoch = 1;
  for (; epoch <= config_.epochs; ++epoch) {
    if (std::none_of(active.begin(), active.end(), [](std::uint8_t a) { return a != 0; })) break;
    if (!full_batch && (epoch == 1 || config_.order != OrderKind::fixed)) refresh_orders(epoch);
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
      model_.zero_grad();
      const Tensor& output = model_.forward(batch.inputs, ForwardContext{.mode = Mode::train, .step = step});
      grad_output.resize(output.shape());
      loss_.evaluate(output, Targets<float>{&batch.targets, batch.labels}, batch_loss, &grad_output);

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
          }
        }
      }
      if (std::none_of(active.begin(), active.end(), [](std::uint8_t a) { return a != 0; })) break;

      model_.backward(grad_output);
      if (last_batch) {
        for (std::size_t m = 0; m < members; ++m) {
          double total = 0.0;
          for (const auto& parameter : parameters) {
            const double squared = squared_norm(parameter.grad->slice(static_cast<Index>(m)), parameter.grad->slice_size());
            total += squared;
            if (!parameter.is_bias) layer_stats[m][static_cast<std::size_t>(parameter.layer_index)].gradient_norm = std::sqrt(squared);
          }
          last_gradient_norm[m] = std::sqrt(total);
        }
      }
      if (any_clip_norm) clip_gradient_norm(gradients, clip_norms);
      if (any_clip_value) clip_gradient_value(gradients, clip_values);

      for (std::size_t m = 0; m < members; ++m) {
        const auto& setup = members_[m];
        const std::int64_t t = setup.schedule.unit == ScheduleUnit::epoch ? epoch - 1 : step;
        learning_rates[m] = scheduled_learning_rate(setup.schedule, setup.base_lr, t);
        current[m].learning_rate = learning_rates[m];
      }
      if (last_batch) {
        weights_before.clear();
        for (const auto& parameter : parameters) weights_before.push_back(*parameter.value);
      }
      optimizer_.step(slots, learning_rates, active);
      ++step;
      if (observer) observer->on_batch_end(epoch, b);
    }

    // Layer statistics of the epoch's last step.
    record_weight_norms();
    for (std::size_t p = 0; p < parameters.size() && p < weights_before.size(); ++p) {
      const auto& parameter = parameters[p];
      if (parameter.is_bias) continue;
      const Index per_member = parameter.value->slice_size();
      for (std::size_t m = 0; m < members; ++m) {
        const auto member = static_cast<Index>(m);
        const double before = std::sqrt(squared_norm(weights_before[p].slice(member), per_member));
        const double change = std::sqrt(squared_distance(parameter.value->slice(member), weights_before[p].slice(member), per_member));
        layer_stats[m][static_cast<std::size_t>(parameter.layer_index)].update_ratio = before > 0 ? change / before : not_measured;
      }
    }
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
      finish_epoch(epoch, pending_validation ? &*pending_validation : nullptr, pending_test ? &*pending_test : nullptr,
                   epoch == config_.epochs);
    }
  }
  if (full_batch) {
    // The measurement of the last epoch's weights.
    const Tensor& output = model_.forward(batch.inputs, ForwardContext{.mode = Mode::eval, .step = step});
    loss_.evaluate(output, Targets<float>{&batch.targets, batch.labels}, batch_loss, nullptr);
    finish_full_batch_epoch(epoch - 1, output, true);
  }
  if (observer) observer->on_train_end();
  return results;
}

}  // namespace nnlab
