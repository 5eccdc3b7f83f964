// The snapshot-ensemble figure: per trial, the median over replicates of the ensemble of the last
// m snapshots and of snapshot m alone at m = 1 ... M, the replicates' range as the band and each
// replicate's line, at the values the summary holds; a table of the medians; none without it.
#include <gtest/gtest.h>

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

// Two trials of three replicates; replicate r's accuracies are offset by r / 100.
SyntheticRun snapshot_run(bool with_outcomes) {
  SyntheticRun spec{.name = "snapshots", .trials = {SyntheticTrial{{{"optimizer.lr", "0.1"}}, 3}, SyntheticTrial{{{"optimizer.lr", "0.2"}}, 3}},
                    .epochs = 10};
  spec.series = [](const SyntheticMember&, Epoch e) {
    return std::vector<std::pair<std::string, double>>{{"test_accuracy", 0.5 + 0.01 * static_cast<double>(e)}};
  };
  if (with_outcomes)
    spec.member_summary = [](const SyntheticMember& m, json& entry) {
      const double offset = 0.01 * m.replicate + 0.1 * static_cast<double>(m.trial);
      entry["snapshot_ensemble"] = {{"set", "test"}, {"cycles", 3}, {"steps", {10, 20, 30}},
                                    {"single_accuracy", {0.70 + offset, 0.72 + offset, 0.73 + offset}},
                                    {"ensemble_accuracy", {0.73 + offset, 0.75 + offset, 0.76 + offset}}};
    };
  return spec;
}

TEST(SnapshotReport, DrawsMediansRangesAndReplicatesPerTrial) {
  ScratchDir scratch;
  RunStore store(scratch / "runs.db");
  const std::vector<RunId> runs{testing::record_synthetic_run(store, snapshot_run(true))};
  const ReportContent content = run_report_content(store, runs);
  const auto figures = testing::figures_containing(content, "snapshot-ensemble");
  ASSERT_EQ(figures.size(), 1u);
  ASSERT_EQ(figures.front()->figure.panels.size(), 2u);  // a panel per trial
  for (std::size_t t = 0; t < 2; ++t) {
    SCOPED_TRACE("trial " + std::to_string(t));
    const Panel& panel = figures.front()->figure.panels[t];
    const double offset = 0.1 * static_cast<double>(t);
    const auto bands = marks_of_type<BandMark>(panel);
    ASSERT_EQ(bands.size(), 2u);  // ensemble, single
    EXPECT_EQ(bands[0].x, (std::vector<double>{1, 2, 3}));
    const double ensemble[] = {0.73, 0.75, 0.76}, single[] = {0.70, 0.72, 0.73};
    for (std::size_t k = 0; k < 3; ++k) {
      EXPECT_DOUBLE_EQ(bands[0].low[k], ensemble[k] + offset);
      EXPECT_DOUBLE_EQ(bands[0].high[k], ensemble[k] + offset + 0.02);
      EXPECT_DOUBLE_EQ(bands[1].low[k], single[k] + offset);
    }
    // 3 + 3 replicate lines, then the two medians (replicate 1's values).
    const auto lines = marks_of_type<LineMark>(panel);
    ASSERT_EQ(lines.size(), 8u);
    for (std::size_t k = 0; k < 3; ++k) {
      EXPECT_DOUBLE_EQ(lines[6].y[k], ensemble[k] + offset + 0.01);
      EXPECT_DOUBLE_EQ(lines[7].y[k], single[k] + offset + 0.01);
    }
  }
  bool table = false;
  for (const ReportSection& section : content.sections)
    for (const ReportBlock& block : section.blocks)
      if (const auto* t = std::get_if<Table>(&block); t && t->caption.find("Snapshot ensemble") != std::string::npos) {
        table = true;
        ASSERT_EQ(t->rows.size(), 2u);
        EXPECT_EQ(t->rows[0][1], "3");
        EXPECT_EQ(t->rows[0][2], "0.7400 0.7600 0.7700");
        EXPECT_EQ(t->rows[1][3], "0.8100 0.8300 0.8400");
      }
  EXPECT_TRUE(table);
}

TEST(SnapshotReport, NoFigureWithoutSnapshotEnsembles) {
  ScratchDir scratch;
  RunStore store(scratch / "runs.db");
  const std::vector<RunId> runs{testing::record_synthetic_run(store, snapshot_run(false))};
  EXPECT_TRUE(testing::figures_containing(run_report_content(store, runs), "snapshot-ensemble").empty());
}

}  // namespace
}  // namespace nnlab
