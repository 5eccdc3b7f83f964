#include "train/prune.hpp"

#include <algorithm>
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
  for (const MemberSetup& member : ctx.members)
    if (member.schedule.kind != ScheduleKind::constant || member.schedule.warmup_steps != 0)
      throw std::invalid_argument("Trainer::fit: train.prune rewinds every round; a learning-rate schedule cannot go with it yet");
  round_epochs_ = ctx.config.epochs / (config_.rounds + 1);
  pruned_.clear();
  for (std::size_t p = 0; p < ctx.parameters.size(); ++p)
    if (ctx.parameters[p].is_weight()) pruned_.push_back(p);
  TrainerState& state = ctx.state;
  const std::vector<Tensor*> weights = weight_tensors(ctx);
  if (ctx.first_epoch == 1) {
    state.prune_masks.clear();
    for (const std::size_t p : pruned_) state.prune_masks.emplace_back(ctx.parameters[p].value->shape(), 1.0f);
    state.prune_rewind.clear();
    for (const Tensor* tensor : weights) state.prune_rewind.push_back(*tensor);
    return;
  }
  bool fits = state.prune_masks.size() == pruned_.size() && state.prune_rewind.size() == weights.size();
  for (std::size_t i = 0; fits && i < pruned_.size(); ++i) fits = state.prune_masks[i].shape() == ctx.parameters[pruned_[i]].value->shape();
  for (std::size_t i = 0; fits && i < weights.size(); ++i) fits = state.prune_rewind[i].shape() == weights[i]->shape();
  if (!fits)
    throw std::invalid_argument(fmt::format("Trainer::fit: the checkpoint's pruning state ({} masks, {} kept tensors) does not fit this model",
                                            state.prune_masks.size(), state.prune_rewind.size()));
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
  if (config_.rewind_epoch > 0 && epoch == config_.rewind_epoch) {  // late rewinding's copy, in round 0
    const std::vector<Tensor*> weights = weight_tensors(ctx);
    for (std::size_t i = 0; i < weights.size(); ++i) state.prune_rewind[i] = *weights[i];
  }
  if (epoch % round_epochs_ != 0 || epoch >= ctx.config.epochs) return;
  for (Index m = 0; m < ctx.population; ++m)
    if (state.active[static_cast<std::size_t>(m)]) prune_member(ctx, m);
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

  const std::vector<Tensor*> weights = weight_tensors(ctx);
  for (std::size_t i = 0; i < weights.size(); ++i) copy_member(state.prune_rewind[i], *weights[i], member);
  for (std::size_t i = 0; i < pruned_.size(); ++i)
    multiply(ctx.parameters[pruned_[i]].value->slice(member), state.prune_masks[i].slice(member), state.prune_masks[i].slice_size());
  std::vector<ParameterSlot> slots;
  for (const auto& parameter : ctx.parameters) slots.push_back(ParameterSlot{parameter.value, parameter.grad, parameter.layer_index});
  ctx.optimizer.reset(member, slots);
}

}  // namespace nnlab
