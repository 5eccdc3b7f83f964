#include "train/layer_statistics.hpp"

#include <algorithm>
#include <cmath>

#include "core/member_sums.hpp"

namespace nnlab {

void LayerStatisticsHook::on_fit_begin(TrainingContext& ctx) {
  sums_.assign(ctx.member_count(), 0.0);
  other_sums_.assign(ctx.member_count(), 0.0);
  ctx.step_start.clear();
  for (const auto& parameter : ctx.parameters) ctx.step_start.emplace_back(parameter.value->shape());
  if (ctx.first_epoch == 1) record_weight_norms(ctx);  // epoch 0's; a resumed fit has its checkpoint's
}

void LayerStatisticsHook::record_weight_norms(TrainingContext& ctx) {
  for (const auto& parameter : ctx.parameters) {
    if (!parameter.is_weight()) continue;
    sum_squares_per_member(parameter.value->data(), ctx.population, parameter.value->slice_size(), sums_.data());
    sum_abs_per_member(parameter.value->data(), ctx.population, parameter.value->slice_size(), other_sums_.data());
    for (std::size_t m = 0; m < ctx.member_count(); ++m) {
      ctx.stats(m, parameter.layer_index).weight_norm = std::sqrt(sums_[m]);
      ctx.stats(m, parameter.layer_index).weight_l1 = other_sums_[m];
    }
  }
}

// ‖g‖ per layer and over all parameters (summed in parameter order), before any clipping; and
// the weights the last step starts from.
void LayerStatisticsHook::on_gradients(TrainingContext& ctx, std::int64_t epoch, Index batch) {
  if (batch + 1 != ctx.batches_per_epoch) return;
  std::fill(other_sums_.begin(), other_sums_.end(), 0.0);
  for (const auto& parameter : ctx.parameters) {
    sum_squares_per_member(parameter.grad->data(), ctx.population, parameter.grad->slice_size(), sums_.data());
    for (std::size_t m = 0; m < ctx.member_count(); ++m) {
      other_sums_[m] += sums_[m];
      if (parameter.is_weight()) ctx.stats(m, parameter.layer_index).gradient_norm = std::sqrt(sums_[m]);
    }
  }
  for (std::size_t m = 0; m < ctx.member_count(); ++m) ctx.state.last_gradient_norm[m] = std::sqrt(other_sums_[m]);
  for (std::size_t p = 0; p < ctx.parameters.size(); ++p)
    std::copy_n(ctx.parameters[p].value->data(), ctx.parameters[p].value->size(), ctx.step_start[p].data());
  ctx.step_start_epoch = epoch;
}

// ‖W_after − W_before‖ / ‖W_before‖ of the epoch's last step, and the norms after it.
void LayerStatisticsHook::on_step_end(TrainingContext& ctx, std::int64_t /*epoch*/, Index batch) {
  if (batch + 1 != ctx.batches_per_epoch) return;
  record_weight_norms(ctx);
  for (std::size_t p = 0; p < ctx.parameters.size(); ++p) {
    const auto& parameter = ctx.parameters[p];
    if (!parameter.is_weight()) continue;
    const Index per_member = parameter.value->slice_size();
    sum_squares_per_member(ctx.step_start[p].data(), ctx.population, per_member, sums_.data());
    sum_squared_differences_per_member(parameter.value->data(), ctx.step_start[p].data(), ctx.population, per_member,
                                       other_sums_.data());
    for (std::size_t m = 0; m < ctx.member_count(); ++m) {
      const double before = std::sqrt(sums_[m]), change = std::sqrt(other_sums_[m]);
      ctx.stats(m, parameter.layer_index).update_ratio = before > 0 ? change / before : not_measured;
    }
  }
}

}  // namespace nnlab
