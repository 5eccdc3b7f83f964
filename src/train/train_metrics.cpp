#include "train/train_metrics.hpp"

#include <algorithm>

#include "core/rng.hpp"
#include "data/permutation.hpp"
#include "train/accuracy.hpp"
#include "train/evaluate.hpp"

namespace nnlab {

std::vector<Index> metrics_rows(Index examples, Index subset) {
  if (subset <= 0 || subset >= examples) return {};
  CounterRng rng(0, RngPurpose::metrics);
  std::vector<Index> rows = random_permutation(examples, rng);
  rows.resize(static_cast<std::size_t>(subset));
  std::sort(rows.begin(), rows.end());
  return rows;
}

void TrainMetricsHook::on_fit_begin(TrainingContext& ctx) {
  const std::size_t members = ctx.member_count();
  // A full batch's training forward measures the weights, unless the model trains differently
  // (noise layers make that loss a noisy one, batch norm normalises with the batch's statistics
  // instead of its running ones): then an evaluation pass measures them, as for mini-batches.
  from_training_forward_ = ctx.full_batch && !ctx.model.trains_differently();
  rows_ = ctx.full_batch ? std::vector<Index>{} : metrics_rows(ctx.examples, ctx.config.metrics_subset);
  classes_ = per_class_count(*ctx.data.train);
  running_loss_.assign(members, 0.0);
  running_correct_.assign(members, 0);
}

void TrainMetricsHook::on_epoch_begin(TrainingContext& /*ctx*/, std::int64_t /*epoch*/) {
  std::fill(running_loss_.begin(), running_loss_.end(), 0.0);
  std::fill(running_correct_.begin(), running_correct_.end(), 0);
}

void TrainMetricsHook::on_batch_loss(TrainingContext& ctx, std::int64_t epoch, Index /*batch*/, const Batch& batch_data,
                                     const Tensor& output, std::span<const double> losses) {
  const std::size_t members = ctx.member_count();
  if (!from_training_forward_) {
    count_correct(output, batch_data.labels, running_correct_);
    const double weight = ctx.loss.sums() ? 1.0 : static_cast<double>(batch_data.rows()) / static_cast<double>(ctx.examples);
    for (std::size_t m = 0; m < members; ++m) running_loss_[m] += losses[m] * weight;
    return;
  }
  // Full batch: this forward measured the weights after epoch − 1.
  std::fill(running_correct_.begin(), running_correct_.end(), 0);
  count_correct(output, batch_data.labels, running_correct_);
  const bool per_class = classes_ > 0 && ctx.logged(epoch - 1);
  if (per_class) {
    class_correct_.assign(members * static_cast<std::size_t>(classes_), 0);
    class_totals_.assign(static_cast<std::size_t>(classes_) * (batch_data.labels.size() / static_cast<std::size_t>(batch_data.rows())), 0);
    count_correct_per_class(output, batch_data.labels, classes_, class_correct_);
    count_per_class(batch_data.labels, classes_, class_totals_);
  }
  for (std::size_t m = 0; m < members; ++m) {
    EpochMetrics& metrics = ctx.state.current[m];
    metrics.train_loss = losses[m];
    metrics.train_accuracy = static_cast<double>(running_correct_[m]) / static_cast<double>(ctx.examples);
    if (per_class) {
      class_accuracies(class_correct_, class_totals_, classes_, static_cast<Index>(m), metrics.train_class_accuracy);
    } else {
      metrics.train_class_accuracy.clear();
    }
  }
}

void TrainMetricsHook::on_epoch_end(TrainingContext& ctx, std::int64_t epoch, bool /*last*/) {
  if (from_training_forward_) return;  // measured in on_batch_loss
  const Evaluation now = evaluate(ctx.model, ctx.loss, *ctx.data.train, ctx.train_targets, {.rows = rows_, .buffers = &buffers_});
  const bool per_class = now.classes > 0 && ctx.logged(epoch);
  // Running averages are over an epoch's mini-batches; epoch 0 has none, and a full batch's
  // forward belongs to the next epoch.
  const bool trained = !ctx.full_batch && epoch >= ctx.first_epoch;
  for (std::size_t m = 0; m < ctx.member_count(); ++m) {
    EpochMetrics& metrics = ctx.state.current[m];
    metrics.train_loss = now.loss[m];
    metrics.train_accuracy = now.accuracy[m];
    metrics.train_loss_running = trained ? running_loss_[m] : not_measured;
    metrics.train_accuracy_running =
        trained ? static_cast<double>(running_correct_[m]) / static_cast<double>(ctx.examples) : not_measured;
    if (per_class) {
      class_accuracies(now.class_correct, now.class_totals, now.classes, static_cast<Index>(m), metrics.train_class_accuracy);
    } else {
      metrics.train_class_accuracy.clear();
    }
  }
}

}  // namespace nnlab
