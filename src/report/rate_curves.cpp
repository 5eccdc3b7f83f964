#include "report/rate_curves.hpp"

#include <fmt/format.h>

#include <cmath>

#include "report/curve_charts.hpp"
#include "report/member_bands.hpp"

namespace nnlab {
namespace {

constexpr const char* metric = "learning_rate";

// Whether the rate moves at all: a constant rate makes a flat, empty figure.
bool varies(const std::vector<Band>& bands) {
  double first = std::nan("");
  for (const Band& band : bands)
    for (const double value : band.mid) {
      if (!std::isfinite(value)) continue;
      if (std::isnan(first)) first = value;
      if (value != first) return true;
    }
  return false;
}

}  // namespace

void add_rate_curves(ReportSection& section, const RunView& view) {
  if (!view.has_metric(metric) || view.trials.empty()) return;
  const TrialLayout layout = trial_layout(view);
  std::vector<Band> bands;
  for (const TrialGroup& trial : view.trials) {
    Band band = band_of(*view.store, view.id(), trial.members, metric, false);
    if (band.x.empty()) continue;
    band.name = layout.entry(trial);
    if (view.trials.size() > 1) band.exact_color = layout.color(trial);
    bands.push_back(std::move(band));
  }
  if (bands.empty() || !varies(bands)) return;
  const ScaleKind scale = spans_decades(bands) ? ScaleKind::log : ScaleKind::linear;
  const std::string by = layout.legend_keys.empty() ? "trial" : keys_title(layout.legend_keys);
  Figure figure = band_chart(bands, BandChartOptions{.title = view.caption(fmt::format("learning rate over epochs by {}{}", by,
                                                                                       scale == ScaleKind::log ? " (log scale)" : "")),
                                                     .x_label = "epoch", .y_label = "learning rate", .y_scale = scale,
                                                     .band_label = "25–75 % of a trial's replicates"});
  if (!figure.panels.empty()) figure.panels.front().legend_title = by;
  section.blocks.push_back(ReportFigure{
      fmt::format("{}-learning-rate", view.stem), std::move(figure),
      view.caption(fmt::format("The learning rate of each epoch's last step, one curve per {} (the median over its members; a per-layer "
                               "layer_lr multiplies it). A rate that moves within an epoch (a schedule with unit: step) is sampled once per "
                               "epoch here: nnlab schedule FILE --plot F.png draws it step by step.{}",
                               by, scale == ScaleKind::log ? " Log scale: the rates span decades." : ""))});
}

}  // namespace nnlab
