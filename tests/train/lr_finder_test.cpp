// The LR range test: the smoothing and the suggestions as pure functions (by hand and against
// tests/train/golden_lr_finder.py), the range_test schedule, and the hook inside the trainer —
// divergence stops, and a member's curve alone equals its curve inside a mixed population.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <tuple>
#include <vector>

#include "optim/schedule.hpp"
#include "train/golden_lr_finder.hpp"
#include "train/independent_data.hpp"
#include "train/lr_finder.hpp"
#include "train/trainer.hpp"

namespace nnlab {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

void expect_close(const std::vector<double>& actual, const std::vector<double>& expected, const std::string& what) {
  ASSERT_EQ(actual.size(), expected.size()) << what;
  for (std::size_t i = 0; i < actual.size(); ++i) {
    if (std::isnan(expected[i])) {
      EXPECT_TRUE(std::isnan(actual[i])) << what << " at " << i;
    } else {
      EXPECT_NEAR(actual[i], expected[i], 1e-12 * std::abs(expected[i])) << what << " at " << i;
    }
  }
}

TEST(LossSmoother, BiasCorrectedMovingAverageByHand) {
  // beta 0.5 over 4, 2, 1: averages 2, 2, 1.5; divided by 1 - 0.5, 1 - 0.25, 1 - 0.125.
  const std::vector<double> smoothed = smoothed_losses(std::vector<double>{4, 2, 1}, 0.5);
  ASSERT_EQ(smoothed.size(), 3u);
  EXPECT_DOUBLE_EQ(smoothed[0], 4.0);  // the first smoothed value is the first loss
  EXPECT_DOUBLE_EQ(smoothed[1], 2.0 / 0.75);
  EXPECT_DOUBLE_EQ(smoothed[2], 1.5 / 0.875);
  // beta 0: no smoothing at all.
  EXPECT_EQ(smoothed_losses(std::vector<double>{3, 1, 2}, 0.0), (std::vector<double>{3, 1, 2}));
  // A constant loss stays constant whatever beta (the correction removes the start-up bias).
  for (const double value : smoothed_losses(std::vector<double>(50, 0.7), 0.98)) EXPECT_NEAR(value, 0.7, 1e-12);
}

TEST(LrSuggestion, SteepestAndMinimumByHand) {
  // Slopes per decade (ln 10 apart): -1, -3, -0.5, 2.5 -> steepest from rate 10; minimum at 1000.
  const std::vector<double> rates{1, 10, 100, 1000, 10000}, losses{5, 4, 1, 0.5, 3};
  const LrSuggestion all = suggest_learning_rates(rates, losses, 0, 0);
  EXPECT_EQ(all.steepest, 10);
  EXPECT_EQ(all.steepest_step, 1);
  EXPECT_EQ(all.minimum, 1000);
  EXPECT_EQ(all.minimum_step, 3);
  EXPECT_EQ(all.minimum_loss, 0.5);
  EXPECT_EQ(all.minimum_over_10(), 100);
  // Trimming the first two points leaves 100 -> 1000 as the only descent.
  const LrSuggestion trimmed = suggest_learning_rates(rates, losses, 2, 0);
  EXPECT_EQ(trimmed.steepest, 100);
  EXPECT_EQ(trimmed.minimum, 1000);
  // The curve ends before its first NaN: 5, 4 remain, the minimum is 4 at rate 10.
  const std::vector<double> broken{5, 4, nan, 0.1, 0.05};
  const LrSuggestion cut = suggest_learning_rates(rates, broken, 0, 0);
  EXPECT_EQ(cut.steepest, 1);
  EXPECT_EQ(cut.minimum, 10);
  // Too short: one point has a minimum but no slope; none has neither.
  const LrSuggestion one = suggest_learning_rates(rates, losses, 0, 4);
  EXPECT_TRUE(std::isnan(one.steepest));
  EXPECT_EQ(one.steepest_step, -1);
  EXPECT_EQ(one.minimum, 1);
  const LrSuggestion none = suggest_learning_rates(rates, losses, 3, 3);
  EXPECT_TRUE(std::isnan(none.minimum));
  EXPECT_TRUE(std::isnan(none.minimum_over_10()));
  EXPECT_THROW(suggest_learning_rates(rates, std::vector<double>{1, 2}, 0, 0), std::invalid_argument);
}

ScheduleSpec range(double start, double end, std::int64_t steps, RangeMode mode) {
  ScheduleSpec spec{.kind = ScheduleKind::range_test, .unit = ScheduleUnit::step};
  spec.range_start = start;
  spec.range_end = end;
  spec.range_steps = steps;
  spec.range_mode = mode;
  return spec;
}

std::vector<double> rates_of(const ScheduleSpec& spec, std::int64_t steps) {
  std::vector<double> rates;
  for (std::int64_t t = 0; t < steps; ++t) rates.push_back(scheduled_learning_rate(spec, 123.0, t));  // base_lr is ignored
  return rates;
}

TEST(LrFinderGolden, MatchesTheNumpyReference) {
  namespace g = golden_lr_finder;
  for (const auto& [name, spec, raw, rates, smoothed, beta, steep_step, steep, min_step, min_over_10] :
       {std::tuple{"exp", range(1e-7, 10, 100, RangeMode::exponential), g::exp_case_raw, g::exp_case_rates, g::exp_case_smoothed,
                   g::exp_case_beta, g::exp_case_steepest_step, g::exp_case_steepest, g::exp_case_minimum_step, g::exp_case_minimum_over_10},
        std::tuple{"linear", range(0.01, 2, 60, RangeMode::linear), g::linear_case_raw, g::linear_case_rates, g::linear_case_smoothed,
                   g::linear_case_beta, g::linear_case_steepest_step, g::linear_case_steepest, g::linear_case_minimum_step,
                   g::linear_case_minimum_over_10}}) {
    SCOPED_TRACE(name);
    const auto steps = static_cast<std::int64_t>(raw.size());
    expect_close(rates_of(spec, steps), rates, "rates");
    const LrCurve curve{.rates = rates, .losses = raw, .smoothed = smoothed_losses(raw, beta), .stop = LrStop::steps};
    expect_close(curve.smoothed, smoothed, "smoothed");
    const LrSuggestion suggestion = suggest_learning_rates(curve, steps);
    EXPECT_EQ(suggestion.steepest_step, steep_step);
    EXPECT_NEAR(suggestion.steepest, steep, 1e-15 * steep);
    EXPECT_EQ(suggestion.minimum_step, min_step);
    EXPECT_NEAR(suggestion.minimum_over_10(), min_over_10, 1e-15 * min_over_10);
  }
}

TEST(RangeTestSchedule, ExponentialAndLinearRatesByHand) {
  const ScheduleSpec grows = range(1e-3, 10, 5, RangeMode::exponential);  // x10 per step
  const std::vector<double> expected{1e-3, 1e-2, 1e-1, 1, 10, 10, 10};  // held at end after the last step
  const std::vector<double> rates = rates_of(grows, 7);
  for (std::size_t t = 0; t < expected.size(); ++t) EXPECT_NEAR(rates[t], expected[t], 1e-15 * expected[t]) << t;
  EXPECT_EQ(rates[0], 1e-3);
  const std::vector<double> linear = rates_of(range(0, 1, 5, RangeMode::linear), 5);
  EXPECT_EQ(linear, (std::vector<double>{0, 0.25, 0.5, 0.75, 1}));
  EXPECT_THROW(validate(range(1, 1, 5, RangeMode::exponential)), std::invalid_argument);  // end > start
  EXPECT_THROW(validate(range(0, 1, 5, RangeMode::exponential)), std::invalid_argument);  // exp needs start > 0
  EXPECT_THROW(validate(range(1e-3, 1, 1, RangeMode::exponential)), std::invalid_argument);
  EXPECT_EQ(schedule_kind_name(ScheduleKind::range_test), "range_test");
}

TEST(LrFinderOptions, Validation) {
  EXPECT_NO_THROW(validate(LrFinderOptions{}));
  EXPECT_THROW(validate(LrFinderOptions{.steps = 1}), std::invalid_argument);
  EXPECT_THROW(validate(LrFinderOptions{.smoothing = 1.0}), std::invalid_argument);
  EXPECT_THROW(validate(LrFinderOptions{.smoothing = -0.1}), std::invalid_argument);
  EXPECT_THROW(validate(LrFinderOptions{.diverge = 1.0}), std::invalid_argument);
  EXPECT_EQ(epochs_for_steps(100, 938), 1);
  EXPECT_EQ(epochs_for_steps(100, 13), 8);
  EXPECT_EQ(epochs_for_steps(100, 100), 1);
  EXPECT_EQ(epochs_for_steps(101, 100), 2);
}

// A population of 4-8-3 ReLU classifiers on blobs under SGD, one range per member.
struct Population {
  std::vector<std::uint64_t> seeds;
  std::vector<ModelSpec> specs;
  std::vector<LossSpec> losses;
  std::vector<OptimizerOptions> optimizers;
  std::vector<MemberSetup> setups;

  void add(std::uint64_t seed, double momentum, const ScheduleSpec& schedule, double init_range) {
    ModelSpec spec = testing::relu_classifier(4, 8, 3);
    for (LayerSpec& layer : spec.layers) layer.weight_init = InitSpec{.kind = InitKind::uniform, .low = -init_range, .high = init_range};
    OptimizerOptions sgd = defaults_for(OptimizerKind::sgd);
    sgd.momentum = momentum;
    seeds.push_back(seed);
    specs.push_back(spec);
    losses.push_back(LossSpec{.kind = LossKind::cross_entropy});
    optimizers.push_back(sgd);
    setups.push_back(MemberSetup{.seed = seed, .base_lr = schedule.range_start, .schedule = schedule});
  }
  Population only(std::size_t m) const { return Population{{seeds[m]}, {specs[m]}, {losses[m]}, {optimizers[m]}, {setups[m]}}; }
};

std::vector<LrCurve> find(const Population& p, const Dataset& data, const LrFinderOptions& options, Index batch) {
  const auto loss = make_loss<float>(p.losses);
  Sequential<float> model(p.specs, p.seeds, loss->takes_logits());
  const auto optimizer = make_optimizer(p.optimizers);
  const Index batches = (data.size() + batch - 1) / batch;
  TrainConfig config{.epochs = epochs_for_steps(options.steps, batches), .batch = batch};
  Trainer trainer(model, *loss, *optimizer, p.setups, config, SuccessConfig{});
  LrFinderHook hook(options);
  TrainingHook* const hooks[] = {&hook};
  trainer.fit(TrainingData{&data, nullptr, nullptr}, FitOptions{.hooks = hooks});
  return hook.curves();
}

void expect_identical(const std::vector<double>& alone, const std::vector<double>& together, const char* what) {
  ASSERT_EQ(alone.size(), together.size()) << what;
  EXPECT_EQ(std::memcmp(alone.data(), together.data(), alone.size() * sizeof(double)), 0) << what;
}

TEST(LrFinderHook, AMemberAloneAndInAMixedPopulationGiveTheSameCurve) {
  const Dataset data = testing::blobs(40, 5);  // 120 examples: 8 batches of 16 per epoch
  const LrFinderOptions options{.steps = 40, .smoothing = 0.9, .diverge = 4};
  Population p;
  p.add(1, 0.9, range(1e-4, 50, 40, RangeMode::exponential), 0.5);    // diverges on the way
  p.add(2, 0.0, range(1e-3, 1e-2, 40, RangeMode::exponential), 0.3);  // runs all 40 steps
  p.add(3, 0.5, range(0.01, 5, 40, RangeMode::linear), 0.7);
  p.add(4, 0.9, range(1e-4, 50, 40, RangeMode::exponential), 0.5);    // member 0's settings, another seed
  const std::vector<LrCurve> together = find(p, data, options, 16);
  ASSERT_EQ(together.size(), 4u);
  EXPECT_NE(together[0].stop, LrStop::steps);  // stopped early, while the others went on
  EXPECT_LT(together[0].rates.size(), 40u);
  EXPECT_EQ(together[1].stop, LrStop::steps);
  EXPECT_EQ(together[1].rates.size(), 40u);
  for (std::size_t m = 0; m < together.size(); ++m) {
    SCOPED_TRACE(m);
    const std::vector<LrCurve> alone = find(p.only(m), data, options, 16);
    EXPECT_EQ(alone[0].stop, together[m].stop);
    expect_identical(alone[0].rates, together[m].rates, "rates");
    expect_identical(alone[0].losses, together[m].losses, "losses");
    expect_identical(alone[0].smoothed, together[m].smoothed, "smoothed");
  }
}

TEST(LrFinderHook, StopsAMemberOnceItsSmoothedLossDiverges) {
  const Dataset data = testing::blobs(40, 7);
  const LrFinderOptions options{.steps = 60, .smoothing = 0.8, .diverge = 3};
  Population p;
  p.add(9, 0.9, range(1e-3, 1e4, 60, RangeMode::exponential), 0.5);
  const LrCurve curve = find(p, data, options, 12).front();
  ASSERT_NE(curve.stop, LrStop::running);
  ASSERT_NE(curve.stop, LrStop::steps) << "a rate of 1e4 must blow SGD up";
  ASSERT_LT(curve.rates.size(), 60u);
  // The recorded smoothed values are those of the raw losses, and only the last one breaks the rule.
  const std::vector<double> smoothed = smoothed_losses(curve.losses, options.smoothing);
  ASSERT_EQ(curve.smoothed.size(), smoothed.size());
  double best = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < smoothed.size(); ++i) {
    if (std::isfinite(smoothed[i])) {
      EXPECT_EQ(curve.smoothed[i], smoothed[i]) << i;
    }
    const bool last = i + 1 == smoothed.size();
    if (std::isfinite(smoothed[i])) best = std::min(best, smoothed[i]);
    const bool breaks = !std::isfinite(smoothed[i]) || smoothed[i] > options.diverge * best;
    EXPECT_EQ(breaks, last) << "step " << i;
  }
  // The rates are the schedule's, step by step from 0.
  for (std::size_t i = 0; i < curve.rates.size(); ++i)
    EXPECT_EQ(curve.rates[i], scheduled_learning_rate(p.setups[0].schedule, 0.0, static_cast<std::int64_t>(i)));
}

}  // namespace
}  // namespace nnlab
