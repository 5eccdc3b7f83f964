// Planning without a tree per trial: a 100,000-trial grid plans in moments, and the configs
// made by copying scalar values equal the ones parsing each trial's tree gives.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <chrono>

#include "core/error.hpp"
#include "experiment/plan.hpp"

namespace nnlab {
namespace {

const std::string base = R"(
name: scale
seed: 5
data: {train: {source: mirror, bits: 6}}
model:
  layers: [{type: dense, units: 2, activation: sigmoid}, {type: dense, units: 1, activation: sigmoid}]
loss: sse
optimizer: {type: sgd, lr: 0.1, momentum: 0.9}
train: {epochs: 20, batch: full, order: fixed}
)";

std::string error_of(const std::string& sweep) {
  try {
    plan_experiment_text(base + sweep, "plan.yaml");
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

// What trial_config copies must be what parsing the trial gives, field by field.
void expect_same_as_parsed(const Plan& plan) {
  for (Index t = 0; t < static_cast<Index>(plan.trials.size()); ++t) {
    SCOPED_TRACE(fmt::format("trial {}", t));
    const ExperimentConfig copied = plan.trial_config(t), parsed = plan.parsed_trial_config(t);
    EXPECT_EQ(copied.seed, parsed.seed);
    EXPECT_EQ(copied.optimizer, parsed.optimizer);
    EXPECT_EQ(copied.loss.class_weights, parsed.loss.class_weights);
    EXPECT_EQ(copied.train.clip_norm, parsed.train.clip_norm);
    EXPECT_EQ(copied.train.clip_value, parsed.train.clip_value);
    EXPECT_EQ(copied.train.epochs, parsed.train.epochs);
    EXPECT_EQ(copied.schedule.gamma, parsed.schedule.gamma);
    EXPECT_EQ(copied.schedule.step_size, parsed.schedule.step_size);
    ASSERT_EQ(copied.model.layers.size(), parsed.model.layers.size());
    for (std::size_t l = 0; l < parsed.model.layers.size(); ++l) {
      EXPECT_EQ(copied.model.layers[l].units, parsed.model.layers[l].units);
      EXPECT_EQ(copied.model.layers[l].activation.steepness, parsed.model.layers[l].activation.steepness);
    }
    bool first_of_population = false;
    for (const auto& population : plan.populations) first_of_population = first_of_population || population.trials.front() == t;
    EXPECT_EQ(copied.resolved_yaml, first_of_population ? parsed.resolved_yaml : "");
  }
}

TEST(PlanScale, AHundredThousandTrialGridPlansQuickly) {
  // 300 x 334 = 100,200 trials: before, every trial was a YAML tree, parsed and emitted and
  // kept with its config (30,000 trials took 20 s, 100,000 took 300 s and 260 MB).
  std::string rates, momenta;
  for (int i = 0; i < 300; ++i) rates += fmt::format("{}{}", i ? ", " : "", (i + 1) / 1000.0);
  for (int j = 0; j < 334; ++j) momenta += fmt::format("{}{}", j ? ", " : "", j / 400.0);
  const std::string sweep = fmt::format("sweep:\n  max_trials: 200000\n  parameters:\n    optimizer.lr: [{}]\n    optimizer.momentum: [{}]\n",
                                        rates, momenta);
  const auto start = std::chrono::steady_clock::now();
  const Plan plan = plan_experiment_text(base + sweep, "plan.yaml");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 20.0);  // a loose bound: about 0.1 s on the development machine
  ASSERT_EQ(plan.trials.size(), 100200u);
  ASSERT_EQ(plan.populations.size(), 1u);
  EXPECT_EQ(plan.populations[0].trials.size(), 100200u);
  EXPECT_EQ(plan.populations[0].varying, (std::vector<std::string>{"optimizer.lr", "optimizer.momentum"}));
  for (const Index t : {Index{0}, Index{333}, Index{334}, Index{55555}, Index{100199}}) {
    SCOPED_TRACE(fmt::format("trial {}", t));
    const std::size_t i = static_cast<std::size_t>(t / 334), j = static_cast<std::size_t>(t % 334);
    const PlannedTrial trial = plan.trials[static_cast<std::size_t>(t)];
    EXPECT_EQ(trial.index, t);
    EXPECT_EQ(trial.values, (std::vector<std::pair<std::string, std::string>>{{"optimizer.lr", fmt::format("{}", (i + 1) / 1000.0)},
                                                                              {"optimizer.momentum", fmt::format("{}", j / 400.0)}}));
    const ExperimentConfig config = plan.trial_config(t);
    EXPECT_EQ(config.optimizer.lr, (i + 1) / 1000.0);
    EXPECT_EQ(config.optimizer.momentum, j / 400.0);
    EXPECT_EQ(config.model.layers.size(), 2u);
    const ExperimentConfig parsed = plan.parsed_trial_config(t);
    EXPECT_EQ(config.optimizer, parsed.optimizer);
  }
  EXPECT_EQ(plan.members(), 100200);
  EXPECT_EQ(describe_plan(plan),
            "scale: 100200 trial(s) x 1 replicate(s) = 100200 member(s) in 1 population(s)\n"
            "  population 0: 100200 trial(s) x 1 seed(s) = 100200 members; varies optimizer.lr, optimizer.momentum\n");
}

TEST(PlanScale, CopiedScalarValuesEqualParsedOnes) {
  // Structural keys (units) make groups; every scalar kind is copied within them.
  const Plan grid = plan_experiment_text(base + R"(
sweep:
  parameters:
    model.layers.0.units: [2, 3]
    optimizer.lr: [0.05, 0.5]
    optimizer.momentum: [0, 0.9]
    optimizer.dampening: [0, 0.25]
    optimizer.weight_decay: [0, 0.001]
    optimizer.layer_lr: [[1, 1], [0.5, 2]]
    model.layers.*.steepness: [0.5, 2]
    loss.class_weights: [[1, 1], [1, 7]]
    train.clip_norm: [0, 1.5]
    schedule.gamma: [0.5, 0.9]
)", "plan.yaml", {"schedule={type: step, step_size: 3}", "train.clip_value=0.25"});
  EXPECT_EQ(grid.trials.size(), 1024u);
  EXPECT_EQ(grid.populations.size(), 2u);
  expect_same_as_parsed(grid);
  // Two keys on one field (both steepness) are parsed, not copied: of two keys as deep, the
  // one written later wins.
  const Plan overlapping = plan_experiment_text(base + R"(
sweep:
  parameters:
    model.layers.1.steepness: [3, 4]
    model.layers.*.steepness: [0.5, 2]
    optimizer.lr: [0.1, 0.2]
)", "plan.yaml");
  expect_same_as_parsed(overlapping);
  EXPECT_EQ(overlapping.trial_config(0).model.layers[1].activation.steepness, 0.5);
  EXPECT_EQ(overlapping.trial_config(2).model.layers[1].activation.steepness, 2.0);
  // Random draws: every sampled value is new, and each trial is parsed once.
  const Plan random = plan_experiment_text(base + R"(
sweep:
  method: random
  count: 40
  parameters:
    optimizer.lr: {min: 0.001, max: 1.0, distribution: log_uniform}
    model.layers.0.units: {min: 2, max: 4, distribution: int_uniform}
    model.layers.0.steepness: [0.5, 1, 2]
)", "plan.yaml");
  EXPECT_EQ(random.populations.size(), 3u);
  expect_same_as_parsed(random);
}

TEST(PlanScale, ABadValueNamesTheFirstTrialThatHasIt) {
  // Each value is checked once, in the first trial that brings it: the trial and message are
  // the ones checking every trial gave.
  EXPECT_EQ(error_of("sweep: {parameters: {optimizer.lr: [0.1, -1], optimizer.momentum: [0.5, 0.6]}}"),
            "sweep trial 2 (optimizer.lr=-1, optimizer.momentum=0.5): plan.yaml: optimizer.lr: must be > 0, got -1");
  EXPECT_EQ(error_of("sweep: {parameters: {optimizer.lr: [0.1, 0.2], optimizer.momentum: [0.5, -1]}}"),
            "sweep trial 1 (optimizer.lr=0.1, optimizer.momentum=-1): plan.yaml: optimizer.momentum: must be >= 0, got -1");
  // A value is checked in each structure: momentum 0 is fine until nesterov needs more.
  EXPECT_EQ(error_of("sweep: {parameters: {optimizer.nesterov: [false, true], optimizer.momentum: [0.5, 0]}}"),
            "sweep trial 3 (optimizer.nesterov=true, optimizer.momentum=0): plan.yaml: optimizer.nesterov: needs momentum > 0 and dampening = 0");
}

}  // namespace
}  // namespace nnlab
