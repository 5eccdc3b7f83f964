// Linked sweep parameters, `sweep.zip`: keys that vary together (trial i takes the i-th value of
// each), alone, with a grid, with random search; populations, summaries and bad input.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "experiment/config.hpp"
#include "experiment/plan.hpp"
#include "experiment/runner.hpp"
#include "experiment/summary.hpp"

namespace nnlab {
namespace {

const std::string base = R"(
name: zip
seed: 5
replicates: 2
data: {train: {source: mirror, bits: 6}}
model:
  layers: [{type: dense, units: 2, activation: sigmoid}, {type: dense, units: 1, activation: sigmoid}]
  init: {weight: {uniform: [-0.3, 0.3]}, bias: {uniform: [-0.3, 0.3]}}
loss: sse
optimizer: {type: sgd, lr: 0.1, momentum: 0.9}
train: {epochs: 5, batch: full, order: fixed}
)";

Plan plan_of(const std::string& sweep) { return plan_experiment_text(base + sweep, "zip.yaml", {}); }

std::string error_of(const std::string& sweep) {
  try {
    plan_of(sweep);
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

using Values = std::vector<std::pair<std::string, std::string>>;

std::vector<Values> values_of(const Plan& plan) {
  std::vector<Values> trials;
  for (std::size_t t = 0; t < plan.trials.size(); ++t) trials.push_back(plan.trials[t].values);
  return trials;
}

TEST(SweepZip, ZippedKeysVaryTogether) {
  const Plan plan = plan_of("sweep: {zip: {optimizer.lr: [0.01, 0.02, 0.04], optimizer.momentum: [0, 0.5, 0.9]}}");
  const std::vector<Values> expected = {{{"optimizer.lr", "0.01"}, {"optimizer.momentum", "0"}},
                                        {{"optimizer.lr", "0.02"}, {"optimizer.momentum", "0.5"}},
                                        {{"optimizer.lr", "0.04"}, {"optimizer.momentum", "0.9"}}};
  EXPECT_EQ(values_of(plan), expected);
  const double lr[] = {0.01, 0.02, 0.04}, momentum[] = {0, 0.5, 0.9};
  for (Index t = 0; t < 3; ++t) {
    EXPECT_DOUBLE_EQ(plan.trial_config(t).optimizer.lr, lr[t]);
    EXPECT_DOUBLE_EQ(plan.trial_config(t).optimizer.momentum, momentum[t]);
    EXPECT_DOUBLE_EQ(plan.parsed_trial_config(t).optimizer.lr, lr[t]);
  }
  // Scalars only: one population, varying in both keys.
  ASSERT_EQ(plan.populations.size(), 1u);
  EXPECT_EQ(plan.populations[0].varying, (std::vector<std::string>{"optimizer.lr", "optimizer.momentum"}));
  EXPECT_EQ(plan.members(), 6);
}

// Every grid point with every zip position, the zip position varying fastest.
TEST(SweepZip, GridTimesZip) {
  const Plan plan = plan_of(R"(
sweep:
  parameters:
    model.layers.0.activation: [sigmoid, tanh]
  zip:
    optimizer.lr: [0.1, 0.2, 0.4]
    optimizer.momentum: [0, 0.5, 0.9]
)");
  ASSERT_EQ(plan.trials.size(), 6u);
  const std::vector<std::string> activation = {"sigmoid", "sigmoid", "sigmoid", "tanh", "tanh", "tanh"};
  const std::vector<std::string> lr = {"0.1", "0.2", "0.4", "0.1", "0.2", "0.4"}, momentum = {"0", "0.5", "0.9", "0", "0.5", "0.9"};
  for (std::size_t t = 0; t < 6; ++t)
    EXPECT_EQ(plan.trials[t].values,
              (Values{{"model.layers.0.activation", activation[t]}, {"optimizer.lr", lr[t]}, {"optimizer.momentum", momentum[t]}}))
        << "trial " << t;
  EXPECT_EQ(plan.trial_config(4).model.layers[0].activation.kind, ActivationKind::tanh);
  EXPECT_DOUBLE_EQ(plan.trial_config(4).optimizer.lr, 0.2);
  EXPECT_DOUBLE_EQ(plan.trial_config(4).optimizer.momentum, 0.5);
  ASSERT_EQ(plan.populations.size(), 2u);  // the activation is structural, the zip scalar
  EXPECT_EQ(plan.populations[1].trials, (std::vector<Index>{3, 4, 5}));
  // max_trials counts grid x zip.
  EXPECT_NE(error_of("sweep: {max_trials: 5, parameters: {model.layers.0.activation: [sigmoid, tanh]}, "
                     "zip: {optimizer.lr: [0.1, 0.2, 0.4]}}")
                .find("the grid has 6 trials"),
            std::string::npos);
}

// The batch size is structural: zipped with the learning rate, each position is its own population.
TEST(SweepZip, AZippedStructuralKeySplitsPopulations) {
  const Plan plan = plan_of("sweep: {zip: {train.batch: [8, 16, 32, 64], optimizer.lr: [0.0125, 0.025, 0.05, 0.1]}}");
  ASSERT_EQ(plan.trials.size(), 4u);
  ASSERT_EQ(plan.populations.size(), 4u);
  const Index batch[] = {8, 16, 32, 64};
  for (Index t = 0; t < 4; ++t) {
    EXPECT_EQ(plan.populations[static_cast<std::size_t>(t)].trials, std::vector<Index>{t});
    EXPECT_EQ(plan.trial_config(t).train.batch, batch[t]);
  }
  EXPECT_DOUBLE_EQ(plan.trial_config(3).optimizer.lr, 0.1);
  EXPECT_NE(describe_plan(plan).find("4 population(s)"), std::string::npos);
}

// Random search draws one zip position per trial, for all zipped keys at once.
TEST(SweepZip, RandomSearchSamplesTheZipAsOneUnit) {
  const std::string sweep = R"(
sweep:
  method: random
  count: 40
  parameters:
    optimizer.momentum: {min: 0.0, max: 0.9}
  zip:
    optimizer.lr: [0.1, 0.2, 0.4]
    model.layers.0.units: [2, 3, 4]
)";
  const Plan a = plan_of(sweep), b = plan_of(sweep);
  ASSERT_EQ(a.trials.size(), 40u);
  EXPECT_EQ(values_of(a), values_of(b));
  const std::map<std::string, std::string> units_of_lr = {{"0.1", "2"}, {"0.2", "3"}, {"0.4", "4"}};
  std::set<std::string> seen;
  for (std::size_t t = 0; t < a.trials.size(); ++t) {
    const Values& values = a.trials[t].values;
    ASSERT_EQ(values.size(), 3u);
    EXPECT_EQ(values[1].first, "optimizer.lr");
    EXPECT_EQ(values[2].second, units_of_lr.at(values[1].second)) << "trial " << t;
    seen.insert(values[1].second);
  }
  EXPECT_EQ(seen.size(), 3u);
  EXPECT_EQ(a.populations.size(), 3u);  // units are structural
  // A zip alone is a random search too.
  EXPECT_EQ(plan_of("sweep: {method: random, count: 7, zip: {optimizer.lr: [0.1, 0.2]}}").trials.size(), 7u);
}

TEST(SweepZip, BadZipsNameTheKey) {
  EXPECT_EQ(error_of("sweep: {zip: {train.batch: [32, 64, 128, 256], optimizer.lr: [0.01, 0.02, 0.04]}}"),
            "zip.yaml: sweep.zip.optimizer.lr: 3 values, but sweep.zip.train.batch has 4");
  EXPECT_EQ(error_of("sweep: {zip: {train.batch: [], optimizer.lr: []}}"), "zip.yaml: sweep.zip.train.batch: an empty list of values");
  EXPECT_EQ(error_of("sweep: {parameters: {optimizer.lr: [0.1, 0.2]}, zip: {train.batch: [8, 16], optimizer.lr: [0.1, 0.2]}}"),
            "zip.yaml: sweep.zip.optimizer.lr: also in sweep.parameters; a key is either zipped or a grid parameter");
  EXPECT_EQ(error_of("sweep: {zip: {optimizer.lr: [0.1], optimizer.lr: [0.2]}}"), "zip.yaml: sweep.zip.optimizer.lr: duplicate key");
  EXPECT_EQ(error_of("sweep: {zip: {optimizer.lr: 0.1}}"), "zip.yaml: sweep.zip.optimizer.lr: expected a list of values");
  EXPECT_NE(error_of("sweep: {zip: []}").find("sweep.zip: expected a map"), std::string::npos);
  EXPECT_NE(error_of("sweep: {}").find("parameters"), std::string::npos);
  EXPECT_NE(error_of("sweep: {zip: {optimizer.*: [0.5]}}").find("sweep.zip.optimizer.*: cannot be set"), std::string::npos);
  EXPECT_NE(error_of("sweep: {zip: {replicates: [2, 3]}}").find("sweep.zip.replicates: replicates cannot be swept"), std::string::npos);
}

// The summary (text and JSON) lists both zipped keys with each trial, like grid keys.
TEST(SweepZip, TheSummaryListsEveryZippedKeyPerTrial) {
  const Plan plan = plan_of("sweep: {zip: {train.batch: [16, 32], optimizer.lr: [0.05, 0.1]}}");
  const RunSummary summary = run_plan(plan);
  ASSERT_EQ(summary.trials.size(), 2u);
  EXPECT_EQ(summary.trials[1].values, (Values{{"train.batch", "32"}, {"optimizer.lr", "0.1"}}));
  const nlohmann::json document = nlohmann::json::parse(to_json(summary));
  EXPECT_EQ(document["trials"][0]["parameters"], (nlohmann::json{{"train.batch", "16"}, {"optimizer.lr", "0.05"}}));
  EXPECT_EQ(document["trials"][1]["parameters"], (nlohmann::json{{"train.batch", "32"}, {"optimizer.lr", "0.1"}}));
  for (const auto& member : document["members"]) {
    const Index trial = member["trial"].get<Index>();
    EXPECT_EQ(member["hyperparameters"]["train.batch"], trial == 0 ? 16 : 32);
    EXPECT_EQ(member["hyperparameters"]["optimizer.lr"], trial == 0 ? 0.05 : 0.1);
  }
  const std::string text = to_text(summary);
  EXPECT_NE(text.find("train.batch=16"), std::string::npos) << text;
  EXPECT_NE(text.find("optimizer.lr=0.1"), std::string::npos) << text;
}

// The resolved config keeps sweep.zip, and planning it again gives the same trials.
TEST(SweepZip, ResolvedYamlReadsBackToTheSamePlan) {
  const std::string sweep = "sweep: {parameters: {optimizer.momentum: [0, 0.9]}, zip: {train.batch: [8, 16], optimizer.lr: [0.05, 0.1]}}";
  const ExperimentConfig config = parse_experiment(base + sweep, "zip.yaml");
  const Plan first = plan_of(sweep), again = plan_experiment_text(config.resolved_yaml, "zip.yaml", {});
  ASSERT_EQ(first.trials.size(), 4u);
  EXPECT_EQ(values_of(again), values_of(first));
  EXPECT_EQ(again.populations.size(), first.populations.size());
}

}  // namespace
}  // namespace nnlab
