// The early-stopping figure: every member's monitored curve with a circle at its best epoch and
// a diamond at its stop epoch, at the values the summary reports; none for a member that trained
// to the end; and no figure for a run without early stopping.
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

// Three members over 30 epochs: validation loss falls to its minimum at epoch 10 + 5m, then rises.
SyntheticRun stopping_run(bool with_outcomes) {
  SyntheticRun spec{.name = "stopping", .trials = {SyntheticTrial{{}, 3}}, .epochs = 30};
  spec.series = [](const SyntheticMember& m, Epoch e) {
    const double best = 10.0 + 5.0 * static_cast<double>(m.member);
    return std::vector<std::pair<std::string, double>>{{"validation_loss", 0.5 + 0.01 * std::abs(static_cast<double>(e) - best)}};
  };
  if (with_outcomes)
    spec.member_summary = [](const SyntheticMember& m, json& entry) {
      const Epoch best = 10 + 5 * m.member;
      entry["early_stopping"] = {{"monitor", "validation_loss"}, {"best_epoch", best}, {"best_value", 0.5},
                                 {"stopped_epoch", m.member == 2 ? json(nullptr) : json(best + 5)},
                                 {"stopped_value", m.member == 2 ? json(nullptr) : json(0.55)}, {"restored_best", true}};
    };
  return spec;
}

TEST(StoppingReport, MarksBestAndStopEpochsWhereTheSummarySays) {
  ScratchDir scratch;
  RunStore store(scratch / "runs.db");
  const std::vector<RunId> runs{testing::record_synthetic_run(store, stopping_run(true))};
  const ReportContent content = run_report_content(store, runs);
  const auto figures = testing::figures_containing(content, "early-stopping");
  ASSERT_EQ(figures.size(), 1u);
  const Panel& panel = figures.front()->figure.panels.front();
  std::vector<std::pair<double, double>> circles, diamonds;
  for (const PointMark& mark : marks_of_type<PointMark>(panel)) {
    ASSERT_EQ(mark.x.size(), 1u);
    (mark.shape == MarkerShape::circle ? circles : diamonds).emplace_back(mark.x[0], mark.y[0]);
  }
  EXPECT_EQ(circles, (std::vector<std::pair<double, double>>{{10, 0.5}, {15, 0.5}, {20, 0.5}}));
  EXPECT_EQ(diamonds, (std::vector<std::pair<double, double>>{{15, 0.55}, {20, 0.55}}));  // member 2 never stopped
  EXPECT_EQ(marks_of_type<LineMark>(panel).size(), 3u);
}

TEST(StoppingReport, NoFigureWithoutEarlyStopping) {
  ScratchDir scratch;
  RunStore store(scratch / "runs.db");
  const std::vector<RunId> runs{testing::record_synthetic_run(store, stopping_run(false))};
  EXPECT_TRUE(testing::figures_containing(run_report_content(store, runs), "early-stopping").empty());
}

}  // namespace
}  // namespace nnlab
