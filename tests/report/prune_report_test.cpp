// The lottery-ticket figures: per trial (ticket and random-reinit control, named so), each
// round's median test accuracy at its end and at its early-stop epoch, and that epoch, at the
// median share of weights kept; a table of the medians; the first layer's kept connections as
// square images; none without pruning.
#include <gtest/gtest.h>

#include <string>

#include "report/run_report.hpp"
#include "report_test_support.hpp"
#include "synthetic_runs.hpp"

namespace nnlab {
namespace {

using nlohmann::json;
using testing::ScratchDir;
using testing::SyntheticMember;
using testing::SyntheticRun;
using testing::SyntheticTrial;

// Ticket and control, three replicates each, three rounds; replicate r's accuracies are offset
// by r / 100, the control's by -0.05.
SyntheticRun pruned_run(bool with_outcomes) {
  SyntheticRun spec{.name = "tickets", .trials = {SyntheticTrial{{{"prune.reinit", "false"}}, 3}, SyntheticTrial{{{"prune.reinit", "true"}}, 3}},
                    .epochs = 12};
  spec.series = [](const SyntheticMember&, Epoch e) {
    return std::vector<std::pair<std::string, double>>{{"test_accuracy", 0.5 + 0.01 * static_cast<double>(e)}};
  };
  if (with_outcomes)
    spec.member_summary = [](const SyntheticMember& m, json& entry) {
      const double offset = 0.01 * m.replicate - 0.05 * static_cast<double>(m.trial);
      json rounds = json::array();
      const double kept[] = {1.0, 0.8, 0.64};
      for (int r = 0; r < 3; ++r) {
        json first_layer = json::array();
        for (int pixel = 0; pixel < 16; ++pixel) first_layer.push_back(pixel % (4 - r));  // a 4 × 4 image
        rounds.push_back({{"remaining", kept[r]}, {"layer_remaining", {kept[r], kept[r]}}, {"test_accuracy", 0.80 + 0.01 * r + offset},
                          {"validation_loss", 0.5}, {"early_stop_epoch", 4 - r + m.replicate}, {"early_stop_test_accuracy", 0.81 + offset},
                          {"epochs", 4}, {"first_layer_kept", first_layer}});
      }
      entry["prune"] = {{"control", m.trial == 1}, {"round_epochs", 4}, {"layers", {"layers.0.weight", "layers.1.weight"}}, {"rounds", rounds}};
    };
  return spec;
}

TEST(PruneReport, DrawsAccuracyAndEarlyStopAgainstWeightsKeptPerTrial) {
  ScratchDir scratch;
  RunStore store(scratch / "runs.db");
  const std::vector<RunId> runs{testing::record_synthetic_run(store, pruned_run(true))};
  const ReportContent content = run_report_content(store, runs);
  const auto figures = testing::figures_containing(content, "-prune");
  ASSERT_EQ(figures.size(), 2u);  // the curves and the first-layer images
  EXPECT_EQ(figures[0]->figure.panels.size(), 3u);
  ASSERT_EQ(figures[1]->figure.panels.size(), 1u);
  const auto tiles = testing::marks_of_type<ImageMark>(figures[1]->figure.panels.front());
  ASSERT_EQ(tiles.size(), 3u);  // a 4 × 4 tile per round
  EXPECT_EQ(tiles[2].columns, 4);
  EXPECT_EQ(tiles[2].rows, 4);
  bool table = false;
  for (const ReportSection& section : content.sections)
    for (const ReportBlock& block : section.blocks)
      if (const auto* t = std::get_if<Table>(&block); t && t->caption.find("Lottery tickets") != std::string::npos) {
        table = true;
        ASSERT_EQ(t->rows.size(), 6u);  // 2 trials × 3 rounds
        EXPECT_EQ(t->rows[0], (std::vector<std::string>{"ticket", "0", "100.00 %", "0.8100", "5", "0.8200"}));
        EXPECT_EQ(t->rows[2], (std::vector<std::string>{"ticket", "2", "64.00 %", "0.8300", "3", "0.8200"}));
        EXPECT_EQ(t->rows[4], (std::vector<std::string>{"random reinit", "1", "80.00 %", "0.7700", "4", "0.7700"}));
      }
  EXPECT_TRUE(table);
}

TEST(PruneReport, NoFigureWithoutPruning) {
  ScratchDir scratch;
  RunStore store(scratch / "runs.db");
  const std::vector<RunId> runs{testing::record_synthetic_run(store, pruned_run(false))};
  EXPECT_TRUE(testing::figures_containing(run_report_content(store, runs), "-prune").empty());
}

}  // namespace
}  // namespace nnlab
