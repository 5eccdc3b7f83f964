// The report's learning-rate figure: one curve per trial of the `learning_rate` series, on a log
// axis when the rates span decades; left out when every member's rate stays one constant.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "report/run_report.hpp"
#include "report_test_support.hpp"
#include "synthetic_runs.hpp"

namespace nnlab {
namespace {

using testing::marks_of_type;
using testing::ScratchDir;
using testing::SyntheticMember;
using testing::SyntheticRun;
using testing::SyntheticTrial;

// Trial 0 steps down 10x every 4 epochs; trial 1 holds 0.1; trial 2 grows linearly.
SyntheticRun schedule_sweep(bool constant) {
  SyntheticRun spec{.name = "sched", .trials = {}, .epochs = 12};
  for (const char* kind : {"step", "constant", "linear"}) spec.trials.push_back(SyntheticTrial{{{"schedule.type", kind}}, 2});
  spec.series = [constant](const SyntheticMember& m, Epoch e) {
    const double t = static_cast<double>(e);
    const double rate = constant || m.trial == 1 ? 0.1 : m.trial == 0 ? 0.1 * std::pow(0.1, std::floor((t - 1) / 4)) : 0.01 * t;
    std::vector<std::pair<std::string, double>> values = {{"train_loss", 1.0 / (1 + t)}};
    if (e > 0) values.emplace_back("learning_rate", rate);
    return values;
  };
  return spec;
}

TEST(RateReport, OneCurvePerTrialOnALogAxis) {
  ScratchDir scratch;
  RunStore store(scratch / "runs.db");
  const std::vector<RunId> runs{testing::record_synthetic_run(store, schedule_sweep(false))};
  const ReportContent content = run_report_content(store, runs);
  const ReportFigure* figure = testing::find_report_figure(content, "sched-learning-rate");
  ASSERT_NE(figure, nullptr);
  ASSERT_EQ(figure->figure.panels.size(), 1u);
  const Panel& panel = figure->figure.panels.front();
  EXPECT_EQ(panel.y.scale, ScaleKind::log);  // 0.1 down to 1e-3
  std::vector<LineMark> lines;
  for (const LineMark& line : marks_of_type<LineMark>(panel))
    if (line.width == 2.5) lines.push_back(line);
  ASSERT_EQ(lines.size(), 3u);
  ASSERT_EQ(lines[0].y.size(), 12u);
  EXPECT_NEAR(lines[0].y[0], 0.1, 1e-8);
  EXPECT_NEAR(lines[0].y[4], 0.01, 1e-8);
  EXPECT_NEAR(lines[0].y[11], 0.001, 1e-8);
  EXPECT_NEAR(lines[1].y[11], 0.1, 1e-8);
  EXPECT_NEAR(lines[2].y[11], 0.12, 1e-8);
  EXPECT_EQ(panel.legend_title, "schedule.type");
}

TEST(RateReport, LeftOutForAConstantRate) {
  ScratchDir scratch;
  RunStore store(scratch / "runs.db");
  const std::vector<RunId> runs{testing::record_synthetic_run(store, schedule_sweep(true))};
  const ReportContent content = run_report_content(store, runs);
  EXPECT_EQ(testing::find_report_figure(content, "sched-learning-rate"), nullptr);
  EXPECT_NE(testing::find_report_figure(content, "sched-loss-by-trial"), nullptr);  // the run has its other figures
}

}  // namespace
}  // namespace nnlab
