#include "experiment/lr_range_test.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "core/error.hpp"
#include "core/statistics.hpp"
#include "experiment/hyperparameters.hpp"
#include "experiment/plan_data.hpp"
#include "experiment/runner.hpp"
#include "nn/loss.hpp"
#include "nn/model.hpp"
#include "optim/optimizer.hpp"
#include "store/store.hpp"
#include "train/trainer.hpp"

namespace nnlab {
namespace {

using nlohmann::json;

// The median of the finite values; NaN when there are none.
double finite_median(std::vector<double> values) {
  std::erase_if(values, [](double v) { return !std::isfinite(v); });
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(values.begin(), values.end());
  return quantile_of_sorted(values, 0.5);
}

json number_or_null(double value) { return std::isfinite(value) ? json(value) : json(nullptr); }

// The training settings of a range test: as long as `steps` batches, measuring nothing the test
// does not read (one training example for the epoch-end metrics, no held-out sets), and no
// criterion that could stop a member besides the test's own.
TrainConfig range_test_training(TrainConfig train, std::int64_t steps, Index examples) {
  const Index batch = train.batch == 0 ? examples : std::min(train.batch, examples);
  train.epochs = epochs_for_steps(steps, (examples + batch - 1) / batch);
  train.log_every = train.epochs;
  train.metrics_subset = 1;
  train.keep_history = false;
  train.checkpoint_every = 0;
  train.snapshot_epochs.clear();
  train.early_stopping.reset();
  train.prune.reset();  // the dense network's range (a control twin trains as another seed)
  train.schedule_restart = 0;
  if (train.adversarial) train.adversarial->eval_eps.clear();  // held out; adversarial training stays the objective
  return train;
}

}  // namespace

ScheduleSpec range_test_schedule(const LrRangeTestOptions& options) {
  ScheduleSpec schedule{.kind = ScheduleKind::range_test, .unit = ScheduleUnit::step};
  schedule.range_start = options.start;
  schedule.range_end = options.end;
  schedule.range_steps = options.steps;
  schedule.range_mode = options.mode;
  return schedule;
}

LrRangeTest run_lr_range_test(const Plan& plan, const LrRangeTestOptions& options, PlanData& plan_data) {
  const LrFinderOptions finder{.steps = options.steps, .smoothing = options.smoothing, .diverge = options.diverge};
  const ScheduleSpec schedule = range_test_schedule(options);
  try {
    validate(finder);
    validate(schedule);
  } catch (const std::invalid_argument& error) {
    throw InputError(fmt::format("--{}", error.what()));
  }
  LrRangeTest test{.options = options, .members = {}, .full_batch_populations = {}, .seconds = 0.0};
  for (const PlannedPopulation& population : plan.populations) {
    const ExperimentConfig head = plan.trial_config(population.trials.front());
    const ExperimentData& data = plan_data.of(plan, population);
    // The members run_plan would train, each following the range test's rate instead of its
    // schedule (per-layer multipliers still apply).
    PopulationMembers members = population_members(plan, population, data.train);
    const auto first = static_cast<Index>(test.members.size());
    for (std::size_t m = 0; m < members.setups.size(); ++m) {
      members.setups[m].base_lr = options.start;
      members.setups[m].schedule = schedule;
      test.members.push_back(LrRangeMember{.member = static_cast<Index>(test.members.size()), .trial = members.member_trial[m],
                                           .population = population.index, .seed = members.seeds[m], .curve = {}, .suggestion = {}});
    }
    const auto loss = make_loss<float>(members.losses);
    const std::unique_ptr<Sequential<float>> built = population_model(head, members, loss->takes_logits(), data.train);
    Sequential<float>& model = *built;
    const auto optimizer = make_optimizer(members.optimizers);
    const Index examples = data.train.size();
    if (head.train.batch == 0 || head.train.batch >= examples) test.full_batch_populations.push_back(population.index);
    Trainer trainer(model, *loss, *optimizer, members.setups, range_test_training(head.train, options.steps, examples), SuccessConfig{});
    LrFinderHook finder_hook(finder);
    TrainingHook* const hooks[] = {&finder_hook};
    const auto started = std::chrono::steady_clock::now();
    trainer.fit(TrainingData{&data.train, nullptr, nullptr}, FitOptions{.hooks = hooks});
    test.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    for (std::size_t m = 0; m < finder_hook.curves().size(); ++m) {
      LrRangeMember& member = test.members[static_cast<std::size_t>(first) + m];
      member.curve = finder_hook.curves()[m];
      member.suggestion = suggest_learning_rates(member.curve, options.steps);
    }
  }
  return test;
}

std::vector<LrTrialSuggestion> trial_suggestions(const LrRangeTest& test) {
  std::vector<LrTrialSuggestion> trials;
  for (std::size_t m = 0; m < test.members.size(); ++m) {
    const Index trial = test.members[m].trial;
    auto found = std::ranges::find(trials, trial, &LrTrialSuggestion::trial);
    if (found == trials.end()) found = trials.insert(trials.end(), LrTrialSuggestion{.trial = trial});
    found->members.push_back(static_cast<Index>(m));
  }
  for (LrTrialSuggestion& trial : trials) {
    std::vector<double> steepest, minimum;
    for (const Index m : trial.members) {
      steepest.push_back(test.members[static_cast<std::size_t>(m)].suggestion.steepest);
      minimum.push_back(test.members[static_cast<std::size_t>(m)].suggestion.minimum_over_10());
    }
    trial.steepest = finite_median(steepest);
    trial.minimum_over_10 = finite_median(minimum);
  }
  return trials;
}

RunId record_lr_range_test(RunStore& store, const Plan& plan, const LrRangeTest& test) {
  const ExperimentConfig first_config = plan.trial_config(0);
  const RunId run = store.begin_run(RunStart{.name = plan.name + ":lr-find", .config_path = first_config.file.string(),
                                             .resolved_config = first_config.resolved_yaml, .nnlab_version = "0.1.0",
                                             .config_git_commit = std::nullopt});
  try {
    const LrRangeTestOptions& o = test.options;
    for (const PlannedPopulation& population : plan.populations) {
      const ExperimentConfig head = plan.trial_config(population.trials.front());
      std::vector<MemberStart> starts;
      for (const LrRangeMember& member : test.members)
        if (member.population == population.index)
          starts.push_back(MemberStart{.member = member.member, .population = population.index, .seed = member.seed,
                                       .hyperparameters_json = member_hyperparameters_json(plan, member.trial)});
      std::string description = fmt::format("lr-find over {} steps, {} to {} ({}); {} layers, batch {}", o.steps, o.start, o.end,
                                            o.mode == RangeMode::linear ? "linear" : "exp", head.model.layers.size(),
                                            head.train.batch == 0 ? std::string("full") : std::to_string(head.train.batch));
      if (!population.varying.empty())
        for (std::size_t k = 0; k < population.varying.size(); ++k) description += (k ? " " : "; varies ") + population.varying[k];
      store.add_population_with_members(run, PopulationInfo{.population = population.index, .description = description}, starts);
    }
    json members = json::array();
    std::vector<MemberOutcome> outcomes;
    for (const LrRangeMember& member : test.members) {
      std::vector<Epoch> steps(member.curve.rates.size());
      for (std::size_t i = 0; i < steps.size(); ++i) steps[i] = static_cast<Epoch>(i);
      const auto as_floats = [](const std::vector<double>& values) { return std::vector<float>(values.begin(), values.end()); };
      store.append_series(run, member.member, "lr_find_rate", steps, as_floats(member.curve.rates));
      store.append_series(run, member.member, "lr_find_loss", steps, as_floats(member.curve.losses));
      store.append_series(run, member.member, "lr_find_smoothed", steps, as_floats(member.curve.smoothed));
      const LrSuggestion& s = member.suggestion;
      const json entry = {{"member", member.member},
                          {"trial", member.trial},
                          {"population", member.population},
                          {"seed", member.seed},
                          {"steps", member.curve.rates.size()},
                          {"stop", lr_stop_name(member.curve.stop)},
                          {"steepest", number_or_null(s.steepest)},
                          {"minimum", number_or_null(s.minimum)},
                          {"minimum_loss", number_or_null(s.minimum_loss)},
                          {"minimum_over_10", number_or_null(s.minimum_over_10())}};
      outcomes.push_back(MemberOutcome{.member = member.member, .result_json = entry.dump(), .status = RunStatus::finished});
      members.push_back(entry);
    }
    json trials = json::array();
    for (const LrTrialSuggestion& trial : trial_suggestions(test)) {
      json values = json::object();
      for (const auto& [key, value] : plan.trials[static_cast<std::size_t>(trial.trial)].values) values[key] = value;
      trials.push_back({{"trial", trial.trial},
                        {"population", test.members[static_cast<std::size_t>(trial.members.front())].population},
                        {"parameters", values},
                        {"members", trial.members.size()},
                        {"steepest", number_or_null(trial.steepest)},
                        {"minimum_over_10", number_or_null(trial.minimum_over_10)}});
    }
    const json summary = {{"name", plan.name},
                          {"lr_find",
                           {{"start", o.start},
                            {"end", o.end},
                            {"steps", o.steps},
                            {"mode", o.mode == RangeMode::linear ? "linear" : "exp"},
                            {"smoothing", o.smoothing},
                            {"diverge", o.diverge},
                            {"seconds", test.seconds}}},
                          {"trials", trials},
                          {"members", members}};
    store.set_member_results(run, outcomes);
    store.finish_run(run, RunStatus::finished, summary.dump());
  } catch (...) {
    store.finish_run(run, RunStatus::failed, "");
    throw;
  }
  return run;
}

}  // namespace nnlab
