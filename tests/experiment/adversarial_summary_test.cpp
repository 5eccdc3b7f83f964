// The summary's adversarial part: each member's outcome in its JSON entry, the trial's quartiles
// per eps, and the text line of medians; nothing when no member has an outcome.
#include "experiment/adversarial_summary.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace nnlab {
namespace {

using nlohmann::json;

RunSummary with_outcomes(const std::vector<std::vector<double>>& accuracies) {
  RunSummary summary;
  summary.has_test = true;
  TrialSummary trial;
  for (std::size_t m = 0; m < accuracies.size(); ++m) {
    MemberSummary member;
    member.member = static_cast<Index>(m);
    member.seed = m;
    member.result.epochs_run = 3;
    member.result.adversarial = AdversarialOutcome{.on_test = true, .eps = {0.0, 0.1}, .accuracy = accuracies[m],
                                                   .confidence = {0.9, 0.6 + 0.1 * static_cast<double>(m)}, .steps = 1, .step_size = 0.0,
                                                   .clip_low = 0.0, .clip_high = 1.0};
    summary.members.push_back(member);
    trial.members.push_back(static_cast<Index>(m));
  }
  summary.trials.push_back(trial);
  return summary;
}

TEST(AdversarialSummary, MembersTrialsAndTextCarryTheOutcome) {
  const RunSummary summary = with_outcomes({{0.8, 0.2}, {0.9, 0.4}, {0.7, 0.3}});
  const json document = json::parse(to_json(summary));
  const json& member = document["members"][1]["adversarial"];
  EXPECT_EQ(member["set"], "test");
  EXPECT_EQ(member["eps"], json({0.0, 0.1}));
  EXPECT_EQ(member["accuracy"], json({0.9, 0.4}));
  EXPECT_EQ(member["clip"], json({0.0, 1.0}));
  const json& trial = document["trials"][0]["adversarial"];
  EXPECT_EQ(trial["accuracy"][0]["median"], 0.8);
  EXPECT_EQ(trial["accuracy"][1]["median"], 0.3);
  EXPECT_EQ(trial["accuracy"][1]["min"], 0.2);
  EXPECT_EQ(trial["confidence"][1]["median"], 0.7);
  EXPECT_EQ(trial["accuracy"][0]["count"], 3);
  const std::string text = to_text(summary);
  EXPECT_NE(text.find("  FGSM, test accuracy (median of 3 members) at eps 0 / 0.1: 0.8000 / 0.3000; confidence 0.9000 / 0.7000\n"), std::string::npos)
      << text;
}

TEST(AdversarialSummary, AbsentWithoutAnOutcome) {
  RunSummary summary = with_outcomes({{0.8, 0.2}});
  summary.members[0].result.adversarial.reset();
  const json document = json::parse(to_json(summary));
  EXPECT_FALSE(document["members"][0].contains("adversarial"));
  EXPECT_FALSE(document["trials"][0].contains("adversarial"));
  EXPECT_EQ(adversarial_text(summary, summary.trials[0]), "");
}

}  // namespace
}  // namespace nnlab
