// The run summary: time to success over all members (Kaplan–Meier, diverged members never
// succeed), succeeded-ever against successful-at-the-end, where the outcome histogram is
// defined, and the stated tolerance of the 1:2:4 solution check.
#include "experiment/summary.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "experiment/mirror_solution.hpp"
#include "experiment/runner.hpp"

namespace nnlab {
namespace {

using nlohmann::json;

struct Member {
  std::optional<std::int64_t> success_epoch;
  bool diverged = false;
  std::int64_t epochs_run = 100;
  double train_accuracy = 0.875;
};

// One trial of the given members, N = 100 configured epochs, with a success criterion.
RunSummary summary_of(const std::vector<Member>& members, double majority = 56.0 / 64.0, bool boolean_task = true) {
  RunSummary summary;
  summary.has_success_criterion = true;
  TrialSummary trial;
  trial.epochs = 100;
  trial.majority_fraction = majority;
  trial.boolean_task = boolean_task;
  for (std::size_t i = 0; i < members.size(); ++i) {
    MemberSummary m;
    m.member = static_cast<Index>(i);
    m.result.success_epoch = members[i].success_epoch;
    m.result.successful_at_end = members[i].success_epoch.has_value();
    m.result.diverged = members[i].diverged;
    m.result.epochs_run = members[i].epochs_run;
    m.result.final_metrics.train_accuracy = members[i].diverged ? std::nan("") : members[i].train_accuracy;
    if (members[i].success_epoch) m.result.final_metrics.train_accuracy = 1.0;
    summary.members.push_back(m);
    trial.members.push_back(static_cast<Index>(i));
  }
  summary.trials.push_back(trial);
  return summary;
}

// 10 members: successes at epochs 10, 20, 30; two diverged early (at 15 and 25); five ran
// to N = 100 without success. Diverged members are survivors to N, so the risk sets are
// 10, 9, 8 and S = 0.9, 0.8, 0.7 — the median (S <= 0.5) is not reached: "> 100".
// (Censoring the diverged at their last epochs instead would give 0.9, 0.7875, 0.675.)
std::vector<Member> fewer_than_half() {
  return {{.success_epoch = 10}, {.success_epoch = 20}, {.success_epoch = 30}, {.diverged = true, .epochs_run = 15},
          {.diverged = true, .epochs_run = 25}, {}, {}, {}, {}, {}};
}

TEST(Summary, TimeToSuccessWhenFewerThanHalfSucceed) {
  const RunSummary summary = summary_of(fewer_than_half());
  const TrialStatistics s = statistics_of(summary, summary.trials[0]);
  EXPECT_EQ(s.time_to_success.censored_at, 100);
  EXPECT_EQ(s.time_to_success.curve.events, 3);
  EXPECT_FALSE(s.time_to_success.median().has_value());
  EXPECT_EQ(s.time_to_success.q25(), 30.0);  // S(30) = 0.7 <= 0.75
  EXPECT_FALSE(s.time_to_success.q75().has_value());

  const json trial = json::parse(to_json(summary))["trials"][0];
  EXPECT_EQ(trial["epochs"], 100);
  EXPECT_EQ(trial["succeeded_ever"], 3);
  EXPECT_EQ(trial["successful_at_end"], 3);
  const json& t = trial["time_to_success"];
  EXPECT_TRUE(t["median"].is_null());
  EXPECT_EQ(t["q25"], 30);
  EXPECT_TRUE(t["q75"].is_null());
  EXPECT_EQ(t["censored_at"], 100);
  EXPECT_EQ(t["median_text"], "> 100");
  EXPECT_EQ(t["reached"], 3);
  // epochs_to_success stays the quantiles over the three that succeeded.
  EXPECT_EQ(trial["epochs_to_success"]["median"], 20.0);
  EXPECT_EQ(trial["epochs_to_success"]["count"], 3);
  const json aggregate = json::parse(to_json(summary))["aggregate"];
  EXPECT_EQ(aggregate["time_to_success"]["median_text"], "> 100");

  const std::string text = to_text(summary);
  EXPECT_NE(text.find("time to success over all 10 members (Kaplan–Meier): median > 100, quartiles 30 / > 100"), std::string::npos) << text;
  EXPECT_NE(text.find("among the 3 that succeeded: median 20"), std::string::npos) << text;
}

TEST(Summary, DivergedMembersNeverSucceed) {
  const RunSummary summary = summary_of(fewer_than_half());
  const SurvivalCurve& curve = statistics_of(summary, summary.trials[0]).time_to_success.curve;
  ASSERT_EQ(curve.steps.size(), 3u);
  EXPECT_EQ(curve.steps[1].at_risk, 9);  // the member diverged at 15 is still "at risk" at 20
  EXPECT_EQ(curve.steps[2].at_risk, 8);
  EXPECT_DOUBLE_EQ(curve.survival_at(20), 0.8);
  EXPECT_DOUBLE_EQ(curve.survival_at(99), 0.7);
}

TEST(Summary, MedianOverAllMembersWhenMostSucceed) {
  // Successes at 10, 20, 30, 40; one member stopped early (epochs_run 35) without success;
  // one ran to 100. Risk sets 6, 5, 4, (35 censored) 2: S = 5/6, 4/6, 3/6, 3/12.
  // Median = 30, q25 = 20 (S = 2/3 <= 0.75), q75 = 40 (S = 1/4 <= 0.25).
  const RunSummary summary =
      summary_of({{.success_epoch = 10}, {.success_epoch = 20}, {.success_epoch = 30}, {.success_epoch = 40}, {.epochs_run = 35}, {}});
  const json t = json::parse(to_json(summary))["trials"][0]["time_to_success"];
  EXPECT_EQ(t["median"], 30);
  EXPECT_EQ(t["q25"], 20);
  EXPECT_EQ(t["q75"], 40);
  EXPECT_EQ(t["median_text"], "30");
}

TEST(Summary, SucceededAtSomeEpochIsNotSuccessfulAtTheEnd) {
  RunSummary summary = summary_of({{.success_epoch = 10}, {.success_epoch = 20}, {}});
  summary.members[1].result.successful_at_end = false;  // met the criterion at 20, lost it later
  const json trial = json::parse(to_json(summary))["trials"][0];
  EXPECT_EQ(trial["succeeded_ever"], 2);
  EXPECT_EQ(trial["successful_at_end"], 1);
  EXPECT_NE(to_text(summary).find("success 2/3 = 66.7% (95% CI"), std::string::npos);
  EXPECT_NE(to_text(summary).find("at some epoch, 1 still successful at the end"), std::string::npos) << to_text(summary);
  // When they agree the text says nothing about it.
  EXPECT_EQ(to_text(summary_of({{.success_epoch = 10}, {}})).find("at the end"), std::string::npos);
}

TEST(Summary, NoPlateauBucketOnBalancedTasks) {
  // XOR: the majority class is half the patterns, so 0.5 is "≈0.5", not a plateau.
  const std::vector<Member> finals = {{.success_epoch = 5}, {.train_accuracy = 0.5}, {.train_accuracy = 0.5}, {.train_accuracy = 0.75}};
  const RunSummary xor_summary = summary_of(finals, 0.5);
  const TrialStatistics s = statistics_of(xor_summary, xor_summary.trials[0]);
  EXPECT_EQ(s.outcomes.plateau, 0);
  EXPECT_EQ(s.outcomes.near_half, 2);
  const json outcomes = json::parse(to_json(xor_summary))["trials"][0]["outcomes"];
  EXPECT_FALSE(outcomes.contains("plateau"));
  EXPECT_EQ(outcomes["near_half"], 2);
  EXPECT_EQ(outcomes["perfect"], 1);
  const std::string text = to_text(xor_summary);
  EXPECT_NE(text.find("outcomes (final train accuracy): 1.0: 1 | ≈0.5: 2 | other: 1"), std::string::npos) << text;
  EXPECT_EQ(text.find("plateau"), std::string::npos) << text;

  // The mirror task: 56 of 64 patterns are "not symmetric"; 0.875 is the plateau.
  const RunSummary mirror = summary_of({{.success_epoch = 5}, {.train_accuracy = 0.875}, {.train_accuracy = 0.5}});
  const json mirror_outcomes = json::parse(to_json(mirror))["trials"][0]["outcomes"];
  EXPECT_EQ(mirror_outcomes["plateau"], 1);
  EXPECT_EQ(mirror_outcomes["plateau_accuracy"], 0.875);
  EXPECT_NE(to_text(mirror).find("plateau 0.875 (majority class): 1 | ≈0.5: 1"), std::string::npos) << to_text(mirror);
}

TEST(Summary, OutcomeHistogramOnlyForTheBooleanTasks) {
  for (const char* source : {"mirror", "parity", "xor", "encoder"}) EXPECT_TRUE(has_outcome_classes(source)) << source;
  for (const char* source : {"fashion-mnist", "mnist", "spirals", "idx", "csv"}) EXPECT_FALSE(has_outcome_classes(source)) << source;
  const RunSummary images = summary_of({{.success_epoch = 5}, {.train_accuracy = 0.83}, {.train_accuracy = 0.91}}, 0.1, false);
  const json document = json::parse(to_json(images));
  EXPECT_FALSE(document["trials"][0].contains("outcomes"));
  EXPECT_FALSE(document["aggregate"].contains("outcomes"));
  EXPECT_EQ(to_text(images).find("outcomes"), std::string::npos) << to_text(images);
}

TEST(Summary, TheRunnerFillsEpochsAndTheTaskKind) {
  const char* experiment = R"(
name: summary-runner
seed: 3
replicates: 2
data: {train: {source: xor}}
model:
  layers: [{type: dense, units: 2, activation: sigmoid}, {type: dense, units: 1, activation: sigmoid}]
loss: sse
optimizer: {type: sgd, lr: 0.5}
train: {epochs: 7, batch: full, order: fixed}
success: {train_accuracy: 1.0}
)";
  const RunSummary xor_run = run_experiment(parse_experiment(experiment, "summary.yaml"));
  ASSERT_EQ(xor_run.trials.size(), 1u);
  EXPECT_EQ(xor_run.trials[0].epochs, 7);
  EXPECT_TRUE(xor_run.trials[0].boolean_task);
  const RunSummary spirals = run_experiment(parse_experiment(experiment, "summary.yaml", {"data.train.source=spirals"}));
  EXPECT_FALSE(spirals.trials[0].boolean_task);
}

TEST(MirrorSolution, RatioToleranceIsTenPercent) {
  EXPECT_EQ(mirror_ratio_tolerance, 0.10);
  // 1.56 : 2.73 : 4.74 is 1 : 1.75 : 3.04 — 12 % and 24 % off 2 and 4.
  EXPECT_FALSE(in_ratio_1_2_4(1.56, 2.73, 4.74));
  EXPECT_TRUE(in_ratio_1_2_4(1.0, 2.05, 3.9));
  EXPECT_TRUE(in_ratio_1_2_4(-3.9, 1.0, -2.05));  // any order, magnitudes only
  EXPECT_TRUE(in_ratio_1_2_4(1.0, 2.19, 4.39));   // just inside 2.2 and 4.4
  EXPECT_TRUE(in_ratio_1_2_4(1.0, 1.81, 3.61));   // just inside 1.8 and 3.6
  EXPECT_FALSE(in_ratio_1_2_4(1.0, 2.21, 4.0));
  EXPECT_FALSE(in_ratio_1_2_4(1.0, 2.0, 4.41));
  EXPECT_FALSE(in_ratio_1_2_4(1.0, 2.0, 3.59));
  EXPECT_FALSE(in_ratio_1_2_4(0.0, 0.0, 0.0));

  // The same through the whole check: pairs ±1.56, ±2.73, ±4.74 on both hidden units.
  const std::vector<float> off = {-4.74f, 2.73f, -1.56f, 1.56f, -2.73f, 4.74f,  //
                                  4.74f, -2.73f, 1.56f, -1.56f, 2.73f, -4.74f};
  const std::vector<float> near = {-3.9f, 2.05f, -1.0f, 1.0f, -2.05f, 3.9f,  //
                                   3.9f, -2.05f, 1.0f, -1.0f, 2.05f, -3.9f};
  const std::vector<float> hidden_bias = {-1.0f, -1.0f}, output = {-6.0f, -6.0f}, output_bias = {2.5f};
  EXPECT_FALSE(check_mirror_solution(off, hidden_bias, output, output_bias).ratio_1_2_4);
  EXPECT_TRUE(check_mirror_solution(near, hidden_bias, output, output_bias).matches_paper());
}

TEST(Summary, SolutionLineStatesTheTolerance) {
  RunSummary summary = summary_of({{.success_epoch = 10}, {}});
  summary.members[0].solution = MirrorSolution{.mirrored = true, .ratio_1_2_4 = true, .hidden_opposite = true, .hidden_biases_negative = true,
                                               .output_bias_positive = true};
  const std::string text = to_text(summary);
  EXPECT_NE(text.find("solutions like the paper's (mirrored within ±20 %, 1:2:4 within ±10 %, opposite units, biases): 1/1"), std::string::npos)
      << text;
}

// Early stopping: per member where it was best and where it stopped (null when it trained to the
// end), per trial how many stopped and the quartiles; the text names the monitor and restore_best.
TEST(Summary, EarlyStoppingEpochsAndValues) {
  RunSummary summary = summary_of({{}, {}, {}});
  const EarlyStopOutcome outcomes[] = {{.monitor = MonitorKind::validation_loss, .best_epoch = 12, .best_value = 0.4, .stopped_epoch = 22,
                                        .stopped_value = 0.5, .restored = true},
                                       {.monitor = MonitorKind::validation_loss, .best_epoch = 30, .best_value = 0.3, .stopped_epoch = 40,
                                        .stopped_value = 0.35, .restored = true},
                                       {.monitor = MonitorKind::validation_loss, .best_epoch = 95, .best_value = 0.2, .restored = true}};
  for (std::size_t m = 0; m < 3; ++m) summary.members[m].result.early_stop = outcomes[m];
  const json document = json::parse(to_json(summary));
  const json& first = document["members"][0]["early_stopping"];
  EXPECT_EQ(first["monitor"], "validation_loss");
  EXPECT_EQ(first["best_epoch"], 12);
  EXPECT_EQ(first["best_value"], 0.4);
  EXPECT_EQ(first["stopped_epoch"], 22);
  EXPECT_EQ(first["stopped_value"], 0.5);
  EXPECT_EQ(first["restored_best"], true);
  EXPECT_TRUE(document["members"][2]["early_stopping"]["stopped_epoch"].is_null());
  const json& trial = document["trials"][0]["early_stopping"];
  EXPECT_EQ(trial["members"], 3);
  EXPECT_EQ(trial["stopped"], 2);
  EXPECT_EQ(trial["stopped_epoch"]["median"], 31.0);
  EXPECT_EQ(trial["best_epoch"]["median"], 30.0);
  const std::string text = to_text(summary);
  EXPECT_NE(text.find("early stopping on validation_loss: 2/3 stopped, at epoch 31 (median; 22–40); best epoch 30 (median; 12–95)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("restore_best"), std::string::npos) << text;
  // Without early stopping there is no such entry.
  EXPECT_FALSE(json::parse(to_json(summary_of({{}})))["members"][0].contains("early_stopping"));
}

TEST(Summary, PruningRoundsPerMemberAndTheirMediansPerTrial) {
  RunSummary summary = summary_of({{}, {}, {}});
  for (std::size_t m = 0; m < 3; ++m) {
    PruneOutcome outcome{.control = false, .round_epochs = 5, .layers = {"layers.0.weight", "layers.1.weight"}, .rounds = {}};
    const double shift = 0.01 * static_cast<double>(m);
    outcome.rounds.push_back(PruneRound{.remaining = 1.0, .layer_remaining = {1.0, 1.0}, .test_accuracy = 0.80 + shift, .validation_loss = 0.5,
                                        .early_stop_epoch = 5, .best_validation_loss = 0.5, .early_stop_test_accuracy = 0.80 + shift, .epochs = 5,
                                        .first_layer_kept = {2, 1}});
    outcome.rounds.push_back(PruneRound{.remaining = 0.75, .layer_remaining = {0.5, 0.9}, .test_accuracy = 0.84 + shift, .validation_loss = 0.4,
                                        .early_stop_epoch = static_cast<std::int64_t>(2 + m), .best_validation_loss = 0.35,
                                        .early_stop_test_accuracy = 0.85 + shift, .epochs = 5, .first_layer_kept = {1, 0}});
    summary.members[m].result.prune = outcome;
  }
  summary.members[2].result.prune->rounds.pop_back();  // it diverged in round 1
  const json document = json::parse(to_json(summary));
  const json& member = document["members"][0]["prune"];
  EXPECT_EQ(member["round_epochs"], 5);
  EXPECT_EQ(member["control"], false);
  ASSERT_EQ(member["rounds"].size(), 2u);
  EXPECT_EQ(member["rounds"][1]["remaining"], 0.75);
  EXPECT_EQ(member["rounds"][1]["layer_remaining"], json({0.5, 0.9}));
  EXPECT_EQ(member["rounds"][1]["early_stop_epoch"], 2);
  EXPECT_EQ(member["rounds"][1]["first_layer_kept"], json({1, 0}));
  const json& trial = document["trials"][0]["prune"]["rounds"];
  ASSERT_EQ(trial.size(), 2u);
  EXPECT_EQ(trial[0]["test_accuracy"]["median"], 0.81);
  EXPECT_EQ(trial[1]["test_accuracy"]["count"], 2);  // the member that stopped has no round 1
  EXPECT_DOUBLE_EQ(trial[1]["test_accuracy"]["median"].get<double>(), 0.845);
  EXPECT_EQ(trial[1]["early_stop_epoch"]["median"], 2.5);
  const std::string text = to_text(summary);
  EXPECT_NE(text.find("pruning, median of 3 members per round of 5 epochs:"), std::string::npos) << text;
  EXPECT_NE(text.find("    round     kept  test_acc_end  early_stop test_acc_early\n"
                      "        0  100.00%        0.8100           5         0.8100\n"
                      "        1   75.00%        0.8450           2         0.8550\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("weights kept in round 1: layers.0.weight 50.00%, layers.1.weight 90.00%"), std::string::npos) << text;
  EXPECT_FALSE(json::parse(to_json(summary_of({{}})))["members"][0].contains("prune"));
}

}  // namespace
}  // namespace nnlab
