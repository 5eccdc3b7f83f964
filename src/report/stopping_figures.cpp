#include "report/stopping_figures.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "report/curve_charts.hpp"
#include "report/member_bands.hpp"

namespace nnlab {
namespace {

using nlohmann::json;

constexpr std::size_t max_members_drawn = 10;  // per panel; more curves hide the marks
constexpr std::size_t max_panels = 9;

// A member's early-stopping outcome from the summary, or null.
const json* outcome_of(const RunView& view, Index member) {
  const json* entry = view.member(member);
  if (entry == nullptr || !entry->contains("early_stopping") || !(*entry)["early_stopping"].is_object()) return nullptr;
  return &(*entry)["early_stopping"];
}

double number(const json& outcome, const char* key) {
  return outcome.contains(key) && outcome[key].is_number() ? outcome[key].get<double>() : std::nan("");
}

std::string median_text(std::vector<double> values) {
  std::erase_if(values, [](double v) { return !std::isfinite(v); });
  if (values.empty()) return "-";
  const double q25 = finite_quantile(values, 0.25), q50 = finite_quantile(values, 0.5), q75 = finite_quantile(values, 0.75);
  return values.size() == 1 ? fmt::format("{:.0f}", q50) : fmt::format("{:.0f} ({:.0f}–{:.0f})", q50, q25, q75);
}

// A panel's title: the swept early-stopping settings first ("gl, alpha: 5"), then the other keys
// ("lr = 0.002"), so that a sweep over the criterion reads at a glance.
std::string panel_title(const RunView& view, const TrialGroup& trial) {
  std::string stopping, rest;
  for (const auto& [key, value] : trial.parameters) {
    if (key.starts_with("train.early_stopping")) {
      std::string shown = value;
      std::erase_if(shown, [](char c) { return c == '{' || c == '}'; });
      if (shown.starts_with("criterion: ")) shown.erase(0, std::string_view("criterion: ").size());
      if (shown.starts_with("patience, patience: ")) shown.erase(0, std::string_view("patience, ").size());
      stopping += (stopping.empty() ? "" : ", ") + (key == "train.early_stopping" ? shown : key.substr(key.rfind('.') + 1) + ": " + shown);
    } else if (std::find(view.varying.begin(), view.varying.end(), key) != view.varying.end()) {
      rest += (rest.empty() ? "" : ", ") + short_key(key, view.varying) + " = " + value;
    }
  }
  return stopping.empty() ? short_trial_title(view, trial) : rest.empty() ? stopping : stopping + " · " + rest;
}

}  // namespace

void add_early_stopping_figures(ReportSection& section, const RunView& view) {
  std::string monitor;
  for (const TrialGroup& trial : view.trials)
    for (const Index m : trial.members)
      if (const json* outcome = outcome_of(view, m); outcome && monitor.empty() && (*outcome)["monitor"].is_string())
        monitor = (*outcome)["monitor"].get<std::string>();
  if (monitor.empty() || !view.has_metric(monitor)) return;

  Table table{.caption = view.caption(fmt::format("Early stopping on {}: members stopped, and the epochs (median, quartiles)", monitor)),
              .header = {"trial", "members", "stopped", "stop epoch", "best epoch", "restored best"}};
  std::vector<Panel> panels;
  bool clipped = false;
  for (const TrialGroup& trial : view.trials) {
    std::vector<Series> series;
    std::vector<PointMark> marks;
    std::vector<double> stop_epochs, best_epochs;
    Index stopped = 0, restored = 0, with_outcome = 0;
    for (const Index m : trial.members) {
      const json* outcome = outcome_of(view, m);
      if (!outcome) continue;
      ++with_outcome;
      const double best_epoch = number(*outcome, "best_epoch"), stop_epoch = number(*outcome, "stopped_epoch");
      best_epochs.push_back(best_epoch);
      if (std::isfinite(stop_epoch)) {
        ++stopped;
        stop_epochs.push_back(stop_epoch);
      }
      restored += outcome->value("restored_best", false) ? 1 : 0;
      if (series.size() >= max_members_drawn || panels.size() >= max_panels) {
        clipped = true;
        continue;
      }
      const MetricSeries values = view.store->read_series(view.id(), m, monitor);
      const int color = static_cast<int>(series.size());
      // Named by seed: the same seeds recur in every trial, and so do the colours.
      const json* entry = view.member(m);
      const std::string name = entry && entry->contains("seed") ? fmt::format("seed {}", (*entry)["seed"].dump()) : member_name(view, m);
      Series line{.name = name, .x = {}, .y = {}, .color = color};
      for (std::size_t i = 0; i < values.epochs.size(); ++i) {
        if (values.epochs[i] == 0) continue;  // the initial weights' loss would squeeze the rest
        line.x.push_back(static_cast<double>(values.epochs[i]));
        line.y.push_back(values.values[i]);
      }
      series.push_back(std::move(line));
      // In the member's colour, at the values the summary reports.
      if (std::isfinite(best_epoch))
        marks.push_back(PointMark{.x = {best_epoch}, .y = {number(*outcome, "best_value")}, .color = palette_color(color),
                                  .shape = MarkerShape::circle, .radius = 4.5});
      if (std::isfinite(stop_epoch))
        marks.push_back(PointMark{.x = {stop_epoch}, .y = {number(*outcome, "stopped_value")}, .color = palette_color(color),
                                  .shape = MarkerShape::diamond, .radius = 6.0});
    }
    if (with_outcome == 0) continue;
    table.rows.push_back({view.trials.size() > 1 ? trial_name(view, trial) : "all members", std::to_string(with_outcome), std::to_string(stopped),
                          median_text(stop_epochs), median_text(best_epochs), std::to_string(restored)});
    if (series.empty()) continue;
    Figure chart = line_chart(series, LineChartOptions{.title = view.trials.size() > 1 ? panel_title(view, trial) : "", .x_label = "epoch",
                                                       .y_label = monitor});
    Panel panel = std::move(chart.panels.front());
    for (PointMark& mark : marks) panel.marks.emplace_back(std::move(mark));
    panel.legend.push_back(LegendEntry{.label = "best epoch", .color = colors::text, .symbol = LegendSymbol::marker, .shape = MarkerShape::circle});
    panel.legend.push_back(LegendEntry{.label = "stopped", .color = colors::text, .symbol = LegendSymbol::marker, .shape = MarkerShape::diamond});
    panels.push_back(std::move(panel));
  }
  if (table.rows.empty()) return;
  if (!panels.empty()) {
    const int columns = std::min<int>(3, static_cast<int>(panels.size()));
    Figure figure = panel_grid(std::move(panels), GridOptions{.title = view.caption(fmt::format("{} with best and stop epochs", monitor)),
                                                              .columns = columns, .width = columns == 1 ? 800 : 1000,
                                                              .panel_height = columns == 1 ? 480 : 360});
    section.blocks.push_back(ReportFigure{
        view.stem + "-early-stopping", std::move(figure),
        view.caption(fmt::format("Early stopping: each member's {} over the epochs it trained (from epoch 1){}, a circle at its best epoch and a diamond where the "
                                 "criterion stopped it (no diamond: it trained to the end). With restore_best the member's final weights and "
                                 "metrics are those at the circle.{}",
                                 monitor, view.trials.size() > 1 ? ", a panel per trial" : "",
                                 clipped ? fmt::format(" At most {} members per panel and {} panels are drawn; the table counts all.", max_members_drawn,
                                                       max_panels)
                                         : ""))});
  }
  section.blocks.push_back(std::move(table));
}

}  // namespace nnlab
