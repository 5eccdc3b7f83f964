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
  std::string momentum;         // "momentum" or "beta1" when the schedule cycles it, else empty
  std::vector<double> momenta;  // per t, with `momentum`
  std::vector<Index> trials;
  bool operator==(const Curve& other) const { return unit == other.unit && rates == other.rates && momentum == other.momentum && momenta == other.momenta; }
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
      if (config.schedule.kind == ScheduleKind::reduce_on_plateau)
        throw InputError(fmt::format("{}: schedule.type: reduce_on_plateau lowers the rate when {} stops improving, which only training "
                                     "measures; nnlab schedule cannot print it",
                                     config.file.string(), monitor_name(config.schedule.monitor)));
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
      if (cycles_momentum(schedule)) {
        curve.momentum = config.optimizer.kind == OptimizerKind::sgd || config.optimizer.kind == OptimizerKind::rmsprop ? "momentum" : "beta1";
        for (std::int64_t step = 0; step < steps; ++step) curve.momenta.push_back(scheduled_momentum(schedule, step));
      }
      const auto same = std::ranges::find(curves, curve);
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
  // The rates, then the momenta (or beta1) of the schedules that cycle them.
  text += "t";
  for (std::size_t c = 0; c < curves.size(); ++c) text += fmt::format("\tlr{}", c);
  for (std::size_t c = 0; c < curves.size(); ++c)
    if (!curves[c].momentum.empty()) text += fmt::format("\t{}{}", curves[c].momentum, c);
  text += "\n";
  std::size_t rows = 0;
  for (const Curve& curve : curves) rows = std::max(rows, curve.rates.size());
  const auto cell = [](const std::vector<double>& values, std::size_t t) {
    return t < values.size() ? fmt::format("\t{}", values[t]) /* shortest exact form */ : std::string("\t");
  };
  for (std::size_t t = 0; t < rows; ++t) {
    text += std::to_string(t);
    for (const Curve& curve : curves) text += cell(curve.rates, t);
    for (const Curve& curve : curves)
      if (!curve.momentum.empty()) text += cell(curve.momenta, t);
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
