#include "train/penalty.hpp"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "core/member_sums.hpp"
#include "core/simd_dispatch.hpp"
#include "core/threads.hpp"

namespace nnlab {
namespace {

// Elements per unit of work for a thread, and the parameter size below which threads cost
// more than they save (as the optimiser's).
constexpr Index piece_elements = Index{1} << 14;
constexpr Index parallel_threshold = Index{1} << 15;

bool has_penalty(const LossSpec& spec) { return spec.l1 != 0 || spec.l2 != 0; }

void check_members(std::span<const ParameterRef<float>> parameters, std::span<const LossSpec> members) {
  for (const auto& parameter : parameters)
    if (parameter.value->rank() == 0 || parameter.value->dim(0) != static_cast<Index>(members.size()))
      throw std::invalid_argument(fmt::format("penalty: {} is {}, expected {} members", parameter.name,
                                              to_string(parameter.value->shape()), members.size()));
}

}  // namespace

void add_penalty_gradient(const float* value, float* grad, Index count, float l1, float l2) {
  // One loop per combination (core/simd_dispatch.hpp); every element gets the same scalar
  // expression on every SIMD target.
  with_simd_target_and_flags(
      [&](auto l1_flag, auto l2_flag) {
        for (Index i = 0; i < count; ++i) {
          float g = grad[i];
          const float w = value[i];
          if constexpr (decltype(l2_flag)::value) g = g + l2 * w;
          if constexpr (decltype(l1_flag)::value) g = g + (w > 0.0f ? l1 : w < 0.0f ? -l1 : 0.0f);
          grad[i] = g;
        }
      },
      l1 != 0, l2 != 0);
}

void add_penalty_gradients(std::span<const ParameterRef<float>> parameters, std::span<const LossSpec> members,
                           std::span<const std::uint8_t> active) {
  check_members(parameters, members);
  const auto wanted = [&](Index m) {
    const auto member = static_cast<std::size_t>(m);
    return has_penalty(members[member]) && (active.empty() || active[member] != 0);
  };
  for (const auto& parameter : parameters) {
    if (parameter.is_bias) continue;
    const Index count = parameter.value->slice_size(), size = parameter.value->size();
    const Index pieces = (size + piece_elements - 1) / piece_elements;
    // A piece may span members (small weights) or lie inside one (large ones); elements are
    // independent, so neither the cut nor the threads can change a result.
    parallel_for(pieces, size >= parallel_threshold, [&](Index piece) {
      const Index begin = piece * piece_elements, end = std::min(size, begin + piece_elements);
      for (Index m = begin / count; m * count < end; ++m) {
        if (!wanted(m)) continue;
        const Index from = std::max(begin, m * count), to = std::min(end, (m + 1) * count);
        const LossSpec& spec = members[static_cast<std::size_t>(m)];
        add_penalty_gradient(parameter.value->data() + from, parameter.grad->data() + from, to - from,
                             static_cast<float>(spec.l1), static_cast<float>(spec.l2));
      }
    });
  }
}

std::vector<double> penalty_values(std::span<const ParameterRef<float>> parameters, std::span<const LossSpec> members) {
  check_members(parameters, members);
  const std::size_t population = members.size();
  const bool any_l1 = std::ranges::any_of(members, [](const LossSpec& s) { return s.l1 != 0; });
  const bool any_l2 = std::ranges::any_of(members, [](const LossSpec& s) { return s.l2 != 0; });
  std::vector<double> abs_sums(population, 0.0), square_sums(population, 0.0), sums(population);
  for (const auto& parameter : parameters) {
    if (parameter.is_bias) continue;
    const auto members_count = static_cast<Index>(population);
    const Index count = parameter.value->slice_size();
    if (any_l1) {
      sum_abs_per_member(parameter.value->data(), members_count, count, sums.data());
      for (std::size_t m = 0; m < population; ++m) abs_sums[m] += sums[m];
    }
    if (any_l2) {
      sum_squares_per_member(parameter.value->data(), members_count, count, sums.data());
      for (std::size_t m = 0; m < population; ++m) square_sums[m] += sums[m];
    }
  }
  std::vector<double> penalty(population, not_measured);
  for (std::size_t m = 0; m < population; ++m)
    if (has_penalty(members[m])) penalty[m] = members[m].l1 * abs_sums[m] + members[m].l2 / 2 * square_sums[m];
  return penalty;
}

void PenaltyHook::on_fit_begin(TrainingContext& ctx) {
  const std::span<const LossSpec> members = ctx.loss.members();
  if (members.size() != ctx.member_count())
    throw std::invalid_argument(fmt::format("Trainer: {} loss specs for {} members", members.size(), ctx.member_count()));
  any_ = std::ranges::any_of(members, has_penalty);
}

void PenaltyHook::on_gradients(TrainingContext& ctx, std::int64_t /*epoch*/, Index /*batch*/) {
  if (any_) add_penalty_gradients(ctx.parameters, ctx.loss.members(), ctx.state.active);
}

// The weights train_loss is measured at: after the epoch (full batch: before the next step).
void PenaltyHook::on_epoch_end(TrainingContext& ctx, std::int64_t /*epoch*/, bool /*last*/) {
  if (!any_) return;
  const std::vector<double> penalty = penalty_values(ctx.parameters, ctx.loss.members());
  for (std::size_t m = 0; m < ctx.member_count(); ++m)
    ctx.state.current[m].penalty = penalty[m];
}

}  // namespace nnlab
