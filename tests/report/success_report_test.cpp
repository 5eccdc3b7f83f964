// The success figures of the run report against shares counted by hand: the fraction of all
// members solved by each epoch with its Wilson interval, the success table with the Kaplan–Meier
// time to success beside the median over successes, and per-layer curves split by outcome.
#include <gtest/gtest.h>

#include "core/statistics.hpp"

#include <cmath>
#include <string>

#include "report/run_report.hpp"
#include "report/success_figures.hpp"
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

// The value of a step curve at epoch t: the last point at or before t (after the step when t is a step).
double step_value(const LineMark& line, double t) {
  double value = std::nan("");
  for (std::size_t i = 0; i < line.x.size(); ++i)
    if (line.x[i] <= t) value = line.y[i];
  return value;
}

TEST(SuccessFigures, WilsonIntervalMatchesTheTextbookValues) {
  // 4 of 8: p = 0.5, centre 0.5, half-width 1.96/(1 + 1.96²/8) · sqrt(0.25/8 + 1.96²/256) = 0.2848.
  const auto [low, high] = wilson_interval(4, 8);
  EXPECT_NEAR(low, 0.2152, 1e-4);
  EXPECT_NEAR(high, 0.7848, 1e-4);
  // 0 of 10: [0, z²/(n + z²)] = [0, 0.2775].
  const auto none = wilson_interval(0, 10);
  EXPECT_EQ(none.first, 0.0);
  EXPECT_NEAR(none.second, 0.2775, 1e-4);
  EXPECT_EQ(wilson_interval(0, 0), (std::pair<double, double>{0.0, 1.0}));
}

TEST(SuccessFigures, SolvedFractionStepsAtEachSuccessEpoch) {
  const std::vector<std::optional<Epoch>> epochs = {3, std::nullopt, 3, 7};
  const SolvedCurve curve = solved_fraction(epochs, 0, 10);
  EXPECT_EQ(curve.x, (std::vector<double>{0, 3, 3, 7, 7, 10}));
  EXPECT_EQ(curve.fraction, (std::vector<double>{0, 0, 0.5, 0.5, 0.75, 0.75}));
  EXPECT_EQ(curve.low.size(), curve.x.size());
  EXPECT_NEAR(curve.high[5], wilson_interval(3, 4).second, 1e-15);
  // Successes at or before the first epoch shown count from the start; none after the last.
  const SolvedCurve late = solved_fraction(std::vector<std::optional<Epoch>>{0, 20}, 1, 10);
  EXPECT_EQ(late.x, (std::vector<double>{1, 10}));
  EXPECT_EQ(late.fraction, (std::vector<double>{0.5, 0.5}));
}

// Eight members followed to epoch 100: successes at 5, 5, 20 and 50, two never, one diverged.
SyntheticRun mirror_run(const std::vector<std::optional<Epoch>>& success, Epoch epochs) {
  SyntheticRun spec{.name = "mirror", .trials = {SyntheticTrial{{}, static_cast<int>(success.size())}}, .epochs = epochs};
  spec.series = [success](const SyntheticMember& m, Epoch e) {
    const bool solved = success[static_cast<std::size_t>(m.member)] && e >= *success[static_cast<std::size_t>(m.member)];
    return std::vector<std::pair<std::string, double>>{{"train_loss", solved ? 0.1 : 2.0}, {"layers.0.dead_fraction", solved ? 0.1 : 0.6}};
  };
  spec.member_summary = [success](const SyntheticMember& m, json& entry) {
    const auto& epoch = success[static_cast<std::size_t>(m.member)];
    entry["succeeded"] = epoch.has_value();
    entry["success_epoch"] = epoch ? json(*epoch) : json(nullptr);
  };
  return spec;
}

TEST(SuccessReport, FractionSolvedEqualsTheSharesCountedByHand) {
  ScratchDir scratch;
  RunStore store(scratch / "runs.db");
  const std::vector<std::optional<Epoch>> success = {5, 5, 20, 50, std::nullopt, std::nullopt, std::nullopt, std::nullopt};
  const RunId run = testing::record_synthetic_run(store, mirror_run(success, 100));
  const std::vector<RunId> runs{run};
  const ReportContent content = run_report_content(store, runs);
  const ReportFigure* figure = testing::find_report_figure(content, "mirror-fraction-solved");
  ASSERT_NE(figure, nullptr);
  const Panel& panel = figure->figure.panels.front();
  EXPECT_EQ(panel.x.scale, ScaleKind::linear);  // 5 .. 100: not two decades
  const auto lines = marks_of_type<LineMark>(panel);
  ASSERT_EQ(lines.size(), 1u);
  // The share of all eight members (the three that never succeeded and the diverged one count).
  EXPECT_EQ(step_value(lines[0], 0), 0.0);
  EXPECT_EQ(step_value(lines[0], 4), 0.0);
  EXPECT_EQ(step_value(lines[0], 5), 2.0 / 8);
  EXPECT_EQ(step_value(lines[0], 19), 2.0 / 8);
  EXPECT_EQ(step_value(lines[0], 20), 3.0 / 8);
  EXPECT_EQ(step_value(lines[0], 60), 4.0 / 8);
  EXPECT_EQ(lines[0].x.back(), 100.0);  // followed to the last epoch
  const auto bands = marks_of_type<BandMark>(panel);
  ASSERT_EQ(bands.size(), 1u);
  EXPECT_NEAR(bands[0].low.back(), 0.2152, 1e-4);  // Wilson, 4 of 8
  EXPECT_NEAR(bands[0].high.back(), 0.7848, 1e-4);
  EXPECT_NE(figure->caption.find("ALL members"), std::string::npos);
}

TEST(SuccessReport, TheEpochAxisIsLogarithmicWhenTheEpochsSpanDecades) {
  ScratchDir scratch;
  RunStore store(scratch / "runs.db");
  SyntheticRun spec = mirror_run({20, 400, 9000, std::nullopt}, 10000);
  spec.series = nullptr;  // the summary is all the figure needs
  spec.trials = {SyntheticTrial{{{"optimizer.lr", "0.1"}}, 2}, SyntheticTrial{{{"optimizer.lr", "0.5"}}, 2}};
  const RunId run = testing::record_synthetic_run(store, spec);
  const std::vector<RunId> runs{run};
  const ReportContent content = run_report_content(store, runs);
  const ReportFigure* figure = testing::find_report_figure(content, "mirror-fraction-solved");
  ASSERT_NE(figure, nullptr);
  const Panel& panel = figure->figure.panels.front();
  EXPECT_EQ(panel.x.scale, ScaleKind::log);
  const auto lines = marks_of_type<LineMark>(panel);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].x.front(), 1.0);  // a log axis starts at epoch 1
  EXPECT_EQ(step_value(lines[0], 399), 0.5);
  EXPECT_EQ(step_value(lines[0], 400), 1.0);
  EXPECT_EQ(step_value(lines[1], 10000), 0.5);
  EXPECT_EQ(panel.legend_title, "optimizer.lr");
  EXPECT_EQ(panel.legend[1].label, "0.5");
}

const Table* find_table(const ReportContent& content) {
  for (const ReportSection& section : content.sections)
    for (const ReportBlock& block : section.blocks)
      if (const auto* table = std::get_if<Table>(&block); table != nullptr && table->caption.find("Success per trial") != std::string::npos) return table;
  return nullptr;
}

TEST(SuccessReport, TheTableShowsTimeToSuccessBesideTheMedianOverSuccesses) {
  ScratchDir scratch;
  RunStore store(scratch / "runs.db");
  SyntheticRun spec = mirror_run({1100, 2756, 7800, std::nullopt}, 10000);
  spec.trials = {SyntheticTrial{{{"optimizer.lr", "0.1"}}, 2}, SyntheticTrial{{{"optimizer.lr", "0.5"}}, 2}};
  spec.trial_summary = [](std::size_t trial, json& entry) {
    entry["succeeded"] = trial == 0 ? 2 : 1;
    entry["epochs_to_success"] = {{"median", trial == 0 ? 1928.0 : 7800.0}, {"q25", 1514.0}, {"q75", 2342.0}, {"count", 2}};
    if (trial == 0)
      entry["time_to_success"] = {{"median", 2756}, {"q25", 1100}, {"q75", nullptr}, {"censored_at", 10000}, {"median_text", "2756"}, {"reached", 2}};
  };
  const RunId run = testing::record_synthetic_run(store, spec);
  const std::vector<RunId> runs{run};
  const ReportContent content = run_report_content(store, runs);
  const Table* table = find_table(content);
  ASSERT_NE(table, nullptr);
  ASSERT_EQ(table->rows.size(), 2u);
  ASSERT_EQ(table->header.size(), table->rows[0].size());
  const auto column = [&](const std::string& start) {
    for (std::size_t c = 0; c < table->header.size(); ++c)
      if (table->header[c].starts_with(start)) return c;
    ADD_FAILURE() << start;
    return std::size_t{0};
  };
  EXPECT_EQ(table->rows[0][column("time to success")], "2756 (1100, > 10000)");  // the upper quartile is not reached
  EXPECT_EQ(table->rows[1][column("time to success")], "—");                     // an older summary
  EXPECT_EQ(table->rows[0][column("epochs to success")], "1928 (1514, 2342)");
  EXPECT_EQ(table->rows[0][column("succeeded")], "2/2");
  EXPECT_EQ(table->rows[0][column("parameters")], "optimizer.lr=0.1");
}

TEST(SuccessReport, LayerCurvesAreSplitBySolvedAndUnsolved) {
  ScratchDir scratch;
  RunStore store(scratch / "runs.db");
  const RunId run = testing::record_synthetic_run(store, mirror_run({0, 0, std::nullopt, std::nullopt}, 10));
  const std::vector<RunId> runs{run};
  const ReportContent content = run_report_content(store, runs);
  const ReportFigure* figure = testing::find_report_figure(content, "mirror-dead_fraction");
  ASSERT_NE(figure, nullptr);
  const Panel& panel = figure->figure.panels.front();
  EXPECT_EQ(panel.title, "2/4 solved");
  const auto lines = marks_of_type<LineMark>(panel);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_FALSE(lines[0].dashed);
  EXPECT_NEAR(lines[0].y.back(), 0.1, 1e-6);  // the median of the members that met the criterion
  EXPECT_TRUE(lines[1].dashed);
  EXPECT_NEAR(lines[1].y.back(), 0.6, 1e-6);  // of the others
  ASSERT_EQ(panel.legend.size(), 3u);
  EXPECT_EQ(panel.legend[1].label, "solved");
  EXPECT_EQ(panel.legend[2].label, "not solved");
  EXPECT_EQ(panel.legend[2].symbol, LegendSymbol::dashed_line);
}

}  // namespace
}  // namespace nnlab
