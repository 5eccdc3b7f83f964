#include "report/snapshot_figures.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "report/curve_charts.hpp"
#include "report/member_bands.hpp"

namespace nnlab {
namespace {

using nlohmann::json;

constexpr std::size_t max_panels = 9;

// A member's accuracies under `key` ("ensemble_accuracy", "single_accuracy"); empty without them.
std::vector<double> accuracies(const RunView& view, Index member, const char* key, std::string& set) {
  const json* entry = view.member(member);
  if (entry == nullptr || !entry->contains("snapshot_ensemble")) return {};
  const json& outcome = (*entry)["snapshot_ensemble"];
  if (!outcome.is_object() || !outcome.contains(key) || !outcome[key].is_array()) return {};
  if (outcome.contains("set") && outcome["set"].is_string()) set = outcome["set"].get<std::string>();
  std::vector<double> values;
  for (const json& value : outcome[key]) values.push_back(value.is_number() ? value.get<double>() : std::nan(""));
  return values;
}

// Median, range and each member's values at m = 1 ... the most snapshots any member has.
Band band_over(const std::vector<std::vector<double>>& members, std::string name, int color) {
  Band band{.name = std::move(name), .x = {}, .low = {}, .mid = {}, .high = {}, .runs = {}, .color = color};
  std::size_t most = 0;
  for (const auto& values : members) most = std::max(most, values.size());
  for (std::size_t k = 0; k < most; ++k) {
    std::vector<double> at;
    for (const auto& values : members) at.push_back(k < values.size() ? values[k] : std::nan(""));
    band.x.push_back(static_cast<double>(k + 1));
    band.mid.push_back(finite_quantile(at, 0.5));
    band.low.push_back(finite_quantile(at, 0.0));
    band.high.push_back(finite_quantile(at, 1.0));
  }
  for (const auto& values : members) {
    std::vector<double> run(most, std::nan(""));
    std::copy(values.begin(), values.end(), run.begin());
    band.runs.push_back(std::move(run));
  }
  if (members.size() < 2) band.low.clear(), band.high.clear();
  return band;
}

std::string medians_text(const Band& band) {
  std::string text;
  for (const double value : band.mid) {
    if (!text.empty()) text += ' ';
    text += std::isfinite(value) ? fmt::format("{:.4f}", value) : std::string("-");
  }
  return text;
}

}  // namespace

void add_snapshot_ensemble_figures(ReportSection& section, const RunView& view) {
  std::string set = "test";
  Table table{.caption = "", .header = {"trial", "members", "ensemble of the last m (m = 1, 2, ...)", "snapshot m alone"}};
  std::vector<Panel> panels;
  for (const TrialGroup& trial : view.trials) {
    std::vector<std::vector<double>> ensemble, single;
    for (const Index m : trial.members) {
      std::vector<double> e = accuracies(view, m, "ensemble_accuracy", set), s = accuracies(view, m, "single_accuracy", set);
      if (e.empty()) continue;
      ensemble.push_back(std::move(e));
      single.push_back(std::move(s));
    }
    if (ensemble.empty()) continue;
    const std::vector<Band> bands{band_over(ensemble, "ensemble of the last m", 0), band_over(single, "snapshot m alone", 1)};
    table.rows.push_back({view.trials.size() > 1 ? trial_name(view, trial) : "all members", std::to_string(ensemble.size()), medians_text(bands[0]),
                          medians_text(bands[1])});
    if (panels.size() >= max_panels) continue;
    Figure chart = band_chart(bands, BandChartOptions{.title = view.trials.size() > 1 ? short_trial_title(view, trial) : "", .x_label = "m",
                                                      .y_label = set + " accuracy", .band_label = "range over replicates",
                                                      .runs_label = "each replicate"});
    panels.push_back(std::move(chart.panels.front()));
  }
  if (table.rows.empty()) return;
  table.caption = view.caption(fmt::format("Snapshot ensemble: {} accuracy per m, median over each trial's replicates", set));
  const int columns = std::min<int>(3, static_cast<int>(panels.size()));
  Figure figure = panel_grid(std::move(panels), GridOptions{.title = view.caption(fmt::format("Snapshot ensemble: {} accuracy vs m", set)),
                                                            .columns = columns, .width = columns == 1 ? 800 : 1000,
                                                            .panel_height = columns == 1 ? 480 : 360, .share_y = true, .share_x = true});
  section.blocks.push_back(ReportFigure{
      view.stem + "-snapshot-ensemble", std::move(figure),
      view.caption(fmt::format("Snapshot ensembles (Huang et al. 2017): {} accuracy of the ensemble of the last m snapshots (average of their softmax "
                               "outputs, or of their outputs for a loss without softmax) and of snapshot m alone (the weights at the end of cycle "
                               "m), for m = 1 … M; the lines are the median over the trial's replicates, the band their range, the thin lines "
                               "each replicate. At m = 1 the ensemble is the last snapshot alone.{}",
                               set, view.trials.size() > max_panels ? fmt::format(" The first {} trials are drawn; the table lists all.", max_panels) : ""))});
  section.blocks.push_back(std::move(table));
}

}  // namespace nnlab
