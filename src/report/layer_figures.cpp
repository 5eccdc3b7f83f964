#include "report/layer_figures.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "report/curve_charts.hpp"
#include "report/member_bands.hpp"

namespace nnlab {

namespace {

constexpr std::size_t max_members = 200;  // per trial and group: a median over more shows nothing new
constexpr int max_layers = 64;

struct Statistic {
  const char* name;
  ScaleKind scale;
  const char* meaning;
};

constexpr Statistic statistics[] = {
    {"weight_norm", ScaleKind::log, "‖W‖ (Frobenius)"},
    {"gradient_norm", ScaleKind::log, "‖∂L/∂W‖ of the epoch's last step"},
    {"update_ratio", ScaleKind::log, "the update magnitude ‖ΔW‖ / ‖W‖ of the epoch's last step, all layers on one axis"},
    {"weight_l1", ScaleKind::linear, "Σ|W|, the sum of absolute weights"},
    {"dead_fraction", ScaleKind::linear, "the share of ReLU units that output ≤ 0 on every probe example (the first ≤ 1,000 training examples)"},
    {"saturated_fraction", ScaleKind::linear, "the share of sigmoid/tanh outputs within 1 % of a bound on the probe examples"},
    {"activation_mean", ScaleKind::linear, "the mean of the layer's outputs on the probe examples (the first ≤ 1,000 training examples)"},
    {"activation_std", ScaleKind::linear, "the standard deviation of the layer's outputs on the probe examples"},
};

std::span<const Index> capped(const std::vector<Index>& members) {
  return std::span(members).first(std::min(members.size(), max_members));
}

// The trials in the order of the layout's panels (rows of a second key, then the first key's values).
std::vector<std::size_t> trial_order(const TrialLayout& layout) {
  std::vector<std::size_t> order;
  for (const auto& panel : layout.panels) order.insert(order.end(), panel.trials.begin(), panel.trials.end());
  return order;
}

struct Outcome {
  std::vector<Index> solved, unsolved;
};

Outcome outcome_of(const RunView& view, const TrialGroup& trial) {
  Outcome outcome;
  for (const Index m : trial.members) (view.success_epoch(m) ? outcome.solved : outcome.unsolved).push_back(m);
  return outcome;
}

// One statistic of one trial: a median line per layer, or per layer and outcome.
Panel statistic_panel(const RunView& view, const TrialGroup& trial, const Statistic& stat, const std::vector<int>& layers, bool split) {
  Panel panel;
  panel.x = Axis{.label = "epoch"};
  panel.y = Axis{.label = stat.name, .scale = stat.scale};
  const Outcome outcome = outcome_of(view, trial);
  bool any_dashed = false, any_solid = false;
  for (const int layer : layers) {
    const std::string metric = fmt::format("layers.{}.{}", layer, stat.name);
    const Color color = palette_color(layer);
    const auto add = [&](std::span<const Index> members, bool dashed) {
      if (members.empty()) return;
      const Band band = band_of(*view.store, view.id(), members, metric, false);
      if (band.x.empty()) return;
      panel.marks.push_back(LineMark{.x = band.x, .y = band.mid, .color = color, .dashed = dashed});
      (dashed ? any_dashed : any_solid) = true;
    };
    if (split) {
      add(capped(outcome.solved), false);
      add(capped(outcome.unsolved), true);
    } else {
      add(capped(trial.members), false);
    }
    panel.legend.push_back(LegendEntry{.label = fmt::format("layer {}", layer), .color = color});
  }
  if (split) {
    const Color neutral{0.45, 0.45, 0.45};
    if (any_solid) panel.legend.push_back({.label = "solved", .color = neutral});
    if (any_dashed) panel.legend.push_back({.label = "not solved", .color = neutral, .symbol = LegendSymbol::dashed_line});
  }
  if (view.trials.size() > 1) panel.title = short_trial_title(view, trial);
  if (split) panel.title += fmt::format("{}{}/{} solved", panel.title.empty() ? "" : " · ", outcome.solved.size(), trial.members.size());
  return panel;
}

// Seed 003's figure: the sum of absolute weights of the whole network, per member the sum over its layers.
void add_total_weight_l1(ReportSection& section, const RunView& view) {
  std::vector<std::string> layer_metrics;
  for (int layer = 0; layer < max_layers; ++layer)
    if (view.has_metric(fmt::format("layers.{}.weight_l1", layer))) layer_metrics.push_back(fmt::format("layers.{}.weight_l1", layer));
  if (layer_metrics.empty()) return;
  const TrialLayout layout = trial_layout(view);
  const bool pooled = view.trials.size() == 1;
  std::vector<Band> bands;
  std::size_t largest = 0;
  for (const std::size_t t : trial_order(layout)) {
    const TrialGroup& trial = view.trials[t];
    const auto members = capped(trial.members);
    largest = std::max(largest, members.size());
    std::map<Epoch, std::vector<double>> by_epoch;
    std::vector<std::map<Epoch, double>> per_member;
    for (const Index member : members) {
      std::map<Epoch, double> total;
      std::map<Epoch, std::size_t> layers_seen;
      for (const std::string& metric : layer_metrics) {
        const MetricSeries series = view.store->read_series(view.id(), member, metric);
        for (std::size_t i = 0; i < series.epochs.size(); ++i) {
          total[series.epochs[i]] += series.values[i];
          ++layers_seen[series.epochs[i]];
        }
      }
      std::erase_if(total, [&](const auto& entry) { return layers_seen[entry.first] != layer_metrics.size(); });
      for (const auto& [epoch, value] : total) by_epoch[epoch].push_back(value);
      per_member.push_back(std::move(total));
    }
    if (by_epoch.empty()) continue;
    Band band = band_by_epoch(by_epoch, members.size() > 1);
    band.name = pooled ? "Σ|W|, all layers" : layout.entry(trial);
    band.color = 0;
    if (!pooled) band.exact_color = layout.color(trial);
    if (pooled && members.size() > 1) {
      for (const auto& total : per_member) {
        std::vector<double> run;
        for (const auto& [epoch, values] : by_epoch) run.push_back(total.contains(epoch) ? total.at(epoch) : std::nan(""));
        band.runs.push_back(std::move(run));
      }
    }
    bands.push_back(std::move(band));
  }
  if (bands.empty()) return;
  const ScaleKind scale = spans_decades(bands) ? ScaleKind::log : ScaleKind::linear;
  Figure figure = band_chart(bands, BandChartOptions{.title = view.caption(scale == ScaleKind::log ? "sum of absolute weights (log scale)" : "sum of absolute weights"),
                                                     .x_label = "epoch", .y_label = "Σ|W|", .y_scale = scale,
                                                     .band_label = pooled ? "25–75 %" : "25–75 % of a trial's replicates", .runs_label = "each member"});
  if (!pooled) figure.panels.front().legend_title = layout.legend_keys.empty() ? "trial" : keys_title(layout.legend_keys);
  const std::string spread = largest > 1 ? (pooled ? " (median, 25–75 % band, faint: each member)" : " (per trial: the median over its replicates and their 25–75 % band)") : "";
  section.blocks.push_back(ReportFigure{view.stem + "-weight-l1-total", std::move(figure),
                                        view.caption(fmt::format("The sum of absolute weights of the whole network (biases excluded) over epochs{}: "
                                                                 "training grows the weights to use more capacity.",
                                                                 spread))});
}

}  // namespace

void add_layer_diagnostics(ReportSection& section, const RunView& view) {
  if (view.trials.empty()) return;
  const TrialLayout layout = trial_layout(view);
  const std::vector<std::size_t> order = trial_order(layout);
  const bool split = view.has_success_criterion();
  for (const Statistic& stat : statistics) {
    std::vector<int> layers;
    for (int layer = 0; layer < max_layers; ++layer)
      if (view.has_metric(fmt::format("layers.{}.{}", layer, stat.name))) layers.push_back(layer);
    if (layers.empty()) continue;
    std::vector<Panel> panels;
    for (const std::size_t t : order) {
      Panel panel = statistic_panel(view, view.trials[t], stat, layers, split);
      if (!panel.marks.empty()) panels.push_back(std::move(panel));
    }
    if (panels.empty()) continue;
    // Σ|W| of layers that grow a hundredfold (a learning rate of 8) reads on a log axis.
    if (std::string(stat.name) == "weight_l1") {
      double low = INFINITY, high = 0;
      for (const Panel& panel : panels)
        for (const Mark& mark : panel.marks)
          if (const auto* line = std::get_if<LineMark>(&mark))
            for (const double y : line->y)
              if (std::isfinite(y) && y > 0) low = std::min(low, y), high = std::max(high, y);
      if (high >= 100 * low)
        for (Panel& panel : panels) panel.y.scale = ScaleKind::log;
    }
    const bool single = panels.size() == 1;
    const std::size_t largest = std::ranges::max(view.trials, {}, [](const TrialGroup& t) { return t.members.size(); }).members.size();
    Figure figure = panel_grid(std::move(panels), GridOptions{.title = view.caption(view.trials.size() > 1 && !view.varying.empty() ? fmt::format("{} by {}", stat.name, keys_title(view.varying)) : stat.name), .columns = 3, .width = single ? 800 : 1000,
                                                              .panel_height = single ? 466 : 300});
    const std::string over = largest > max_members ? fmt::format("the first {} members", max_members) : "the members";
    const std::string who = split ? fmt::format("solid: the median over {} that met the success criterion, dashed: over the others", over)
                                  : fmt::format("the median over {}", over);
    const std::string caption = view.trials.size() > 1
                                    ? fmt::format("Per layer, {} over epochs: one panel per trial ({}), {} of that trial; panels share their axes.", stat.meaning,
                                                  view.varying.empty() ? "trial index" : keys_title(view.varying), who)
                                    : fmt::format("Per layer, {} over epochs ({}).", stat.meaning, who);
    section.blocks.push_back(ReportFigure{fmt::format("{}-{}", view.stem, stat.name), std::move(figure), view.caption(caption)});
  }
  add_total_weight_l1(section, view);
}

}  // namespace nnlab
