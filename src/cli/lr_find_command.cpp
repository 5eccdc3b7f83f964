#include "cli/lr_find_command.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>

#include "cli/store_commands.hpp"
#include "core/error.hpp"
#include "core/threads.hpp"
#include "experiment/lr_range_test.hpp"
#include "experiment/plan.hpp"
#include "experiment/plan_data.hpp"
#include "report/lr_find_chart.hpp"
#include "report/render.hpp"
#include "store/store.hpp"

namespace nnlab {
namespace {

// Every flag checked before the file is read: one line naming the flag.
LrRangeTestOptions checked_options(const LrFindFlags& flags) {
  const auto bad = [](const std::string& text) { throw InputError(text); };
  if (flags.mode != "exp" && flags.mode != "linear") bad(fmt::format("--mode: must be exp or linear, got '{}'", flags.mode));
  const bool linear = flags.mode == "linear";
  if (!std::isfinite(flags.start) || (linear ? flags.start < 0 : flags.start <= 0))
    bad(fmt::format("--start: must be {}, got {}", linear ? ">= 0" : "> 0 (the exp mode grows it by factors)", flags.start));
  if (!std::isfinite(flags.end)) bad(fmt::format("--end: must be finite, got {}", flags.end));
  if (flags.start >= flags.end) bad(fmt::format("--start: must be < --end ({}), got {}", flags.end, flags.start));
  if (flags.steps < min_lr_find_steps) bad(fmt::format("--steps: must be >= {}, got {}", min_lr_find_steps, flags.steps));
  if (!(flags.smoothing >= 0 && flags.smoothing < 1)) bad(fmt::format("--smoothing: must be in [0, 1), got {}", flags.smoothing));
  if (!(flags.diverge > 1) || !std::isfinite(flags.diverge)) bad(fmt::format("--diverge: must be > 1, got {}", flags.diverge));
  return LrRangeTestOptions{.start = flags.start, .end = flags.end, .steps = flags.steps,
                            .mode = linear ? RangeMode::linear : RangeMode::exponential, .smoothing = flags.smoothing,
                            .diverge = flags.diverge};
}

std::string rate_text(double rate) { return std::isfinite(rate) ? fmt::format("{:.3g}", rate) : std::string("-"); }

std::string trial_label(const Plan& plan, Index trial) {
  std::string label;
  for (const auto& [key, value] : plan.trials[static_cast<std::size_t>(trial)].values) label += fmt::format("{}{}={}", label.empty() ? "" : " ", key, value);
  return label;
}

// What stopped the trial's members: "steps 3, diverged 2".
std::string stops_text(const LrRangeTest& test, const LrTrialSuggestion& trial) {
  std::string text;
  for (const LrStop stop : {LrStop::steps, LrStop::diverged, LrStop::not_finite}) {
    Index count = 0;
    for (const Index m : trial.members) count += test.members[static_cast<std::size_t>(m)].curve.stop == stop;
    if (count > 0) text += fmt::format("{}{} {}", text.empty() ? "" : ", ", lr_stop_name(stop), count);
  }
  return text;
}

std::string tables(const Plan& plan, const LrRangeTest& test, const std::vector<LrTrialSuggestion>& trials, bool with_members) {
  std::string text = fmt::format("{:<6} {:>7} {:>9} {:>9}  {:<22} {}\n", "trial", "members", "steepest", "min/10", "stopped at", "parameters");
  for (const LrTrialSuggestion& trial : trials)
    text += fmt::format("{:<6} {:>7} {:>9} {:>9}  {:<22} {}\n", trial.trial, trial.members.size(), rate_text(trial.steepest),
                        rate_text(trial.minimum_over_10), stops_text(test, trial), trial_label(plan, trial.trial));
  if (!with_members) return text;
  text += fmt::format("\n{:<6} {:<6} {:>20} {:>5}  {:<10} {:>9} {:>9} {:>9}\n", "member", "trial", "seed", "steps", "stop", "steepest",
                      "minimum", "min/10");
  for (const LrRangeMember& member : test.members)
    text += fmt::format("{:<6} {:<6} {:>20} {:>5}  {:<10} {:>9} {:>9} {:>9}\n", member.member, member.trial, member.seed,
                        member.curve.rates.size(), lr_stop_name(member.curve.stop), rate_text(member.suggestion.steepest),
                        rate_text(member.suggestion.minimum), rate_text(member.suggestion.minimum_over_10()));
  return text;
}

void write_csv(const LrRangeTest& test, const std::filesystem::path& path) {
  std::ofstream out(path);
  out << "trial,member,seed,step,rate,loss,smoothed\n";
  for (const LrRangeMember& member : test.members)
    for (std::size_t i = 0; i < member.curve.rates.size(); ++i)
      out << fmt::format("{},{},{},{},{},{},{}\n", member.trial, member.member, member.seed, i, member.curve.rates[i], member.curve.losses[i],
                         member.curve.smoothed[i]);
  if (!out) throw InputError(fmt::format("{}: cannot write", path.string()));
}

void draw(const Plan& plan, const LrRangeTest& test, const std::vector<LrTrialSuggestion>& trials, const std::filesystem::path& directory) {
  // One swept key: the legend lists its values under its name; else each trial's key=value list.
  const auto& first_values = plan.trials.front().values;
  const bool one_key = trials.size() > 1 && first_values.size() == 1;
  std::vector<LrFindTrialCurve> curves;
  for (const LrTrialSuggestion& trial : trials) {
    const auto& values = plan.trials[static_cast<std::size_t>(trial.trial)].values;
    const std::string name = trials.size() == 1 ? plan.name
                             : one_key          ? values.front().second
                                                : fmt::format("trial {}: {}", trial.trial, trial_label(plan, trial.trial));
    LrFindTrialCurve curve{.name = name, .rates = {}, .members = {}, .steepest = trial.steepest, .minimum_over_10 = trial.minimum_over_10};
    if (curve.name.size() > 60) curve.name = curve.name.substr(0, 57) + "...";
    for (const Index m : trial.members) {
      const LrCurve& member = test.members[static_cast<std::size_t>(m)].curve;
      if (member.rates.size() > curve.rates.size()) curve.rates = member.rates;
      curve.members.push_back(member.smoothed);
    }
    curves.push_back(std::move(curve));
  }
  const Figure figure = lr_find_chart(curves, fmt::format("{}: LR range test", plan.name), one_key ? first_values.front().first : "");
  save_png(figure, directory / "lr-find.png");
  save_svg(figure, directory / "lr-find.svg");
}

}  // namespace

int command_lr_find(const LrFindFlags& flags) {
  const LrRangeTestOptions options = checked_options(flags);
  const Plan plan = plan_experiment(flags.experiment, flags.overrides, /*force=*/true);
  set_thread_count(flags.threads);
  fmt::print(stderr, "nnlab: lr-find {}: {} member(s) in {} population(s), {} steps from {} to {} ({}), smoothing {}, stop above {} x the minimum\n",
             plan.name, plan.members(), plan.populations.size(), options.steps, options.start, options.end, flags.mode, options.smoothing,
             options.diverge);
  PlanData data;
  const LrRangeTest test = run_lr_range_test(plan, options, data);
  for (const Index population : test.full_batch_populations)
    fmt::print(stderr, "nnlab: note: population {} trains on the full batch: each step is one pass over the whole training set\n", population);
  const std::vector<LrTrialSuggestion> trials = trial_suggestions(test);
  fmt::print("{}", tables(plan, test, trials, flags.members));

  std::error_code error;
  std::filesystem::create_directories(flags.out, error);
  if (error) throw InputError(fmt::format("--out {}: cannot create the directory: {}", flags.out, error.message()));
  write_csv(test, std::filesystem::path(flags.out) / "lr-find.csv");
  draw(plan, test, trials, flags.out);
  fmt::print(stderr, "nnlab: {:.1f} s of training; curves in {}/lr-find.csv, figure {}/lr-find.png and .svg\n", test.seconds, flags.out, flags.out);
  if (!flags.no_store) {
    RunStore store(store_path(flags.store));
    const RunId run = record_lr_range_test(store, plan, test);
    fmt::print(stderr, "nnlab: recorded as run {} in {} (series lr_find_rate, lr_find_loss, lr_find_smoothed by step)\n", run,
               store.file().string());
  }
  return 0;
}

}  // namespace nnlab
