// The adversarial-examples figure: one band per trial of test accuracy against eps — the median
// over replicates, their range, each replicate's line — at the values the summary holds; a table
// of the accuracy and confidence medians; none without outcomes. The strip of the stored examples
// ("adversarial" / "test"): 3 rows of 8 tiles with the predicted classes and confidences; none
// without the artefact or with a damaged one.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "report/run_report.hpp"
#include "report_test_support.hpp"
#include "synthetic_runs.hpp"

namespace nnlab {
namespace {

using nlohmann::json;
using testing::marks_of_type;
using testing::ScratchDir;
using testing::SyntheticMember;
using testing::SyntheticRun;
using testing::SyntheticTrial;

// Two trials of three replicates; replicate r's accuracies are offset by r / 100, trial t's by t / 10.
SyntheticRun adversarial_run(bool with_outcomes) {
  SyntheticRun spec{.name = "fgsm", .trials = {SyntheticTrial{{{"adversarial.train.weight", "1.0"}}, 3},
                                               SyntheticTrial{{{"adversarial.train.weight", "0.5"}}, 3}},
                    .epochs = 5};
  spec.series = [](const SyntheticMember&, Epoch e) {
    return std::vector<std::pair<std::string, double>>{{"test_accuracy", 0.5 + 0.01 * static_cast<double>(e)}};
  };
  if (with_outcomes)
    spec.member_summary = [](const SyntheticMember& m, json& entry) {
      const double offset = 0.01 * m.replicate + 0.1 * static_cast<double>(m.trial);
      entry["adversarial"] = {{"set", "test"}, {"eps", {0.0, 0.1, 0.25}}, {"accuracy", {0.80 + offset, 0.30 + offset, 0.05 + offset}},
                              {"confidence", {0.9, 0.8, 0.7}}, {"steps", 1}, {"step_size", 0.0}, {"clip", {0.0, 1.0}}};
    };
  return spec;
}

TEST(AdversarialReport, DrawsAccuracyAgainstEpsPerTrial) {
  ScratchDir scratch;
  RunStore store(scratch / "runs.db");
  const std::vector<RunId> runs{testing::record_synthetic_run(store, adversarial_run(true))};
  const ReportContent content = run_report_content(store, runs);
  const auto figures = testing::figures_containing(content, "adversarial");
  ASSERT_EQ(figures.size(), 1u);
  ASSERT_EQ(figures.front()->figure.panels.size(), 1u);
  const Panel& panel = figures.front()->figure.panels.front();
  const auto bands = marks_of_type<BandMark>(panel);
  ASSERT_EQ(bands.size(), 2u);  // a band per trial
  const double accuracy[] = {0.80, 0.30, 0.05};
  for (std::size_t t = 0; t < 2; ++t) {
    SCOPED_TRACE("trial " + std::to_string(t));
    EXPECT_EQ(bands[t].x, (std::vector<double>{0.0, 0.1, 0.25}));
    for (std::size_t e = 0; e < 3; ++e) {
      EXPECT_DOUBLE_EQ(bands[t].low[e], accuracy[e] + 0.1 * static_cast<double>(t));
      EXPECT_DOUBLE_EQ(bands[t].high[e], accuracy[e] + 0.1 * static_cast<double>(t) + 0.02);
    }
  }
  const auto lines = marks_of_type<LineMark>(panel);
  ASSERT_EQ(lines.size(), 8u);  // 3 + 3 replicate lines and two medians
  const Table* table = testing::table_captioned(content, "Adversarial examples");
  ASSERT_NE(table, nullptr);
  ASSERT_EQ(table->rows.size(), 2u);
  EXPECT_EQ(table->rows[0][1], "3");
  EXPECT_EQ(table->rows[0][2], "0 / 0.1 / 0.25");
  EXPECT_EQ(table->rows[0][3], "0.8100 / 0.3100 / 0.0600");
  EXPECT_EQ(table->rows[1][3], "0.9100 / 0.4100 / 0.1600");
  EXPECT_EQ(table->rows[1][4], "0.900 / 0.800 / 0.700");
}

TEST(AdversarialReport, NoFigureWithoutOutcomes) {
  ScratchDir scratch;
  RunStore store(scratch / "runs.db");
  const std::vector<RunId> runs{testing::record_synthetic_run(store, adversarial_run(false))};
  EXPECT_TRUE(testing::figures_containing(run_report_content(store, runs), "adversarial").empty());
}

// 8 images of 2 × 3: clean, perturbation ±0.1, adversarial; predictions class i % 3 -> (i + 1) % 3 for i < 5.
json strip_document() {
  json clean = json::array(), perturbation = json::array(), adversarial = json::array();
  std::vector<int> clean_predicted, adversarial_predicted;
  std::vector<double> clean_confidence, adversarial_confidence;
  for (int i = 0; i < 8; ++i) {
    clean.push_back(std::vector<double>(6, 0.1 * i));
    perturbation.push_back(std::vector<double>{0.1, -0.1, 0.1, -0.1, 0.0, 0.1});
    adversarial.push_back(std::vector<double>{0.1 * i + 0.1, 0.1 * i - 0.1, 0.1 * i + 0.1, 0.1 * i - 0.1, 0.1 * i, 0.1 * i + 0.1});
    clean_predicted.push_back(i % 3);
    adversarial_predicted.push_back(i < 5 ? (i + 1) % 3 : i % 3);
    clean_confidence.push_back(0.9);
    adversarial_confidence.push_back(0.75);
  }
  return {{"member", 0},      {"eps", 0.1},  {"steps", 1}, {"channels", 1}, {"height", 2}, {"width", 3},
          {"labels", {0, 1, 2, 0, 1, 2, 0, 1}}, {"clean", clean}, {"perturbation", perturbation}, {"adversarial", adversarial},
          {"clean_predicted", clean_predicted}, {"clean_confidence", clean_confidence},
          {"adversarial_predicted", adversarial_predicted}, {"adversarial_confidence", adversarial_confidence}};
}

ReportContent strip_report(const std::string& name, const std::string& text) {
  static ScratchDir scratch;
  RunStore store(scratch / (name + ".db"));
  const RunId run = testing::record_synthetic_run(store, adversarial_run(true));
  if (!text.empty()) store.put_artefact(run, ArtefactLabel{.member = 0, .kind = "adversarial", .name = "test"}, text_bytes(text));
  const std::vector<RunId> runs{run};
  return run_report_content(store, runs);
}

TEST(AdversarialReport, StripDrawsCleanPerturbationAndAdversarialWithPredictions) {
  const ReportContent content = strip_report("strip", strip_document().dump());
  const auto strips = testing::figures_containing(content, "adversarial-strip");
  ASSERT_EQ(strips.size(), 1u);  // trial 0's pictured member alone has the artefact
  const ReportFigure& figure = *strips.front();
  ASSERT_EQ(figure.figure.panels.size(), 1u);
  EXPECT_EQ(marks_of_type<ImageMark>(figure.figure.panels[0]).size(), 24u);  // 3 rows × 8 images
  EXPECT_NE(figure.caption.find("eps = 0.1"), std::string::npos) << figure.caption;
  EXPECT_NE(figure.caption.find("member 0"), std::string::npos) << figure.caption;
  EXPECT_NE(figure.caption.find("changes 5 of the 8"), std::string::npos) << figure.caption;
  std::string texts;
  for (const TextMark& text : marks_of_type<TextMark>(figure.figure.panels[0])) texts += text.text + "|";
  EXPECT_NE(texts.find("class 2 0.90|"), std::string::npos) << texts;  // clean image 2
  EXPECT_NE(texts.find("class 0 0.75|"), std::string::npos) << texts;  // adversarial image 2
  EXPECT_NE(texts.find("x' − x (±0.1)|"), std::string::npos) << texts;
  EXPECT_EQ(testing::figures_containing(content, "adversarial").size(), 2u);  // and the accuracy figure
}

TEST(AdversarialReport, NoStripWithoutOrWithADamagedArtefact) {
  EXPECT_TRUE(testing::figures_containing(strip_report("none", ""), "adversarial-strip").empty());
  json broken = strip_document();
  broken["perturbation"][3] = {1, 2};  // a tile of the wrong size
  EXPECT_TRUE(testing::figures_containing(strip_report("broken", broken.dump()), "adversarial-strip").empty());
  broken = strip_document();
  broken.erase("adversarial_confidence");
  EXPECT_TRUE(testing::figures_containing(strip_report("unconfident", broken.dump()), "adversarial-strip").empty());
  EXPECT_TRUE(testing::figures_containing(strip_report("garbled", "{not json"), "adversarial-strip").empty());
}

}  // namespace
}  // namespace nnlab
