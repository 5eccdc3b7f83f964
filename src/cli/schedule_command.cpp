#include "cli/schedule_command.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "core/error.hpp"
#include "experiment/member_schedule.hpp"
#include "experiment/plan.hpp"
#include "experiment/plan_data.hpp"
#include "optim/schedule.hpp"
#include "report/curve_charts.hpp"
#include "report/render.hpp"

namespace nnlab {
namespace {

// One distinct schedule: the rates it gives and the trials (members' configs) that follow it.
struct Curve {
  std::string unit;
  std::vector<double> rates;
  std::vector<Index> trials;
};

std::string trial_list(const std::vector<Index>& trials) {
  std::vector<std::string> names;
  for (const Index t : trials) names.push_back(std::to_string(t));
  return fmt::format("{}", fmt::join(names, ", "));
}

}  // namespace

std::string schedule_table(const ScheduleFlags& flags) {
  if (flags.steps && *flags.steps < 1) throw InputError(fmt::format("--steps: must be >= 1, got {}", *flags.steps));
  const Plan plan = plan_experiment(flags.experiment, flags.overrides, /*force=*/true);
  PlanData data;  // loaded only for what needs the batches per epoch
  std::vector<Curve> curves;
  for (const PlannedPopulation& population : plan.populations) {
    for (const Index t : population.trials) {
      const ExperimentConfig config = plan.trial_config(t);
      const bool needs_data = (config.schedule.kind == ScheduleKind::one_cycle && config.schedule.total_steps == 0) ||
                              config.train.snapshot_ensemble.has_value() ||
                              (!flags.steps && config.schedule.unit == ScheduleUnit::step);
      const Index examples = needs_data ? data.of(plan, population).train.size() : 1;
      const ScheduleSpec schedule = member_schedule(config, examples);
      const Index batch = config.train.batch == 0 ? examples : std::min<Index>(config.train.batch, examples);
      const std::int64_t run_length = config.train.epochs * (schedule.unit == ScheduleUnit::epoch ? 1 : (examples + batch - 1) / batch);
      const std::int64_t steps = flags.steps ? *flags.steps : run_length;
      Curve curve{.unit = schedule.unit == ScheduleUnit::epoch ? "epoch" : "step"};
      for (std::int64_t step = 0; step < steps; ++step) curve.rates.push_back(scheduled_learning_rate(schedule, config.optimizer.lr, step));
      const auto same = std::ranges::find_if(curves, [&](const Curve& c) { return c.unit == curve.unit && c.rates == curve.rates; });
      if (same != curves.end()) {
        same->trials.push_back(t);
      } else {
        curve.trials.push_back(t);
        curves.push_back(std::move(curve));
      }
    }
  }

  std::string text;
  for (std::size_t c = 0; c < curves.size(); ++c)
    text += fmt::format("# schedule {}: trials {} (unit {})\n", c, trial_list(curves[c].trials), curves[c].unit);
  text += "t";
  for (std::size_t c = 0; c < curves.size(); ++c) text += fmt::format("\tlr{}", c);
  text += "\n";
  std::size_t rows = 0;
  for (const Curve& curve : curves) rows = std::max(rows, curve.rates.size());
  for (std::size_t t = 0; t < rows; ++t) {
    text += std::to_string(t);
    for (const Curve& curve : curves) text += t < curve.rates.size() ? fmt::format("\t{}", curve.rates[t])  /* shortest exact form */ : "\t";
    text += "\n";
  }

  if (!flags.plot.empty()) {
    std::vector<Series> series;
    for (std::size_t c = 0; c < curves.size(); ++c) {
      Series line{.name = curves.size() == 1 ? "learning rate" : fmt::format("trials {}", trial_list(curves[c].trials))};
      for (std::size_t t = 0; t < curves[c].rates.size(); ++t) {
        line.x.push_back(static_cast<double>(t));
        line.y.push_back(curves[c].rates[t]);
      }
      series.push_back(std::move(line));
    }
    const std::string unit = curves.front().unit;
    save_png(line_chart(series, {.title = fmt::format("{}: learning rate", plan.name), .x_label = unit, .y_label = "learning rate"}),
             flags.plot);
  }
  return text;
}

}  // namespace nnlab
