#include "report/lr_find_chart.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "report/curve_charts.hpp"
#include "report/member_bands.hpp"

namespace nnlab {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

// The curve's value at `rate`, linear in log rate between the two steps around it (NaN outside).
double value_at(const std::vector<double>& rates, const std::vector<double>& values, double rate) {
  if (!(rate > 0)) return nan;
  for (std::size_t i = 0; i + 1 < rates.size(); ++i)
    if (rates[i] <= rate && rate <= rates[i + 1]) {
      const double span = std::log(rates[i + 1]) - std::log(rates[i]);
      const double f = span > 0 ? (std::log(rate) - std::log(rates[i])) / span : 0.0;
      return values[i] + f * (values[i + 1] - values[i]);
    }
  return !rates.empty() && rate == rates.back() ? values.back() : nan;
}

// Median and min–max of the members' values at each step (over those still running there).
Band trial_band(const LrFindTrialCurve& trial, int color) {
  Band band{.name = trial.name, .x = trial.rates, .color = color};
  const bool several = trial.members.size() > 1;
  for (std::size_t i = 0; i < trial.rates.size(); ++i) {
    std::vector<double> at;
    for (const auto& member : trial.members)
      if (i < member.size() && std::isfinite(member[i])) at.push_back(member[i]);
    band.mid.push_back(finite_quantile(at, 0.5));
    if (several) {
      band.low.push_back(at.empty() ? nan : *std::min_element(at.begin(), at.end()));
      band.high.push_back(at.empty() ? nan : *std::max_element(at.begin(), at.end()));
    }
  }
  if (several)
    for (const auto& member : trial.members) {
      std::vector<double> run(trial.rates.size(), nan);
      std::copy_n(member.begin(), std::min(member.size(), run.size()), run.begin());
      band.runs.push_back(std::move(run));
    }
  return band;
}

}  // namespace

Figure lr_find_chart(std::span<const LrFindTrialCurve> trials, const std::string& title, const std::string& legend_title) {
  std::vector<Band> bands;
  double top = 0.0, bottom = std::numeric_limits<double>::infinity();
  for (std::size_t t = 0; t < trials.size(); ++t) {
    bands.push_back(trial_band(trials[t], static_cast<int>(t)));
    for (const auto& member : trials[t].members) {
      if (!member.empty() && std::isfinite(member.front())) top = std::max(top, member.front());
      for (const double value : member)
        if (std::isfinite(value)) bottom = std::min(bottom, value);
    }
  }
  Figure figure = band_chart(bands, {.title = title, .x_label = "learning rate", .y_label = "smoothed training loss",
                                     .x_scale = ScaleKind::log, .band_label = "min\u2013max over seeds", .runs_label = "each seed",
                                     .width = 960});
  Panel& panel = figure.panels.front();
  if (top > 0 && bottom < 1.5 * top) {
    panel.y.max = 1.5 * top;
    panel.y.min = bottom - 0.05 * (1.5 * top - bottom);
  }
  panel.legend_title = legend_title;
  const Color neutral{0.3, 0.3, 0.3};
  for (std::size_t t = 0; t < trials.size(); ++t) {
    const Color color = palette_color(static_cast<int>(t));
    const auto mark = [&](double rate, MarkerShape shape) {
      const double y = value_at(bands[t].x, bands[t].mid, rate);
      if (std::isfinite(y)) panel.marks.push_back(PointMark{.x = {rate}, .y = {y}, .color = color, .shape = shape, .radius = 6.0});
    };
    mark(trials[t].steepest, MarkerShape::circle);
    mark(trials[t].minimum_over_10, MarkerShape::triangle);
  }
  panel.legend.push_back({.label = "steepest descent", .color = neutral, .symbol = LegendSymbol::marker, .shape = MarkerShape::circle});
  panel.legend.push_back({.label = "minimum / 10", .color = neutral, .symbol = LegendSymbol::marker, .shape = MarkerShape::triangle});
  panel.legend_placement = LegendPlacement::outside;
  return figure;
}

}  // namespace nnlab
