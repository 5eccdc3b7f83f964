// The early-stopping criteria as a fold over hand-written series: each stops at the epoch
// worked out by hand in the comments (Prechelt 1997's GL, PQ and UP; patience as Keras counts it).
#include "train/stopping_criteria.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace nnlab {
namespace {

struct Folded {
  std::int64_t stopped = -1;  // -1: ran through the series
  std::int64_t best = -1;
};

// Feeds epochs 1, 2, ... of `monitored` (and `train`, when given) until the criterion stops.
Folded fold(const EarlyStoppingConfig& config, const std::vector<double>& monitored, const std::vector<double>& train = {}) {
  StoppingState state;
  Folded run;
  for (std::size_t i = 0; i < monitored.size(); ++i) {
    const auto epoch = static_cast<std::int64_t>(i + 1);
    const StoppingStep step = observe(config, state, epoch, monitored[i], train.empty() ? 1.0 : train[i]);
    if (step.improved) run.best = epoch;
    if (step.stop) {
      run.stopped = epoch;
      break;
    }
  }
  EXPECT_EQ(state.best_epoch, run.best);
  EXPECT_EQ(state.stopped_epoch, run.stopped);
  return run;
}

TEST(StoppingCriteria, PatienceCountsEpochsWithoutANewBest) {
  // Best 0.8 at epoch 2; 0.9, 0.85 and an equal 0.8 are three epochs without a new best.
  const Folded run = fold({.patience = 3}, {1.0, 0.8, 0.9, 0.85, 0.8, 0.79});
  EXPECT_EQ(run.stopped, 5);
  EXPECT_EQ(run.best, 2);
  // Patience 4 would wait for epoch 6, which improves: no stop in the series.
  EXPECT_EQ(fold({.patience = 4}, {1.0, 0.8, 0.9, 0.85, 0.8, 0.79}).stopped, -1);
}

TEST(StoppingCriteria, MinDeltaIsWhatANewBestMustBeat) {
  // min_delta 0.05: 0.96 is no new best after 1.0 (needs < 0.95), 0.9 is; 0.88, 0.86 are not
  // (need < 0.85), 0.84 is (epoch 6); then 0.83 three times is not (needs < 0.79): stop at 9.
  const Folded run = fold({.patience = 3, .min_delta = 0.05}, {1.0, 0.96, 0.9, 0.88, 0.86, 0.84, 0.83, 0.83, 0.83});
  EXPECT_EQ(run.best, 6);
  EXPECT_EQ(run.stopped, 9);
}

TEST(StoppingCriteria, SmoothingJudgesTheMovingAverage) {
  const std::vector<double> series{1.0, 0.6, 0.8, 0.7, 0.9};
  // Raw: best 0.6 at epoch 2, then 0.8, 0.7: patience 2 stops at 4.
  EXPECT_EQ(fold({.patience = 2}, series).stopped, 4);
  // Window 2: 1.0, 0.8, 0.7, 0.75, 0.8: best at epoch 3, stop at 5.
  const Folded smoothed = fold({.patience = 2, .smoothing = 2}, series);
  EXPECT_EQ(smoothed.best, 3);
  EXPECT_EQ(smoothed.stopped, 5);
}

TEST(StoppingCriteria, AccuracyIsMonitoredAsAnError) {
  // Errors 0.5, 0.4, 0.4, 0.45: best at epoch 2, two epochs without a better one.
  const Folded run = fold({.monitor = MonitorKind::validation_accuracy, .patience = 2}, {0.5, 0.6, 0.6, 0.55});
  EXPECT_EQ(run.best, 2);
  EXPECT_EQ(run.stopped, 4);
}

TEST(StoppingCriteria, GeneralisationLossAboveAlphaStops) {
  EXPECT_DOUBLE_EQ(generalisation_loss(0.85, 0.8), 6.25);
  // E_opt 0.8 from epoch 2; GL = 2.5, 3.75, 6.25: above 5 at epoch 5.
  const Folded run = fold({.criterion = StoppingCriterion::gl, .alpha = 5}, {1.0, 0.8, 0.82, 0.83, 0.85});
  EXPECT_EQ(run.best, 2);
  EXPECT_EQ(run.stopped, 5);
  EXPECT_EQ(fold({.criterion = StoppingCriterion::gl, .alpha = 7}, {1.0, 0.8, 0.82, 0.83, 0.85}).stopped, -1);
}

TEST(StoppingCriteria, ProgressQuotientIsJudgedAtStripEnds) {
  // P_3 over [1.0, 0.9, 0.8]: 1000 · (2.7 / 2.4 − 1) = 125.
  EXPECT_NEAR(training_progress({1.0, 0.9, 0.8}), 125.0, 1e-9);
  const std::vector<double> train{1.0, 0.9, 0.8, 0.79, 0.785, 0.78};
  const std::vector<double> validation{1.0, 0.9, 0.95, 0.96, 0.97, 0.98};
  // Epoch 3: GL = 100 · (0.95 / 0.9 − 1) = 5.56, P = 125, PQ = 0.044. Epoch 6: GL = 8.89,
  // P = 1000 · (2.355 / 2.34 − 1) = 6.41, PQ = 1.39 > 0.5: stop. (Judged at epoch 5, the last
  // three epochs would give PQ = 7.78 / 8.49 = 0.92 > 0.5; epoch 5 ends no strip.)
  const Folded run = fold({.criterion = StoppingCriterion::pq, .alpha = 0.5, .strip = 3}, validation, train);
  EXPECT_EQ(run.stopped, 6);
  EXPECT_EQ(run.best, 2);
  // GL_5 on the same series stops at epoch 3 already.
  EXPECT_EQ(fold({.criterion = StoppingCriterion::gl, .alpha = 5}, validation).stopped, 3);
}

TEST(StoppingCriteria, UpStopsAfterSSuccessiveStripEndIncreases) {
  // Strip ends (k = 2) at epochs 2, 4, 6, 8, 10: 0.8, 0.9 (up), 0.85 (down), 0.9 (up), 0.95 (up):
  // the second successive increase is at epoch 10. Epoch 9's 0.5, inside a strip, is the best
  // epoch but is never compared.
  const std::vector<double> series{1.0, 0.8, 0.7, 0.9, 0.6, 0.85, 0.7, 0.9, 0.5, 0.95};
  const Folded run = fold({.criterion = StoppingCriterion::up, .strip = 2, .s = 2}, series);
  EXPECT_EQ(run.stopped, 10);
  EXPECT_EQ(run.best, 9);
  EXPECT_EQ(fold({.criterion = StoppingCriterion::up, .strip = 2, .s = 1}, series).stopped, 4);
  // An equal value at a strip end is no increase.
  EXPECT_EQ(fold({.criterion = StoppingCriterion::up, .strip = 2, .s = 1}, {1.0, 0.8, 0.7, 0.8}).stopped, -1);
}

TEST(StoppingCriteria, NanNeverImprovesNorStopsGl) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(fold({.patience = 2}, {1.0, nan, nan}).stopped, 3);
  EXPECT_EQ(fold({.criterion = StoppingCriterion::gl, .alpha = 0}, {1.0, nan, nan}).stopped, -1);
}

TEST(StoppingCriteria, AnEpochSeenBeforeOrAfterTheStopIsIgnored) {
  const EarlyStoppingConfig config{.patience = 1};
  StoppingState state;
  EXPECT_TRUE(observe(config, state, 1, 1.0, 1.0).improved);
  const StoppingState before = state;
  const StoppingStep again = observe(config, state, 1, 2.0, 1.0);
  EXPECT_FALSE(again.improved || again.stop);
  EXPECT_EQ(state.since_best, before.since_best);
  EXPECT_TRUE(observe(config, state, 2, 2.0, 1.0).stop);
  EXPECT_FALSE(observe(config, state, 3, 0.1, 1.0).improved);
  EXPECT_EQ(state.best_epoch, 1);
}

TEST(StoppingCriteria, OutOfRangeOptionsAreRejected) {
  EXPECT_THROW(validate({.patience = 0}), std::invalid_argument);
  EXPECT_THROW(validate({.min_delta = -1}), std::invalid_argument);
  EXPECT_THROW(validate({.smoothing = 0}), std::invalid_argument);
  EXPECT_THROW(validate({.strip = 0}), std::invalid_argument);
  EXPECT_NO_THROW(validate({}));
}

}  // namespace
}  // namespace nnlab
