#include "report/gap_figures.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "report/curve_charts.hpp"
#include "report/member_bands.hpp"

namespace nnlab {
namespace {

constexpr std::size_t max_trials = 6;  // two lines each: more are a tangle

// validation − train of each member at the epochs it recorded both, summarised over the members.
Band gap_band(const RunView& view, std::span<const Index> members) {
  std::map<Epoch, std::vector<double>> by_epoch;
  for (const Index member : members) {
    const MetricSeries train = view.store->read_series(view.id(), member, "train_loss");
    const MetricSeries validation = view.store->read_series(view.id(), member, "validation_loss");
    std::map<Epoch, double> train_at;
    for (std::size_t i = 0; i < train.epochs.size(); ++i) train_at[train.epochs[i]] = train.values[i];
    for (std::size_t i = 0; i < validation.epochs.size(); ++i)
      if (const auto found = train_at.find(validation.epochs[i]); found != train_at.end())
        by_epoch[validation.epochs[i]].push_back(validation.values[i] - found->second);
  }
  return band_by_epoch(by_epoch, members.size() > 1);
}

}  // namespace

void add_generalisation_gap(ReportSection& section, const RunView& view) {
  if (view.trials.size() < 2 || view.trials.size() > max_trials || !view.has_metric("validation_loss") || !view.has_metric("train_loss")) return;
  const TrialLayout layout = trial_layout(view);
  // One legend for both panels: the trials by colour, then what solid and dashed mean.
  const auto entry = [&](const TrialGroup& trial) { return layout.panel_key.empty() ? layout.entry(trial) : values_of(trial, view.varying); };
  std::vector<std::string> entries;
  for (const TrialGroup& trial : view.trials) entries.push_back(entry(trial));
  const std::map<std::string, Color> colors = layout.panel_key.empty() ? layout.colors : value_colors(entries);
  std::vector<Band> losses, gaps;
  bool replicated = false;
  for (const TrialGroup& trial : view.trials) {
    const Color color = colors.at(entry(trial));
    Band train = band_of(*view.store, view.id(), trial.members, "train_loss", false);
    Band validation = band_of(*view.store, view.id(), trial.members, "validation_loss", false);
    Band gap = gap_band(view, trial.members);
    if (train.x.empty() || validation.x.empty() || gap.x.empty()) continue;
    replicated = replicated || trial.members.size() > 1;
    train.name = entry(trial);
    train.exact_color = validation.exact_color = gap.exact_color = color;
    validation.dashed = true;
    losses.push_back(std::move(train));
    losses.push_back(std::move(validation));
    gaps.push_back(std::move(gap));
  }
  if (gaps.size() < 2) return;
  const ScaleKind scale = spans_decades(losses) ? ScaleKind::log : ScaleKind::linear;
  const std::string band_label = "25–75 % of a trial's replicates";
  Panel both = std::move(band_chart(losses, BandChartOptions{.title = "train (solid) and validation (dashed) loss", .y_label = "loss", .y_scale = scale,
                                                             .band_label = band_label, .band_opacity = 0.2})
                             .panels.front());
  // The legend's neutral entries for the line styles go before the band's.
  const Color neutral{0.45, 0.45, 0.45};
  const auto band_entry = std::find_if(both.legend.begin(), both.legend.end(), [&](const LegendEntry& e) { return e.label == band_label; });
  both.legend.insert(band_entry, {LegendEntry{.label = "train loss", .color = neutral}, LegendEntry{.label = "validation loss", .color = neutral, .symbol = LegendSymbol::dashed_line}});
  both.legend_title = layout.panel_key.empty() && !layout.legend_keys.empty() ? keys_title(layout.legend_keys) : keys_title(view.varying);
  Panel gap = std::move(band_chart(gaps, BandChartOptions{.title = "gap: validation − train loss", .y_label = "validation − train loss", .band_opacity = 0.2})
                            .panels.front());
  const double first = gaps.front().x.front(), last = gaps.front().x.back();
  gap.marks.insert(gap.marks.begin(), LineMark{.x = {first, last}, .y = {0, 0}, .color = colors::axis, .width = 1.0});
  std::vector<Panel> panels;
  panels.push_back(std::move(both));
  panels.push_back(std::move(gap));
  Figure figure = panel_grid(std::move(panels), GridOptions{.title = view.caption("train vs validation loss: the generalisation gap"), .columns = 2,
                                                            .width = 1100, .panel_height = 440, .share_y = false});
  section.blocks.push_back(ReportFigure{
      view.stem + "-generalisation-gap", std::move(figure),
      view.caption(fmt::format(
          "Left: each trial's train loss (solid) and validation loss (dashed) on one axis, coloured by trial{}. Right: the gap, validation − "
          "train loss, taken per member{}. Over-fitting shows as a validation curve that turns up while the train curve keeps falling — a "
          "gap that grows with the epochs; a regulariser (dropout, L2, early stopping) that works keeps it small.{}",
          replicated ? " (the median over the trial's replicates, band 25–75 %)" : "",
          replicated ? " and then summarised the same way" : "", scale == ScaleKind::log ? " Left: log scale, the losses span decades." : ""))});
}

}  // namespace nnlab
