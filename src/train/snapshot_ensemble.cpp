#include "train/snapshot_ensemble.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "core/threads.hpp"
#include "optim/schedule.hpp"
#include "train/accuracy.hpp"
#include "train/evaluate.hpp"

namespace nnlab {
namespace {

bool same_schedule(const ScheduleSpec& a, const ScheduleSpec& b) {
  return a.kind == b.kind && a.unit == b.unit && a.period == b.period && a.warmup_steps == b.warmup_steps;
}

// The class `average` (one example's C outputs) predicts: as accuracy counts it.
std::int32_t predicted(const double* average, Index classes) {
  if (classes == 1) return average[0] > 0.5 ? 1 : 0;
  std::int32_t best = 0;
  for (Index c = 1; c < classes; ++c)
    if (average[c] > average[best]) best = static_cast<std::int32_t>(c);
  return best;
}

// Adds one example's outputs to `sum` as the ensemble averages them: softmax probabilities (in
// double, the largest logit subtracted) when the loss takes logits, else the outputs themselves.
void add_outputs(const float* row, Index classes, bool logits, double* sum) {
  if (!logits) {
    for (Index c = 0; c < classes; ++c) sum[c] += static_cast<double>(row[c]);
    return;
  }
  const double largest = *std::max_element(row, row + classes);
  double total = 0;
  for (Index c = 0; c < classes; ++c) total += std::exp(static_cast<double>(row[c]) - largest);
  for (Index c = 0; c < classes; ++c) sum[c] += std::exp(static_cast<double>(row[c]) - largest) / total;
}

}  // namespace

void apply_snapshot_schedule(const SnapshotEnsembleConfig& config, std::int64_t total_steps, std::span<MemberSetup> members) {
  ScheduleSpec schedule;
  try {
    schedule = snapshot_schedule(config.cycles, total_steps);
  } catch (const std::invalid_argument& error) {
    throw std::invalid_argument(fmt::format("train.snapshot_ensemble.{}", error.what()));
  }
  for (MemberSetup& member : members) {
    const bool plain = member.schedule.kind == ScheduleKind::constant && member.schedule.warmup_steps == 0;
    if (!plain && !same_schedule(member.schedule, schedule))
      throw std::invalid_argument(fmt::format("train.snapshot_ensemble: sets the learning rate itself; a {} schedule cannot go with it",
                                              schedule_kind_name(member.schedule.kind)));
    member.schedule = schedule;
  }
}

void SnapshotEnsembleHook::on_fit_begin(TrainingContext& ctx) {
  if (!ctx.data.test && !ctx.data.validation)
    throw std::invalid_argument("Trainer::fit: train.snapshot_ensemble needs a test or validation set to evaluate the ensembles on");
  total_steps_ = ctx.config.epochs * static_cast<std::int64_t>(ctx.batches_per_epoch);
  period_ = snapshot_schedule(config_.cycles, total_steps_).period;  // checked by apply_snapshot_schedule already
  TrainerState& state = ctx.state;
  const std::size_t members = ctx.member_count();
  if (ctx.first_epoch == 1) {
    state.snapshot_counts.assign(members, 0);
    state.snapshot_steps.clear();
    state.snapshots.clear();
    return;
  }
  // Resumed: the checkpoint's snapshots must be of this population and model.
  const std::vector<Tensor*> kept = weight_tensors(ctx);
  bool fits = state.snapshot_counts.size() == members && state.snapshot_steps.size() == state.snapshots.size() &&
              state.snapshots.size() <= static_cast<std::size_t>(config_.cycles);
  for (const std::vector<Tensor>& snapshot : state.snapshots) {
    fits = fits && snapshot.size() == kept.size();
    for (std::size_t p = 0; fits && p < kept.size(); ++p) fits = snapshot[p].shape() == kept[p]->shape();
  }
  for (const std::int64_t count : state.snapshot_counts) fits = fits && count >= 0 && count <= static_cast<std::int64_t>(state.snapshots.size());
  if (!fits)
    throw std::invalid_argument(fmt::format("Trainer::fit: the checkpoint's snapshot-ensemble state ({} counts, {} snapshots) does not fit {} "
                                            "members and {} cycles of this model",
                                            state.snapshot_counts.size(), state.snapshots.size(), members, config_.cycles));
}

void SnapshotEnsembleHook::on_step_end(TrainingContext& ctx, std::int64_t /*epoch*/, Index /*batch*/) {
  TrainerState& state = ctx.state;
  const std::int64_t step = state.step;  // updates taken, the paper's t of the step just taken
  if (step % period_ != 0 && step != total_steps_) return;
  const auto cycle = static_cast<std::size_t>((step - 1) / period_);
  const std::vector<Tensor*> kept = weight_tensors(ctx);
  if (state.snapshots.size() <= cycle) {  // the first member to reach this cycle's end
    std::vector<Tensor> slot;
    for (const Tensor* tensor : kept) slot.emplace_back(tensor->shape());
    state.snapshots.resize(cycle + 1);
    state.snapshots[cycle] = std::move(slot);
    state.snapshot_steps.resize(cycle + 1, -1);
  }
  state.snapshot_steps[cycle] = step;
  for (std::size_t m = 0; m < ctx.member_count(); ++m) {
    if (!state.active[m]) continue;  // it took no step: it stopped, with the snapshots it has
    for (std::size_t p = 0; p < kept.size(); ++p) copy_member(*kept[p], state.snapshots[cycle][p], static_cast<Index>(m));
    state.snapshot_counts[m] = static_cast<std::int64_t>(cycle) + 1;
  }
}

void SnapshotEnsembleHook::on_fit_end(TrainingContext& ctx) {
  TrainerState& state = ctx.state;
  const bool on_test = ctx.data.test != nullptr;
  const Dataset& set = on_test ? *ctx.data.test : *ctx.data.validation;
  const std::size_t members = ctx.member_count(), snapshots = state.snapshots.size();
  const Index examples = set.size(), features = set.features(), classes = ctx.model.outputs();
  const bool logits = ctx.loss.takes_logits();

  // Correct examples of snapshot k alone, [k * P + m], and of the ensemble of member m's last n, [m * K + n - 1].
  std::vector<std::int64_t> single(snapshots * members, 0), ensemble(members * snapshots, 0);
  const std::vector<Tensor*> kept = weight_tensors(ctx);
  std::vector<Tensor> final_weights;  // put back afterwards
  for (const Tensor* tensor : kept) final_weights.push_back(*tensor);
  const Index chunk = evaluation_chunk_rows(widest_units(ctx.model), examples);
  std::vector<double> sums;
  for (Index begin = 0; begin < examples && snapshots > 0; begin += chunk) {
    const Index count = std::min(chunk, examples - begin);
    const Tensor inputs = Tensor::view({1, count, features}, set.inputs.data() + begin * features);
    const std::span<const std::int32_t> labels = std::span(set.labels).subspan(static_cast<std::size_t>(begin), static_cast<std::size_t>(count));
    sums.assign(members * static_cast<std::size_t>(count * classes), 0.0);
    // The latest snapshot first: after adding snapshot k, member m's sum holds its last count - k.
    for (std::size_t k = snapshots; k-- > 0;) {
      for (std::size_t p = 0; p < kept.size(); ++p) std::copy_n(state.snapshots[k][p].data(), kept[p]->size(), kept[p]->data());
      const Tensor& output = ctx.model.forward(inputs, ForwardContext{.mode = Mode::eval});
      count_correct(output, labels, std::span(single).subspan(k * members, members));
      parallel_for(ctx.population, ctx.population * count * classes >= (Index{1} << 15), [&](Index member) {
        const auto m = static_cast<std::size_t>(member);
        const auto have = static_cast<std::size_t>(state.snapshot_counts[m]);
        if (k >= have) return;
        const std::size_t n = have - k;  // snapshots in the ensemble now
        std::vector<double> average(static_cast<std::size_t>(classes));
        for (Index b = 0; b < count; ++b) {
          double* sum = sums.data() + (m * static_cast<std::size_t>(count) + static_cast<std::size_t>(b)) * static_cast<std::size_t>(classes);
          add_outputs(output.slice(member) + b * classes, classes, logits, sum);
          for (Index c = 0; c < classes; ++c) average[static_cast<std::size_t>(c)] = sum[c] / static_cast<double>(n);
          ensemble[m * snapshots + n - 1] += predicted(average.data(), classes) == labels[static_cast<std::size_t>(b)];
        }
      });
    }
  }
  for (std::size_t p = 0; p < kept.size(); ++p) std::copy_n(final_weights[p].data(), kept[p]->size(), kept[p]->data());

  const auto fraction = [&](std::int64_t hits) { return static_cast<double>(hits) / static_cast<double>(std::max<Index>(examples, 1)); };
  for (std::size_t m = 0; m < members; ++m) {
    SnapshotEnsembleOutcome outcome{.on_test = on_test, .cycles = config_.cycles, .steps = {}, .single_accuracy = {}, .ensemble_accuracy = {}};
    const auto have = static_cast<std::size_t>(state.snapshot_counts[m]);
    for (std::size_t k = 0; k < have; ++k) {
      outcome.steps.push_back(state.snapshot_steps[k]);
      outcome.single_accuracy.push_back(fraction(single[k * members + m]));
      outcome.ensemble_accuracy.push_back(fraction(ensemble[m * snapshots + k]));
    }
    state.results[m].snapshot_ensemble = std::move(outcome);
  }
}

}  // namespace nnlab
