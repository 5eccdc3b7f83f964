#include "report/lr_find_figures.hpp"

#include <fmt/format.h>

#include <limits>

#include "report/lr_find_chart.hpp"

namespace nnlab {

void add_lr_find_figure(ReportSection& section, const RunView& view) {
  if (!view.has_metric("lr_find_smoothed") || view.trials.empty()) return;
  std::vector<LrFindTrialCurve> curves;
  for (const TrialGroup& trial : view.trials) {
    const auto rate = [&](const char* key) {
      const auto& entry = trial.statistics;
      return entry.contains(key) && entry[key].is_number() ? entry[key].get<double>() : std::numeric_limits<double>::quiet_NaN();
    };
    LrFindTrialCurve curve{.name = view.trials.size() == 1 ? view.info().name : fmt::format("trial {}: {}", trial.trial, trial.label()),
                           .rates = {}, .members = {}, .steepest = rate("steepest"), .minimum_over_10 = rate("minimum_over_10")};
    for (const Index member : trial.members) {
      const MetricSeries rates = view.store->read_series(view.id(), member, "lr_find_rate");
      const MetricSeries smoothed = view.store->read_series(view.id(), member, "lr_find_smoothed");
      if (rates.values.size() > curve.rates.size()) curve.rates.assign(rates.values.begin(), rates.values.end());
      curve.members.emplace_back(smoothed.values.begin(), smoothed.values.end());
    }
    curves.push_back(std::move(curve));
  }
  section.blocks.push_back(ReportFigure{fmt::format("{}-lr-find", view.stem), lr_find_chart(curves, view.caption("LR range test")),
                                        view.caption("Smoothed training loss against the learning rate of each step (nnlab lr-find), "
                                                     "median and min\u2013max over each trial's seeds; \u25cf steepest descent, "
                                                     "\u25b2 rate at the minimum / 10 (medians over the seeds).")});
}

}  // namespace nnlab
