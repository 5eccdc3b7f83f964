#include "train/probe.hpp"

#include <numeric>

#include "train/unit_activity.hpp"

namespace nnlab {

void ProbeHook::on_fit_begin(TrainingContext& ctx) {
  activations_.clear();
  for (const LayerSpec& layer : ctx.model.specs().front().layers) activations_.push_back(layer.activation);
  std::vector<Index> rows(static_cast<std::size_t>(std::min<Index>(ctx.examples, 1000)));
  std::iota(rows.begin(), rows.end(), Index{0});
  const std::span<const Index> probe_rows(rows);
  gather_batch(*ctx.data.train, ctx.train_targets, std::span(&probe_rows, 1), probe_);
}

void ProbeHook::on_epoch_end(TrainingContext& ctx, std::int64_t epoch, bool last) {
  const bool logged = ctx.logged(epoch) || last;
  const bool wanted = ctx.observer && ctx.observer->wants_model(epoch);
  if (!logged) {
    for (LayerStats& stats : ctx.state.layer_stats)
      stats.dead_fraction = stats.saturated_fraction = stats.activation_mean = stats.activation_std = not_measured;
    if (!wanted) return;
  }
  ctx.model.forward(probe_.inputs, ForwardContext{.mode = Mode::eval, .step = ctx.state.step});
  if (logged) measure_unit_activity(ctx.model.layer_outputs(), activations_, ctx.state.layer_stats);
  if (wanted) {
    const bool known = ctx.step_start_epoch == epoch && epoch > 0;
    ctx.observer->on_model(epoch, ctx.model, known ? std::span<const Tensor>(ctx.step_start) : std::span<const Tensor>());
  }
}

}  // namespace nnlab
