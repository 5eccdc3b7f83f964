#include "train/prune.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "optim/magnitude_mask.hpp"

namespace nnlab {
namespace {

// values[i] *= mask[i] over `size` elements.
void multiply(float* values, const float* mask, Index size) {
  for (Index i = 0; i < size; ++i) values[i] *= mask[i];
}

void multiply(Tensor& values, const Tensor& mask) { multiply(values.data(), mask.data(), values.size()); }

}  // namespace

void validate(const PruneConfig& config, std::int64_t epochs) {
  if (config.rounds < 1) throw std::invalid_argument(fmt::format("prune.rounds: must be >= 1, got {}", config.rounds));
  if (!(config.rate > 0.0 && config.rate < 1.0)) throw std::invalid_argument(fmt::format("prune.rate: must be in (0, 1), got {}", config.rate));
  if (!(config.output_rate >= 0.0 && config.output_rate < 1.0))
    throw std::invalid_argument(fmt::format("prune.output_rate: must be in [0, 1), got {}", config.output_rate));
  if (epochs % (config.rounds + 1) != 0)
    throw std::invalid_argument(fmt::format("prune.rounds: {} epochs do not split into {} rounds", epochs, config.rounds + 1));
  const std::int64_t round = epochs / (config.rounds + 1);
  if (config.rewind_epoch < 0 || config.rewind_epoch > round)
    throw std::invalid_argument(fmt::format("prune.rewind.epoch: must be in [0, {}] (a round's epochs), got {}", round, config.rewind_epoch));
}

void PruneHook::on_fit_begin(TrainingContext& ctx) {
  validate(config_, ctx.config.epochs);
  if (ctx.full_batch) throw std::invalid_argument("Trainer::fit: train.prune needs mini-batches (train.batch below the training set's size)");
  const std::int64_t round_epochs = ctx.config.epochs / (config_.rounds + 1);
  for (std::size_t m = 0; m < ctx.members.size(); ++m) {
    const MemberSetup& member = ctx.members[m];
    const bool restarts = ctx.config.schedule_restart == round_epochs;
    if ((member.schedule.kind != ScheduleKind::constant || member.schedule.warmup_steps != 0) && !restarts)
      throw std::invalid_argument("Trainer::fit: train.prune rewinds every round; a learning-rate schedule needs schedule_restart = a round's epochs");
    if (member.schedule.kind == ScheduleKind::reduce_on_plateau)
      throw std::invalid_argument("Trainer::fit: train.prune rewinds every round; reduce_on_plateau's state would not restart with it");
    const Index from = member.prune_mask_from;
    if (from >= 0 && (from >= ctx.population || from == static_cast<Index>(m) || ctx.members[static_cast<std::size_t>(from)].prune_mask_from >= 0))
      throw std::invalid_argument(fmt::format("Trainer::fit: member {} takes its pruning mask from member {}, which is not a pruning member of the population", m, from));
  }
  round_epochs_ = round_epochs;
  pruned_.clear();
  for (std::size_t p = 0; p < ctx.parameters.size(); ++p)
    if (ctx.parameters[p].is_weight()) pruned_.push_back(p);
  if (pruned_.empty()) throw std::invalid_argument("Trainer::fit: train.prune needs a model with weights");
  TrainerState& state = ctx.state;
  const std::vector<Tensor*> weights = weight_tensors(ctx);
  if (ctx.first_epoch == 1) {
    state.prune_masks.clear();
    for (const std::size_t p : pruned_) state.prune_masks.emplace_back(ctx.parameters[p].value->shape(), 1.0f);
    state.prune_rewind.clear();
    for (const Tensor* tensor : weights) state.prune_rewind.push_back(*tensor);
    state.prune_rounds.assign(ctx.member_count(), {});
    return;
  }
  bool fits = state.prune_masks.size() == pruned_.size() && state.prune_rewind.size() == weights.size() &&
              state.prune_rounds.size() == ctx.member_count();
  for (std::size_t i = 0; fits && i < pruned_.size(); ++i) fits = state.prune_masks[i].shape() == ctx.parameters[pruned_[i]].value->shape();
  for (std::size_t i = 0; fits && i < weights.size(); ++i) fits = state.prune_rewind[i].shape() == weights[i]->shape();
  if (!fits)
    throw std::invalid_argument(fmt::format("Trainer::fit: the checkpoint's pruning state ({} masks, {} kept tensors, {} members' rounds) does not fit this model",
                                            state.prune_masks.size(), state.prune_rewind.size(), state.prune_rounds.size()));
}

void PruneHook::on_gradients(TrainingContext& ctx, std::int64_t /*epoch*/, Index /*batch*/) {
  for (std::size_t i = 0; i < pruned_.size(); ++i) multiply(*ctx.parameters[pruned_[i]].grad, ctx.state.prune_masks[i]);
}

void PruneHook::on_step_end(TrainingContext& ctx, std::int64_t /*epoch*/, Index /*batch*/) {
  for (std::size_t i = 0; i < pruned_.size(); ++i) multiply(*ctx.parameters[pruned_[i]].value, ctx.state.prune_masks[i]);
}

void PruneHook::on_epoch_end(TrainingContext& ctx, std::int64_t epoch, bool /*last*/) {
  if (epoch < 1) return;
  TrainerState& state = ctx.state;
  const auto own_mask = [&](Index m) { return ctx.members[static_cast<std::size_t>(m)].prune_mask_from < 0; };
  for (std::size_t m = 0; m < ctx.member_count(); ++m)
    if (state.active[m]) record(ctx, epoch, m);
  if (config_.rewind_epoch > 0 && epoch == config_.rewind_epoch) {  // late rewinding's copy, in round 0; a control keeps its initial weights
    const std::vector<Tensor*> weights = weight_tensors(ctx);
    for (Index m = 0; m < ctx.population; ++m)
      if (own_mask(m))
        for (std::size_t i = 0; i < weights.size(); ++i) copy_member(*weights[i], state.prune_rewind[i], m);
  }
  if (epoch % round_epochs_ != 0 || epoch >= ctx.config.epochs) return;
  for (Index m = 0; m < ctx.population; ++m)  // the tickets first: a control takes its ticket's new mask
    if (state.active[static_cast<std::size_t>(m)] && own_mask(m)) prune_member(ctx, m);
  for (Index m = 0; m < ctx.population; ++m)
    if (state.active[static_cast<std::size_t>(m)] && !own_mask(m)) take_mask(ctx, m, ctx.members[static_cast<std::size_t>(m)].prune_mask_from);
}

void PruneHook::on_fit_end(TrainingContext& ctx) {
  if (final_masks_) *final_masks_ = ctx.state.prune_masks;
  std::vector<std::string> layers;
  for (const std::size_t p : pruned_) layers.push_back(ctx.parameters[p].name);
  for (std::size_t m = 0; m < ctx.member_count(); ++m)
    ctx.state.results[m].prune = PruneOutcome{.control = ctx.members[m].prune_mask_from >= 0, .round_epochs = round_epochs_, .layers = layers,
                                              .rounds = ctx.state.prune_rounds[m]};
}

void PruneHook::record(TrainingContext& ctx, std::int64_t epoch, std::size_t member) const {
  const std::int64_t round = (epoch - 1) / round_epochs_;
  std::vector<PruneRound>& rounds = ctx.state.prune_rounds[member];
  while (static_cast<std::int64_t>(rounds.size()) <= round) rounds.push_back(opened_round(ctx, member));
  PruneRound& now = rounds.back();
  const EpochMetrics& metrics = ctx.state.current[member];
  now.epochs = epoch - round * round_epochs_;
  if (std::isfinite(metrics.validation_loss) && (now.early_stop_epoch < 0 || metrics.validation_loss < now.best_validation_loss)) {
    now.early_stop_epoch = now.epochs;
    now.best_validation_loss = metrics.validation_loss;
    now.early_stop_test_accuracy = metrics.test_accuracy;
  }
  if (epoch % round_epochs_ == 0) {
    now.test_accuracy = metrics.test_accuracy;
    now.validation_loss = metrics.validation_loss;
  }
}

// The round the member's current masks start: the weights they keep, per layer and in all.
PruneRound PruneHook::opened_round(const TrainingContext& ctx, std::size_t member) const {
  PruneRound round;
  double kept = 0, total = 0;
  for (std::size_t i = 0; i < pruned_.size(); ++i) {
    const Tensor& mask = ctx.state.prune_masks[i];
    const float* values = mask.slice(static_cast<Index>(member));
    const Index size = mask.slice_size();
    const auto ones = static_cast<double>(std::count(values, values + size, 1.0f));
    round.layer_remaining.push_back(ones / static_cast<double>(size));
    kept += ones;
    total += static_cast<double>(size);
    if (i == 0 && mask.rank() == 3) {  // dense [P, outputs, inputs]: connections kept per input
      const Index outputs = mask.dim(1), inputs = mask.dim(2);
      round.first_layer_kept.assign(static_cast<std::size_t>(inputs), 0);
      for (Index o = 0; o < outputs; ++o)
        for (Index in = 0; in < inputs; ++in) round.first_layer_kept[static_cast<std::size_t>(in)] += values[o * inputs + in] == 1.0f;
    }
  }
  round.remaining = kept / total;
  return round;
}

void PruneHook::prune_member(TrainingContext& ctx, Index member) {
  TrainerState& state = ctx.state;
  std::vector<MaskedWeights> layers;
  for (std::size_t i = 0; i < pruned_.size(); ++i) {
    const Tensor& weights = *ctx.parameters[pruned_[i]].value;
    const auto size = static_cast<std::size_t>(weights.slice_size());
    layers.push_back(MaskedWeights{std::span<const float>(weights.slice(member), size), std::span<float>(state.prune_masks[i].slice(member), size)});
  }
  // The output layer (the last weight) always ranks on its own, at output_rate.
  const std::span<const MaskedWeights> all(layers);
  const std::span<const MaskedWeights> hidden = all.first(all.size() - 1);
  if (config_.scope == PruneScope::global) {
    prune_smallest(hidden, config_.rate);
  } else {
    for (std::size_t l = 0; l < hidden.size(); ++l) prune_smallest(hidden.subspan(l, 1), config_.rate);
  }
  prune_smallest(all.last(1), config_.output_rate);
  rewind(ctx, member);
}

void PruneHook::take_mask(TrainingContext& ctx, Index member, Index from) {
  for (Tensor& mask : ctx.state.prune_masks) std::copy_n(mask.slice(from), mask.slice_size(), mask.slice(member));
  rewind(ctx, member);
}

// The member's kept weights under its mask, and its optimiser afresh.
void PruneHook::rewind(TrainingContext& ctx, Index member) {
  TrainerState& state = ctx.state;
  const std::vector<Tensor*> weights = weight_tensors(ctx);
  for (std::size_t i = 0; i < weights.size(); ++i) copy_member(state.prune_rewind[i], *weights[i], member);
  for (std::size_t i = 0; i < pruned_.size(); ++i)
    multiply(ctx.parameters[pruned_[i]].value->slice(member), state.prune_masks[i].slice(member), state.prune_masks[i].slice_size());
  std::vector<ParameterSlot> slots;
  for (const auto& parameter : ctx.parameters) slots.push_back(ParameterSlot{parameter.value, parameter.grad, parameter.layer_index});
  ctx.optimizer.reset(member, slots);
}

}  // namespace nnlab
