// Histograms checked against counts worked out by hand.
#include "core/histogram.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

namespace nnlab {
namespace {

TEST(Histogram, EqualWidthBinsWithTheMaximumInTheLastBin) {
  // [0, 4] in 4 bins of width 1: {0, 0.5} {1, 1.9} {2} {3, 4}.
  const std::vector<float> values{0.0f, 0.5f, 1.0f, 1.9f, 2.0f, 3.0f, 4.0f};
  const Histogram h = make_histogram(values, 4);
  EXPECT_EQ(h.low, 0.0);
  EXPECT_EQ(h.high, 4.0);
  EXPECT_EQ(h.counts, (std::vector<std::int64_t>{2, 2, 1, 2}));
  EXPECT_EQ(h.nonfinite, 0);
}

TEST(Histogram, NonFiniteValuesAreCountedApart) {
  const float inf = std::numeric_limits<float>::infinity();
  const std::vector<float> values{-1.0f, std::nanf(""), inf, 1.0f, -inf};
  const Histogram h = make_histogram(values, 2);
  EXPECT_EQ(h.counts, (std::vector<std::int64_t>{1, 1}));
  EXPECT_EQ(h.nonfinite, 3);
  EXPECT_EQ(h.low, -1.0);
}

TEST(Histogram, EqualValuesFillTheMiddleBinAndNothingFillsNothing) {
  const std::vector<float> same{2.5f, 2.5f, 2.5f};
  const Histogram h = make_histogram(same, 5);
  EXPECT_EQ(h.counts, (std::vector<std::int64_t>{0, 0, 3, 0, 0}));
  EXPECT_EQ(h.low, 2.5);
  EXPECT_EQ(h.high, 2.5);
  const Histogram empty = make_histogram(std::vector<float>{}, 3);
  EXPECT_EQ(empty.counts, (std::vector<std::int64_t>{0, 0, 0}));
  EXPECT_THROW(make_histogram(same, 0), std::invalid_argument);
}

}  // namespace
}  // namespace nnlab
