// Sweep planning: trials, grouping into populations, bad input; per-trial statistics.
#include "experiment/plan.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <set>

#include "core/error.hpp"
#include "experiment/runner.hpp"
#include "experiment/summary.hpp"
#include "store/store.hpp"
#include "support/scratch_directory.hpp"

namespace nnlab {
namespace {

const std::string base = R"(
name: plan
seed: 5
replicates: 3
data: {train: {source: mirror, bits: 6}}
model:
  layers: [{type: dense, units: 2, activation: sigmoid}, {type: dense, units: 1, activation: sigmoid}]
  init: {weight: {uniform: [-0.3, 0.3]}, bias: {uniform: [-0.3, 0.3]}}
loss: sse
optimizer: {type: sgd, lr: 0.1, momentum: 0.9}
train: {epochs: 20, batch: full, order: fixed}
success: {train_accuracy: 1.0}
)";

Plan plan_of(const std::string& sweep, const std::vector<std::string>& overrides = {}, bool force = false) {
  return plan_experiment_text(base + sweep, "plan.yaml", overrides, force);
}

std::string error_of(const std::string& sweep, const std::vector<std::string>& overrides = {}) {
  try {
    plan_of(sweep, overrides);
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

TEST(Plan, NoSweepIsOneTrialOnePopulation) {
  const Plan plan = plan_of("");
  EXPECT_EQ(plan.trials.size(), 1u);
  EXPECT_EQ(plan.populations.size(), 1u);
  EXPECT_EQ(plan.members(), 3);
  EXPECT_FALSE(plan.swept());
}

TEST(Plan, ScalarHyperparametersShareAPopulation) {
  const Plan plan = plan_of(R"(
sweep:
  parameters:
    optimizer.lr: [0.05, 0.1, 0.5]
    optimizer.momentum: [0.0, 0.9]
    model.layers.0.steepness: [0.5, 1.0]
    model.init.weight: [{uniform: 0.3}, {uniform: 1.0}]
    loss.class_weights: [[1, 1], [1, 7]]
)");
  EXPECT_EQ(plan.trials.size(), 3u * 2 * 2 * 2 * 2);
  ASSERT_EQ(plan.populations.size(), 1u);
  EXPECT_EQ(plan.populations[0].varying.size(), 5u);
  // Grid order: the last parameter varies fastest.
  EXPECT_EQ(plan.trials[0].values[4].second, "[1, 1]");
  EXPECT_EQ(plan.trials[1].values[4].second, "[1, 7]");
  EXPECT_EQ(plan.trial_config(1).loss.class_weights, (std::vector<double>{1, 7}));
  EXPECT_EQ(plan.trial_config(plan.trials.back().index).optimizer.lr, 0.5);
  EXPECT_EQ(plan.trial_config(plan.trials.back().index).model.layers[0].activation.steepness, 1.0);
}

// Dropout and noise scales are per-member scalars: a sweep over them is one population, whose
// members carry their own values (the trial configs parse them once; scalar_fields).
TEST(Plan, NoiseLayerScalesShareAPopulation) {
  const std::string noisy = R"(
name: noisy
data: {train: {source: mirror, bits: 6}}
model:
  layers:
    - {type: gaussian_noise, std: 0.1}
    - {type: dense, units: 2, activation: sigmoid}
    - {type: dropout, rate: 0.1}
    - {type: dense, units: 1, activation: sigmoid}
loss: sse
train: {epochs: 2, batch: full, order: fixed}
sweep:
  parameters:
    model.layers.2.rate: [0.0, 0.2, 0.5]
    model.layers.0.std: [0.0, 0.3]
)";
  const Plan plan = plan_experiment_text(noisy, "noisy.yaml", {}, false);
  EXPECT_EQ(plan.trials.size(), 6u);
  ASSERT_EQ(plan.populations.size(), 1u);
  EXPECT_EQ(plan.populations[0].varying, (std::vector<std::string>{"model.layers.2.rate", "model.layers.0.std"}));
  const ExperimentConfig last = plan.trial_config(plan.trials.back().index);
  EXPECT_EQ(last.model.layers[2].rate, 0.5);
  EXPECT_EQ(last.model.layers[0].std, 0.3);
  EXPECT_EQ(plan.trial_config(0).model.layers[2].rate, 0.0);
}

TEST(Plan, StructuralDifferencesSplitPopulations) {
  const Plan plan = plan_of(R"(
sweep:
  parameters:
    model.layers.0.activation: [sigmoid, tanh, silu]
    optimizer.lr: [0.1, 0.5]
    train.batch: [full, 16]
)");
  EXPECT_EQ(plan.trials.size(), 12u);
  ASSERT_EQ(plan.populations.size(), 6u);  // activation x batch
  for (const auto& population : plan.populations) {
    EXPECT_EQ(population.trials.size(), 2u);
    EXPECT_EQ(population.varying, std::vector<std::string>{"optimizer.lr"});
  }
  const std::string plan_text = describe_plan(plan);
  EXPECT_NE(plan_text.find("6 population(s)"), std::string::npos) << plan_text;
}

// A step's levels and straight-through estimator are different computations: structure.
TEST(Plan, StepEstimatorsAreStructural) {
  const Plan plan = plan_of("sweep: {parameters: {model.layers.0.straight_through: [identity, sigmoid, hard_tanh]}}\n",
                            {"model.layers.0.activation=step", "model.layers.0.levels=sign"});
  ASSERT_EQ(plan.populations.size(), 3u);
  const ActivationSpec& hidden = plan.trial_config(1).model.layers[0].activation;
  EXPECT_EQ(hidden.kind, ActivationKind::step);
  EXPECT_EQ(hidden.levels, StepLevels::sign);
  EXPECT_EQ(hidden.straight_through, StraightThrough::sigmoid);
  EXPECT_EQ(plan.trial_config(0).model.layers[1].activation.levels, StepLevels::binary);  // the default
}

TEST(Plan, OptimizerKindAndEpochsAreStructural) {
  const Plan plan = plan_of(R"(
sweep:
  parameters:
    optimizer.type: [sgd, rmsprop]
    train.epochs: [10, 20]
)", {"optimizer.momentum=0"});
  EXPECT_EQ(plan.populations.size(), 4u);
}

TEST(Plan, RandomSearchIsDeterministicAndInRange) {
  const std::string sweep = R"(
sweep:
  method: random
  count: 50
  parameters:
    optimizer.lr: {min: 0.001, max: 1.0, distribution: log_uniform}
    optimizer.momentum: {min: 0.0, max: 0.95}
    model.layers.0.units: {min: 2, max: 4, distribution: int_uniform}
)";
  const Plan a = plan_of(sweep), b = plan_of(sweep);
  ASSERT_EQ(a.trials.size(), 50u);
  std::set<Index> units;
  for (Index t = 0; t < static_cast<Index>(a.trials.size()); ++t) {
    const ExperimentConfig config = a.trial_config(t);
    EXPECT_EQ(config.optimizer.lr, b.trial_config(t).optimizer.lr);
    EXPECT_GE(config.optimizer.lr, 0.001);
    EXPECT_LE(config.optimizer.lr, 1.0);
    EXPECT_GE(config.optimizer.momentum, 0.0);
    EXPECT_LE(config.optimizer.momentum, 0.95);
    units.insert(config.model.layers[0].units);
  }
  EXPECT_EQ(units, (std::set<Index>{2, 3, 4}));
  EXPECT_EQ(a.populations.size(), 3u);  // units are structural
}

TEST(Plan, BadSweeps) {
  EXPECT_NE(error_of("sweep: {parameters: {optimizer.lrr: [0.1]}}").find("lrr"), std::string::npos);
  EXPECT_NE(error_of("sweep: {parameters: {optimizer.lr: []}}").find("sweep.parameters.optimizer.lr: an empty list"), std::string::npos);
  EXPECT_NE(error_of("sweep: {method: random, count: 3, parameters: {optimizer.lr: {min: 1, max: 0.1}}}").find("min 1 > max 0.1"),
            std::string::npos);
  EXPECT_NE(error_of("sweep: {method: random, parameters: {optimizer.lr: [0.1]}}").find("sweep.count"), std::string::npos);
  EXPECT_NE(error_of("sweep: {method: grid, parameters: {optimizer.lr: {min: 0.1, max: 1}}}").find("method: random"), std::string::npos);
  EXPECT_NE(error_of("sweep: {method: sideways, parameters: {optimizer.lr: [0.1]}}").find("sweep.method"), std::string::npos);
  EXPECT_NE(error_of("sweep: {parameters: {optimizer.lr: [-1]}}").find("optimizer.lr"), std::string::npos);
  EXPECT_NE(error_of("", {"replicates=0"}).find("replicates"), std::string::npos);
  const std::string huge = "sweep: {max_trials: 10, parameters: {optimizer.lr: [0.1, 0.2, 0.3, 0.4], optimizer.momentum: [0, 0.5, 0.9]}}";
  EXPECT_NE(error_of(huge).find("--force"), std::string::npos);
  EXPECT_EQ(plan_of(huge, {}, true).trials.size(), 12u);
}

TEST(Plan, DuplicateSweepKeysAreRefused) {
  EXPECT_EQ(error_of("sweep: {parameters: {optimizer.lr: [0.1, 0.2], optimizer.lr: [0.3, 0.4, 0.5]}}"),
            "plan.yaml: sweep.parameters.optimizer.lr: duplicate key");
  EXPECT_EQ(error_of("sweep:\n  parameters:\n    optimizer.lr: [0.1]\n    optimizer.momentum: [0.5]\n    optimizer.lr: [0.2]\n"),
            "plan.yaml: sweep.parameters.optimizer.lr: duplicate key");
}

TEST(Plan, QuotedSweptNumbersAreStrings) {
  const std::string quoted = error_of("sweep: {parameters: {optimizer.lr: [0.1, \"0.2\"]}}");
  EXPECT_NE(quoted.find("optimizer.lr"), std::string::npos) << quoted;
  EXPECT_NE(quoted.find("expected a number, got \"0.2\" (quoted, so a string)"), std::string::npos) << quoted;
  const std::string bound = error_of("sweep: {method: random, count: 2, parameters: {optimizer.lr: {min: '0.1', max: 1}}}");
  EXPECT_EQ(bound, "plan.yaml: sweep.parameters.optimizer.lr.min: expected a number, got \"0.1\" (quoted, so a string)");
  // Sampled values and --set values are numbers.
  EXPECT_EQ(plan_of("sweep: {method: random, count: 2, parameters: {optimizer.lr: {min: 0.1, max: 1}}}", {"optimizer.momentum=0.5"})
                .trials.size(),
            2u);
}

TEST(Plan, MembersOfASweepTrainAsTheyWouldAlone) {
  const Plan plan = plan_of("sweep: {parameters: {optimizer.lr: [0.1, 0.3], model.layers.0.steepness: [0.5, 1.5]}}");
  const RunSummary together = run_plan(plan);
  ASSERT_EQ(together.members.size(), 12u);
  for (const auto& member : together.members) {
    // The config the trial's own tree parses to, trained alone.
    ExperimentConfig alone = plan.parsed_trial_config(member.trial);
    alone.seed = member.seed;
    alone.replicates = 1;
    const RunSummary single = run_experiment(alone);
    EXPECT_EQ(single.members[0].result.final_metrics.train_loss, member.result.final_metrics.train_loss) << "member " << member.member;
  }
}

// loss.l1 and loss.l2 are scalars: one population, each member with its own λ, recorded with it.
TEST(Plan, PenaltiesShareAPopulation) {
  const Plan plan = plan_of("sweep: {parameters: {loss.l1: [0, 0.001], loss.l2: [0, 0.01, 0.1]}}");
  ASSERT_EQ(plan.trials.size(), 6u);
  ASSERT_EQ(plan.populations.size(), 1u);
  EXPECT_EQ(plan.populations[0].varying, (std::vector<std::string>{"loss.l1", "loss.l2"}));
  const ExperimentConfig last = plan.trial_config(5), parsed = plan.parsed_trial_config(5);
  EXPECT_EQ(last.loss.l1, 0.001);
  EXPECT_EQ(last.loss.l2, 0.1);
  EXPECT_EQ(parsed.loss.l1, 0.001);
  EXPECT_EQ(parsed.loss.l2, 0.1);
  EXPECT_EQ(plan.trial_config(1).loss.l2, 0.01);
  EXPECT_EQ(plan.trial_config(1).loss.kind, LossKind::sse);  // `loss: sse` kept its type
}

// End to end: a member of a penalty sweep trains and records as it would alone, its λ recorded.
TEST(Plan, PenaltySweepMembersTrainAsTheyWouldAlone) {
  const Plan plan = plan_of("sweep: {parameters: {loss.l1: [0, 0.01], loss.l2: [0, 0.05]}}");
  const RunSummary together = run_plan(plan);
  ASSERT_EQ(together.members.size(), 12u);
  for (const auto& member : together.members) {
    SCOPED_TRACE(::testing::Message() << "member " << member.member);
    ExperimentConfig alone = plan.parsed_trial_config(member.trial);
    alone.seed = member.seed;
    alone.replicates = 1;
    const MemberResult single = run_experiment(alone).members[0].result;
    EXPECT_EQ(single.final_metrics.train_loss, member.result.final_metrics.train_loss);
    const double l1 = alone.loss.l1, l2 = alone.loss.l2;
    if (l1 == 0 && l2 == 0) {
      EXPECT_TRUE(std::isnan(member.result.final_metrics.penalty));
    } else {
      EXPECT_EQ(single.final_metrics.penalty, member.result.final_metrics.penalty);
      EXPECT_GT(member.result.final_metrics.penalty, 0.0);
    }
    const auto recorded = [&](const std::string& key) {
      for (const auto& [name, value] : member.hyperparameters)
        if (name == key) return value;
      return -1.0;
    };
    EXPECT_EQ(recorded("loss.l1"), l1);
    EXPECT_EQ(recorded("loss.l2"), l2);
  }
}

TEST(Plan, AStarSweepsEveryLayerAtOnce) {
  const Plan plan = plan_of("sweep: {parameters: {model.layers.*.steepness: [0.25, 0.5, 1, 2]}}");
  ASSERT_EQ(plan.trials.size(), 4u);
  ASSERT_EQ(plan.populations.size(), 1u);  // steepness is a scalar hyper-parameter
  EXPECT_EQ(plan.populations[0].varying, std::vector<std::string>{"model.layers.*.steepness"});
  const std::vector<double> expected{0.25, 0.5, 1.0, 2.0};
  for (Index t = 0; t < static_cast<Index>(plan.trials.size()); ++t) {
    const ExperimentConfig config = plan.parsed_trial_config(t);
    const YAML::Node resolved = YAML::Load(config.resolved_yaml);
    ASSERT_EQ(config.model.layers.size(), 2u);
    for (std::size_t layer = 0; layer < 2; ++layer) {
      EXPECT_EQ(config.model.layers[layer].activation.steepness, expected[t]) << "trial " << t << " layer " << layer;
      EXPECT_EQ(resolved["model"]["layers"][layer]["steepness"].as<double>(), expected[t]) << config.resolved_yaml;
    }
  }
  EXPECT_EQ(plan.trials[1].values, (std::vector<std::pair<std::string, std::string>>{{"model.layers.*.steepness", "0.5"}}));
}

TEST(Plan, AStarSweepWithAnUnknownKeyFails) {
  const std::string error = error_of("sweep: {parameters: {model.layers.*.steepnes: [0.5, 1]}}");
  EXPECT_NE(error.find("model.layers.0.steepnes: unknown key; did you mean 'steepness'?"), std::string::npos) << error;
  EXPECT_NE(error_of("sweep: {parameters: {optimizer.*: [0.5]}}").find("sweep.parameters.optimizer.*: cannot be set"), std::string::npos);
}

TEST(Plan, ListValuedSweepsAreLabelledOnOneLine) {
  const Plan plan = plan_of(R"(
sweep:
  parameters:
    model.layers:
      - - units: 2
          activation: sigmoid
        - units: 1
          activation: sigmoid
      - - units: 3
          activation: tanh
        - units: 1
          activation: sigmoid
)");
  ASSERT_EQ(plan.trials.size(), 2u);
  EXPECT_EQ(plan.populations.size(), 2u);
  EXPECT_EQ(plan.trials[0].values[0].second, "[{units: 2, activation: sigmoid}, {units: 1, activation: sigmoid}]");
  EXPECT_EQ(plan.trials[1].values[0].second, "[{units: 3, activation: tanh}, {units: 1, activation: sigmoid}]");
  EXPECT_EQ(plan.trial_config(1).model.layers[0].units, 3);
  // --plan: a header line and one line per population.
  const std::string text = describe_plan(plan);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 3) << text;
  EXPECT_NE(text.find("model.layers=[{units: 3, activation: tanh}, {units: 1, activation: sigmoid}]\n"), std::string::npos) << text;
  // The summary's trial parameters.
  const nlohmann::json summary = nlohmann::json::parse(to_json(run_plan(plan)));
  EXPECT_EQ(summary["trials"][1]["parameters"]["model.layers"], "[{units: 3, activation: tanh}, {units: 1, activation: sigmoid}]");
}

TEST(Plan, KeysInsideASweptStructureLandInEachTrialsStructure) {
  // model.layers is written first whatever the order in the file, then the star into it; a
  // --set key inside the swept layers is written into every trial's layers.
  const Plan plan = plan_of(R"(
sweep:
  parameters:
    model.layers.*.steepness: [0.5, 2]
    model.layers: [[{units: 2, activation: sigmoid}, {units: 1, activation: sigmoid}], [{units: 3, activation: sigmoid}, {units: 1, activation: sigmoid}]]
)", {"model.layers.*.bias=false"});
  ASSERT_EQ(plan.trials.size(), 4u);
  EXPECT_EQ(plan.populations.size(), 2u);
  for (const PlannedTrial& trial : plan.trials) {
    const double steepness = trial.values[0].second == "0.5" ? 0.5 : 2.0;
    const ExperimentConfig config = plan.parsed_trial_config(trial.index);
    for (const auto& layer : plan.trial_config(trial.index).model.layers) {
      EXPECT_EQ(layer.activation.steepness, steepness) << config.resolved_yaml;
      EXPECT_FALSE(layer.bias) << config.resolved_yaml;
    }
  }
  EXPECT_EQ(plan.trial_config(1).model.layers[0].units, 3);
  // A swept key still wins over the same key from --set.
  const Plan swept = plan_of("sweep: {parameters: {model.layers: [[{units: 2, activation: sigmoid}, {units: 1, activation: sigmoid}]], "
                             "model.layers.0.steepness: [3]}}",
                             {"model.layers.0.steepness=0.25"});
  EXPECT_EQ(swept.trial_config(0).model.layers[0].activation.steepness, 3.0);
}

TEST(Plan, SweptStructuralKeysAreRecordedWithEachMember) {
  const Plan plan = plan_of("sweep: {parameters: {train.batch: [full, 16], model.layers.0.activation: [sigmoid, tanh]}}");
  testing::ScratchDirectory scratch;
  RunStore store(scratch / "runs.db");
  const RunSummary summary = run_plan(plan, RunOptions{.store = &store});
  const RunRecord record = store.get_run(summary.run_id);
  ASSERT_EQ(record.members.size(), 12u);
  for (const MemberInfo& member : record.members) {
    const nlohmann::json hyper = nlohmann::json::parse(member.hyperparameters_json);
    const Index trial = summary.members[static_cast<std::size_t>(member.member)].trial;
    const ExperimentConfig config = plan.trial_config(trial);
    SCOPED_TRACE(member.hyperparameters_json);
    if (config.train.batch == 0) EXPECT_EQ(hyper["train.batch"], "full");
    else EXPECT_EQ(hyper["train.batch"], 16);  // a number stays a number
    EXPECT_EQ(hyper["model.layers.0.activation"], config.model.layers[0].activation.kind == ActivationKind::tanh ? "tanh" : "sigmoid");
    EXPECT_EQ(hyper["optimizer.lr"], 0.1);
  }
  // The --json summary's members say the same.
  const nlohmann::json document = nlohmann::json::parse(to_json(summary));
  for (const auto& member : document["members"]) {
    const ExperimentConfig config = plan.trial_config(member["trial"].get<Index>());
    if (config.train.batch == 0) EXPECT_EQ(member["hyperparameters"]["train.batch"], "full");
    else EXPECT_EQ(member["hyperparameters"]["train.batch"], 16);
    EXPECT_TRUE(member["hyperparameters"].contains("model.layers.0.activation"));
  }
}

TEST(Statistics, WilsonIntervalKnownValues) {
  // 30 of 100: 0.2189 .. 0.3958 (Wilson 1927; e.g. statsmodels proportion_confint(method="wilson")).
  const auto [low, high] = wilson_interval(30, 100);
  EXPECT_NEAR(low, 0.2189, 1e-4);
  EXPECT_NEAR(high, 0.3958, 1e-4);
  const auto [zero_low, zero_high] = wilson_interval(0, 20);
  EXPECT_EQ(zero_low, 0.0);
  EXPECT_NEAR(zero_high, 0.1611, 1e-4);
  const auto [all_low, all_high] = wilson_interval(10, 10);
  EXPECT_NEAR(all_low, 0.7225, 1e-4);
  EXPECT_NEAR(all_high, 1.0, 1e-12);  // exactly 1 in exact arithmetic
}

TEST(Statistics, QuantilesInterpolateLikeNumpy) {
  const Quantiles q = quantiles({4, 1, 3, 2, std::nan("")});
  EXPECT_EQ(q.count, 4);
  EXPECT_EQ(q.min, 1);
  EXPECT_EQ(q.max, 4);
  EXPECT_DOUBLE_EQ(q.median, 2.5);
  EXPECT_DOUBLE_EQ(q.q25, 1.75);
  EXPECT_DOUBLE_EQ(q.q75, 3.25);
}

TEST(Statistics, OutcomeClassesOfATrial) {
  RunSummary summary;
  summary.has_success_criterion = true;
  TrialSummary trial;
  trial.majority_fraction = 56.0 / 64.0;
  const std::vector<std::pair<double, bool>> finals = {{1.0, false}, {1.0, false}, {0.875, false}, {0.5, false}, {0.53125, false}, {0.75, false}, {0.0, true}};
  for (std::size_t i = 0; i < finals.size(); ++i) {
    MemberSummary member;
    member.member = static_cast<Index>(i);
    member.result.final_metrics.train_accuracy = finals[i].first;
    member.result.diverged = finals[i].second;
    if (finals[i].first == 1.0) member.result.success_epoch = 100 + static_cast<std::int64_t>(i);
    summary.members.push_back(member);
    trial.members.push_back(static_cast<Index>(i));
  }
  const TrialStatistics s = statistics_of(summary, trial);
  EXPECT_EQ(s.outcomes.perfect, 2);
  EXPECT_EQ(s.outcomes.plateau, 1);
  EXPECT_EQ(s.outcomes.near_half, 2);
  EXPECT_EQ(s.outcomes.other, 1);
  EXPECT_EQ(s.outcomes.diverged, 1);
  EXPECT_EQ(s.succeeded, 2);
  EXPECT_DOUBLE_EQ(s.epochs_to_success.median, 100.5);
}

TEST(MirrorSolution, RecognisesThePapersPattern) {
  // Weights in the spirit of Rumelhart et al. (1986), Fig. 1: mirrored pairs equal and
  // opposite, magnitudes 1:2:4, the two hidden units of opposite sign.
  const std::vector<float> hidden = {-14.2f, 7.1f, -3.6f, 3.6f, -7.1f, 14.2f,  //
                                     14.3f, -7.2f, 3.5f, -3.5f, 7.2f, -14.3f};
  const std::vector<float> hidden_bias = {-1.1f, -1.2f}, output = {-6.0f, -6.1f}, output_bias = {2.5f};
  EXPECT_TRUE(check_mirror_solution(hidden, hidden_bias, output, output_bias).matches_paper());
  std::vector<float> not_mirrored = hidden;
  not_mirrored[0] = -7.0f;
  const auto broken = check_mirror_solution(not_mirrored, hidden_bias, output, output_bias);
  EXPECT_FALSE(broken.mirrored);
  EXPECT_FALSE(broken.matches_paper());
  const std::vector<float> positive_bias = {1.0f, -1.0f};
  EXPECT_FALSE(check_mirror_solution(hidden, positive_bias, output, output_bias).hidden_biases_negative);
}

}  // namespace
}  // namespace nnlab
