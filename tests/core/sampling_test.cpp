// Gamma and Beta variates (core/sampling.hpp): sample moments over 100,000 draws against the
// formulas (Gamma(k): mean k, variance k; Beta(a, b): mean a/(a+b), variance
// ab/((a+b)²(a+b+1))), tiny shapes that stay in range, and reproducibility from the key.
#include "core/sampling.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

namespace nnlab {
namespace {

constexpr int draws = 100'000;

struct Moments {
  double mean = 0, variance = 0;
};

template <typename Draw>
Moments moments(Draw draw) {
  double sum = 0, squares = 0;
  for (int i = 0; i < draws; ++i) {
    const double x = draw();
    sum += x, squares += x * x;
  }
  const double mean = sum / draws;
  return {mean, squares / draws - mean * mean};
}

TEST(Sampling, GammaMomentsMatchTheShape) {
  for (const double shape : {0.2, 0.7, 1.0, 2.5, 9.0}) {
    SCOPED_TRACE(shape);
    CounterRng rng(11, RngPurpose::mixup);
    const Moments m = moments([&] { return std::exp(log_gamma_sample(rng, shape)); });
    // Four standard errors: sqrt(k / n) for the mean, k sqrt((6/k + 2) / n) for the variance
    // (excess kurtosis 6/k).
    EXPECT_NEAR(m.mean, shape, 4 * std::sqrt(shape / draws));
    EXPECT_NEAR(m.variance, shape, 4 * shape * std::sqrt((6 / shape + 2) / draws));
  }
  CounterRng rng(1, RngPurpose::mixup);
  EXPECT_THROW(log_gamma_sample(rng, 0.0), std::invalid_argument);
  EXPECT_THROW(log_gamma_sample(rng, -1.0), std::invalid_argument);
}

TEST(Sampling, BetaMomentsMatchTheFormula) {
  for (const auto& [a, b] : {std::pair{0.2, 0.2}, std::pair{1.0, 1.0}, std::pair{2.0, 5.0}, std::pair{0.5, 1.5}}) {
    SCOPED_TRACE(::testing::Message() << a << ", " << b);
    CounterRng rng(5, RngPurpose::mixup, 1);
    const double mean = a / (a + b), variance = a * b / ((a + b) * (a + b) * (a + b + 1));
    const Moments m = moments([&] {
      const double x = beta_sample(rng, a, b);
      EXPECT_TRUE(x >= 0.0 && x <= 1.0);
      return x;
    });
    EXPECT_NEAR(m.mean, mean, 4 * std::sqrt(variance / draws));
    EXPECT_NEAR(m.variance, variance, 0.02 * variance);
  }
}

TEST(Sampling, TinyAlphaGivesZeroOrOneAndNeverNaN) {
  CounterRng rng(3, RngPurpose::mixup);
  int ones = 0;
  for (int i = 0; i < 2000; ++i) {
    const double lambda = beta_sample(rng, 1e-9, 1e-9);
    ASSERT_TRUE(lambda == 0.0 || lambda == 1.0) << lambda;
    ones += lambda == 1.0;
  }
  EXPECT_NEAR(ones, 1000, 120);  // symmetric: each half the time
}

TEST(Sampling, TheKeyDeterminesTheDraws) {
  CounterRng a(9, RngPurpose::mixup, 2, 7), b(9, RngPurpose::mixup, 2, 7), c(9, RngPurpose::mixup, 3, 7);
  const double first = beta_sample(a, 0.2, 0.2);
  EXPECT_EQ(first, beta_sample(b, 0.2, 0.2));
  EXPECT_NE(first, beta_sample(c, 0.2, 0.2));
}

}  // namespace
}  // namespace nnlab
