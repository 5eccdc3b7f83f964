// Nice ticks (1-2-5 steps, decades on log axes), their labels, and the value-to-position mapping.
#include "report/scale.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>

namespace nnlab {
namespace {

std::vector<std::string> labels_of(const std::vector<Tick>& ticks) {
  std::vector<std::string> labels;
  for (const Tick& tick : ticks) labels.push_back(tick.label);
  return labels;
}

TEST(LinearTicks, UnitIntervalInFifths) {
  // Exact doubles: 0.6 is the nearest double to 6/10, not 3 * 0.2.
  EXPECT_EQ(linear_ticks(0, 1, 6), (std::vector<double>{0, 0.2, 0.4, 0.6, 0.8, 1}));
}

TEST(LinearTicks, StepGrowsOneTwoFive) {
  EXPECT_EQ(linear_ticks(0, 1, 11), (std::vector<double>{0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1}));
  EXPECT_EQ(linear_ticks(0, 1, 3), (std::vector<double>{0, 0.5, 1}));
  EXPECT_EQ(linear_ticks(0, 100, 5), (std::vector<double>{0, 50, 100}));
  EXPECT_EQ(linear_ticks(0, 100, 6), (std::vector<double>{0, 20, 40, 60, 80, 100}));
  EXPECT_EQ(linear_ticks(0, 1425, 8), (std::vector<double>{0, 200, 400, 600, 800, 1000, 1200, 1400}));
}

TEST(LinearTicks, OnlyInsideTheRange) {
  EXPECT_EQ(linear_ticks(-0.13, 0.97, 6), (std::vector<double>{0, 0.2, 0.4, 0.6, 0.8}));
  EXPECT_EQ(linear_ticks(-3.5, 3.5, 8), (std::vector<double>{-3, -2, -1, 0, 1, 2, 3}));
  EXPECT_EQ(linear_ticks(0.00123, 0.00157, 4), (std::vector<double>{0.0013, 0.0014, 0.0015}));
}

TEST(LinearTicks, DegenerateRanges) {
  EXPECT_EQ(linear_ticks(2, 2, 5), (std::vector<double>{2}));
  EXPECT_TRUE(linear_ticks(1, 0, 5).empty());
  EXPECT_TRUE(linear_ticks(0, std::numeric_limits<double>::infinity(), 5).empty());
  EXPECT_EQ(linear_ticks(1e9, 1e9 + 1e-7, 5).size(), 2u);  // below double resolution: just the ends
}

TEST(LogTicks, DecadesFromAThousandthToTen) {
  EXPECT_EQ(log_ticks(1e-3, 10, 6), (std::vector<double>{1e-3, 1e-2, 1e-1, 1, 10}));
}

TEST(LogTicks, EveryOtherDecadeWhenCrowded) {
  // 1e-8 .. 1e2 holds 11 decades; at most 6 ticks -> every second, on even exponents so 10^0 stays.
  EXPECT_EQ(log_ticks(1e-8, 1e2, 6), (std::vector<double>{1e-8, 1e-6, 1e-4, 1e-2, 1, 100}));
  // 13 decades, at most 4 ticks -> every 4th decade.
  EXPECT_EQ(log_ticks(1e-9, 1e3, 4), (std::vector<double>{1e-8, 1e-4, 1}));
}

TEST(LogTicks, OneTwoFiveWithinAShortRange) {
  EXPECT_EQ(log_ticks(0.04, 3, 8), (std::vector<double>{0.05, 0.1, 0.2, 0.5, 1, 2}));
  // Too many for the room: decades only.
  EXPECT_EQ(log_ticks(0.009, 1.1, 3), (std::vector<double>{0.01, 0.1, 1}));
}

TEST(LogTicks, LinearInsideOneMantissa) { EXPECT_EQ(log_ticks(2.1, 4.9, 4), (std::vector<double>{3, 4})); }

TEST(LogTicks, RejectsNonPositive) { EXPECT_TRUE(log_ticks(0, 10, 5).empty()); }

TEST(TickLabels, DecimalsFollowTheStep) {
  EXPECT_EQ(labels_of(make_ticks(0, 1, 6, ScaleKind::linear)),
            (std::vector<std::string>{"0", "0.2", "0.4", "0.6", "0.8", "1.0"}));
  EXPECT_EQ(labels_of(make_ticks(0, 1000, 3, ScaleKind::linear)), (std::vector<std::string>{"0", "500", "1000"}));
  EXPECT_EQ(labels_of(make_ticks(-1, 1, 3, ScaleKind::linear)), (std::vector<std::string>{"\u22121", "0", "1"}));
}

TEST(TickLabels, ScientificForTinyAndHugeSteps) {
  EXPECT_EQ(labels_of(make_ticks(0, 3e-6, 4, ScaleKind::linear)),
            (std::vector<std::string>{"0", "1e-6", "2e-6", "3e-6"}));
  EXPECT_EQ(labels_of(make_ticks(0, 4e7, 3, ScaleKind::linear)), (std::vector<std::string>{"0", "2e7", "4e7"}));
}

TEST(TickLabels, LogDecadesPlainOrAsPowers) {
  EXPECT_EQ(labels_of(make_ticks(1e-3, 10, 6, ScaleKind::log)),
            (std::vector<std::string>{"0.001", "0.01", "0.1", "1", "10"}));
  EXPECT_EQ(labels_of(make_ticks(1e-6, 1e-2, 6, ScaleKind::log)),
            (std::vector<std::string>{"10\u207b\u2076", "10\u207b\u2075", "10\u207b\u2074", "10\u207b\u00b3",
                                      "10\u207b\u00b2"}));
}

TEST(FormatNumber, CompactForms) {
  EXPECT_EQ(format_number(0), "0");
  EXPECT_EQ(format_number(0.25), "0.25");
  EXPECT_EQ(format_number(873), "873");
  EXPECT_EQ(format_number(1500), "1500");
  EXPECT_EQ(format_number(2.0 / 3.0), "0.6667");
  EXPECT_EQ(format_number(-0.5), "\u22120.5");
  EXPECT_EQ(format_number(1.5e-6), "1.5e-6");
  EXPECT_EQ(format_number(3e9), "3e9");
}

TEST(Scale, LinearAndLogFractions) {
  const Scale linear(ScaleKind::linear, 10, 20);
  EXPECT_DOUBLE_EQ(linear.fraction(15), 0.5);
  EXPECT_DOUBLE_EQ(linear.value_at(0.25), 12.5);
  const Scale log(ScaleKind::log, 0.1, 10);
  EXPECT_DOUBLE_EQ(log.fraction(1), 0.5);
  EXPECT_DOUBLE_EQ(log.fraction(10), 1);
  EXPECT_NEAR(log.value_at(0.75), std::sqrt(10.0), 1e-12);
  EXPECT_THROW(Scale(ScaleKind::log, 0, 1), std::invalid_argument);
  EXPECT_THROW(Scale(ScaleKind::linear, 1, 1), std::invalid_argument);
}

TEST(PaddedRange, WidensAndRepairs) {
  const Range padded = padded_range(0, 10, 0.05, ScaleKind::linear);
  EXPECT_DOUBLE_EQ(padded.low, -0.5);
  EXPECT_DOUBLE_EQ(padded.high, 10.5);
  const Range log = padded_range(1, 100, 0.5, ScaleKind::log);  // one decade either side
  EXPECT_NEAR(log.low, 0.1, 1e-12);
  EXPECT_NEAR(log.high, 1000, 1e-9);
  const Range single = padded_range(5, 5, 0, ScaleKind::linear);
  EXPECT_DOUBLE_EQ(single.low, 4.5);
  EXPECT_DOUBLE_EQ(single.high, 5.5);
  const Range empty = padded_range(std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
                                   0.1, ScaleKind::linear);
  EXPECT_DOUBLE_EQ(empty.low, 0);
  EXPECT_DOUBLE_EQ(empty.high, 1);
}

}  // namespace
}  // namespace nnlab
