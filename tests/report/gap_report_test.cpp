// The report's generalisation gap for a sweep with a validation set (the dropout study): every
// trial's train (solid) and validation (dashed) loss on one axis in the trial's colour, and the gap
// validation − train per member summarised per trial beside it; left out without validation
// loss or without a sweep.
#include <gtest/gtest.h>

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

const std::vector<std::string> rates = {"0.0", "0.2", "0.5"};
const std::vector<double> gap_slope = {0.04, 0.02, 0.005};  // the gap grows by this per epoch: less with more dropout

// Replicate r's train loss 1/(1+e) + 0.01 r; its validation loss train + slope(t) e + 0.01 r.
SyntheticRun dropout_sweep(bool validation) {
  SyntheticRun spec{.name = "drop", .trials = {}, .epochs = 10};
  for (const std::string& rate : rates) spec.trials.push_back(SyntheticTrial{{{"model.layers.*.rate", rate}}, 2});
  spec.series = [validation](const SyntheticMember& m, Epoch e) {
    const double train = 1.0 / (1 + static_cast<double>(e)) + 0.01 * m.replicate;
    std::vector<std::pair<std::string, double>> values = {{"train_loss", train}};
    if (validation) values.emplace_back("validation_loss", train + gap_slope[m.trial] * static_cast<double>(e) + 0.01 * m.replicate);
    return values;
  };
  return spec;
}

std::vector<LineMark> middle_lines(const Panel& panel) {
  std::vector<LineMark> lines;
  for (const LineMark& line : marks_of_type<LineMark>(panel))
    if (line.width == 2.5) lines.push_back(line);  // band_chart's median lines
  return lines;
}

TEST(GapReport, TrainSolidAndValidationDashedPerTrialAndTheGapBeside) {
  ScratchDir scratch;
  RunStore store(scratch / "runs.db");
  const RunId run = testing::record_synthetic_run(store, dropout_sweep(true));
  const std::vector<RunId> runs{run};
  const ReportContent content = run_report_content(store, runs);
  const ReportFigure* figure = testing::find_report_figure(content, "drop-generalisation-gap");
  ASSERT_NE(figure, nullptr);
  ASSERT_EQ(figure->figure.panels.size(), 2u);
  const std::vector<LineMark> losses = middle_lines(figure->figure.panels[0]);
  ASSERT_EQ(losses.size(), 6u);  // train and validation of each trial
  for (std::size_t t = 0; t < 3; ++t) {
    SCOPED_TRACE(t);
    const LineMark& train = losses[2 * t];
    const LineMark& validation = losses[2 * t + 1];
    EXPECT_FALSE(train.dashed);
    EXPECT_TRUE(validation.dashed);
    EXPECT_EQ(train.color, validation.color);  // a pair in the trial's colour
    EXPECT_NEAR(train.y.back(), 1.0 / 11 + 0.005, 1e-6);  // the median of the two replicates
    EXPECT_EQ(figure->figure.legend[t].label, rates[t]);
    EXPECT_EQ(figure->figure.legend[t].color, train.color);
  }
  EXPECT_NE(losses[0].color, losses[2].color);
  EXPECT_EQ(figure->figure.legend_title, "model.layers.*.rate");
  EXPECT_EQ(figure->figure.legend[3].label, "train loss");
  EXPECT_EQ(figure->figure.legend[4].label, "validation loss");
  EXPECT_EQ(figure->figure.legend[4].symbol, LegendSymbol::dashed_line);
  // The gap per member is slope·e + 0.01 r (r = 0, 1): the median slope·e + 0.005, quartiles ± 0.0025.
  const Panel& gap = figure->figure.panels[1];
  const std::vector<LineMark> gaps = middle_lines(gap);
  ASSERT_EQ(gaps.size(), 3u);
  const auto bands = marks_of_type<BandMark>(gap);
  ASSERT_EQ(bands.size(), 3u);
  for (std::size_t t = 0; t < 3; ++t) {
    SCOPED_TRACE(t);
    ASSERT_EQ(gaps[t].x.size(), 11u);
    for (std::size_t e = 0; e <= 10; ++e) {
      EXPECT_NEAR(gaps[t].y[e], gap_slope[t] * static_cast<double>(e) + 0.005, 1e-6) << e;
      EXPECT_NEAR(bands[t].low[e], gap_slope[t] * static_cast<double>(e) + 0.0025, 1e-6) << e;
      EXPECT_NEAR(bands[t].high[e], gap_slope[t] * static_cast<double>(e) + 0.0075, 1e-6) << e;
    }
  }
  EXPECT_EQ(gap.y.min, std::nullopt);  // its own scale, not the losses'
  EXPECT_NE(figure->caption.find("validation − train"), std::string::npos);
  ASSERT_NO_THROW(write_run_report(store, runs, testing::sample_directory(scratch.path()) / "gap-report"));
}

TEST(GapReport, LeftOutWithoutValidationLossOrWithoutASweep) {
  ScratchDir scratch;
  RunStore store(scratch / "runs.db");
  const RunId without = testing::record_synthetic_run(store, dropout_sweep(false));
  SyntheticRun single = dropout_sweep(true);
  single.trials = {SyntheticTrial{{}, 3}};
  const RunId one_trial = testing::record_synthetic_run(store, single);
  for (const RunId run : {without, one_trial}) {
    const std::vector<RunId> runs{run};
    const ReportContent content = run_report_content(store, runs);
    EXPECT_TRUE(testing::figures_containing(content, "generalisation-gap").empty()) << run;
    EXPECT_FALSE(testing::figures_containing(content, "loss").empty()) << run;  // the learning curves still are
  }
}

}  // namespace
}  // namespace nnlab
