// The Kaplan–Meier estimator and Greenwood's variance against hand-computed censored samples.
#include "core/statistics.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace nnlab {
namespace {

SurvivalSubject event(double t) { return {.time = t, .event = true}; }
SurvivalSubject censored(double t) { return {.time = t, .event = false}; }

TEST(KaplanMeier, SixSubjectsWithCensoring) {
  // Times 3, 4+, 5, 5, 8+, 10 (+ = censored), given out of order.
  //   t = 3:  n = 6, d = 1            S = 5/6
  //   4+ leaves: 4 at risk at t = 5
  //   t = 5:  n = 4, d = 2            S = 5/6 · 2/4 = 5/12
  //           Greenwood: (5/12)^2 (1/(6·5) + 2/(4·2)) = (25/144)(17/60) = 85/1728
  //   8+ leaves: 1 at risk at t = 10
  //   t = 10: n = 1, d = 1            S = 0 (variance reported as 0)
  // Quantiles: q25 = smallest t with S <= 0.75 = 5; median (S <= 0.5) = 5; q75 (S <= 0.25) = 10.
  const SurvivalCurve curve = kaplan_meier({event(10), censored(4), event(5), censored(8), event(3), event(5)});
  ASSERT_EQ(curve.steps.size(), 3u);
  EXPECT_EQ(curve.subjects, 6);
  EXPECT_EQ(curve.events, 4);
  EXPECT_EQ(curve.last_time, 10);
  EXPECT_EQ(curve.steps[0].time, 3);
  EXPECT_EQ(curve.steps[0].at_risk, 6);
  EXPECT_EQ(curve.steps[1].time, 5);
  EXPECT_EQ(curve.steps[1].at_risk, 4);
  EXPECT_EQ(curve.steps[1].events, 2);
  EXPECT_EQ(curve.steps[2].at_risk, 1);
  EXPECT_DOUBLE_EQ(curve.survival_at(2.9), 1.0);
  EXPECT_DOUBLE_EQ(curve.survival_at(3), 5.0 / 6);
  EXPECT_DOUBLE_EQ(curve.survival_at(4.5), 5.0 / 6);
  EXPECT_DOUBLE_EQ(curve.survival_at(5), 5.0 / 12);
  EXPECT_DOUBLE_EQ(curve.survival_at(9), 5.0 / 12);
  EXPECT_EQ(curve.survival_at(10), 0.0);
  // Greenwood at t = 3: (5/6)^2 · 1/(6·5) = 25/1080.
  EXPECT_DOUBLE_EQ(curve.variance_at(3), 25.0 / 1080);
  EXPECT_DOUBLE_EQ(curve.variance_at(7), 85.0 / 1728);
  EXPECT_EQ(curve.variance_at(10), 0.0);
  EXPECT_EQ(curve.variance_at(1), 0.0);
  EXPECT_EQ(curve.quantile(0.25), 5.0);
  EXPECT_EQ(curve.quantile(0.5), 5.0);
  EXPECT_EQ(curve.quantile(0.75), 10.0);
}

TEST(KaplanMeier, QuantileNotReachedAndTiesOfEventAndCensoring) {
  // Times 1, 2+, 3, 4, 4, 6, 6+, 9+. At t = 6 one event and one censoring: the censored
  // subject is still at risk at 6.
  //   t = 1: n = 8, d = 1   S = 7/8                       Greenwood sum 1/56
  //   t = 3: n = 6, d = 1   S = 7/8 · 5/6 = 35/48         sum += 1/30
  //   t = 4: n = 5, d = 2   S = 35/48 · 3/5 = 7/16        sum += 2/15  -> 31/168
  //          Var = (7/16)^2 · 31/168 = 217/6144
  //   t = 6: n = 3, d = 1   S = 7/16 · 2/3 = 7/24         sum += 1/6   -> 59/168
  //          Var = (7/24)^2 · 59/168 = 413/13824
  // The curve ends at 7/24 ≈ 0.29 > 0.25: q75 is not reached. q25 = 3 (35/48 ≈ 0.73), median = 4.
  const SurvivalCurve curve = kaplan_meier({event(1), censored(2), event(3), event(4), event(4), event(6), censored(6), censored(9)});
  ASSERT_EQ(curve.steps.size(), 4u);
  EXPECT_EQ(curve.steps[3].at_risk, 3);
  EXPECT_EQ(curve.steps[3].censored, 1);
  EXPECT_DOUBLE_EQ(curve.survival_at(3), 35.0 / 48);
  EXPECT_DOUBLE_EQ(curve.survival_at(4), 7.0 / 16);
  EXPECT_DOUBLE_EQ(curve.survival_at(100), 7.0 / 24);
  EXPECT_NEAR(curve.variance_at(4), 217.0 / 6144, 1e-15);
  EXPECT_NEAR(curve.variance_at(8), 413.0 / 13824, 1e-15);
  EXPECT_EQ(curve.quantile(0.25), 3.0);
  EXPECT_EQ(curve.quantile(0.5), 4.0);
  EXPECT_FALSE(curve.quantile(0.75).has_value());
  const auto [low, high] = survival_band(curve.steps[2]);
  EXPECT_NEAR(low, 7.0 / 16 - 1.959963984540054 * std::sqrt(217.0 / 6144), 1e-12);
  EXPECT_NEAR(high, 7.0 / 16 + 1.959963984540054 * std::sqrt(217.0 / 6144), 1e-12);
}

TEST(KaplanMeier, MedianExactlyAtOneHalfDespiteRounding) {
  // 24 subjects, one event at each of t = 1..13, the other 11 censored at 100. After 12 events
  // S = prod_{n=13}^{24} (1 - 1/n) = 12/24 = 1/2 exactly, but the floating-point product is
  // 0.5000000000000001; the median is still t = 12, not 13.
  std::vector<SurvivalSubject> subjects;
  for (int t = 1; t <= 13; ++t) subjects.push_back(event(t));
  for (int i = 0; i < 11; ++i) subjects.push_back(censored(100));
  const SurvivalCurve curve = kaplan_meier(subjects);
  EXPECT_NEAR(curve.survival_at(12), 0.5, 1e-15);
  EXPECT_EQ(curve.quantile(0.5), 12.0);
}

TEST(KaplanMeier, WithoutCensoringIsTheEmpiricalDistribution) {
  // No censoring: S(t) = share of subjects with time > t, and the median is the lower median.
  const SurvivalCurve curve = kaplan_meier({event(4), event(1), event(3), event(2)});
  EXPECT_DOUBLE_EQ(curve.survival_at(1), 0.75);
  EXPECT_DOUBLE_EQ(curve.survival_at(2), 0.5);
  EXPECT_EQ(curve.survival_at(4), 0.0);
  EXPECT_EQ(curve.quantile(0.5), 2.0);
  EXPECT_EQ(curve.quantile(1.0), 4.0);
}

TEST(KaplanMeier, EveryoneCensoredOrNoOne) {
  const SurvivalCurve censored_only = kaplan_meier({censored(5), censored(7)});
  EXPECT_TRUE(censored_only.steps.empty());
  EXPECT_EQ(censored_only.survival_at(10), 1.0);
  EXPECT_FALSE(censored_only.quantile(0.5).has_value());
  const SurvivalCurve empty = kaplan_meier({});
  EXPECT_EQ(empty.subjects, 0);
  EXPECT_FALSE(empty.quantile(0.25).has_value());
}

}  // namespace
}  // namespace nnlab

namespace nnlab {
namespace {

// The runner's pick of a trial's median member and the report's caption use this one rule.
TEST(LowerMedianPosition, NonFiniteLastAndTiesToTheEarlierPosition) {
  const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(lower_median_position(std::vector<double>{}), 0u);
  EXPECT_EQ(lower_median_position(std::vector<double>{0.3}), 0u);
  EXPECT_EQ(lower_median_position(std::vector<double>{0.4, 0.1, 0.3, 0.2}), 3u);  // sorted 0.1 0.2 | 0.3 0.4: lower median 0.2
  EXPECT_EQ(lower_median_position(std::vector<double>{0.5, 0.5, 0.5}), 1u);        // all tied: the middle position
  EXPECT_EQ(lower_median_position(std::vector<double>{nan, inf, 0.2, 0.1, 0.3}), 4u);  // 0.1 0.2 0.3 | nan inf
  EXPECT_EQ(lower_median_position(std::vector<double>{inf, nan, -inf}), 1u);        // all non-finite: equals, the middle
}

}  // namespace
}  // namespace nnlab
