// Learning-rate schedules against values computed by hand.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "optim/schedule.hpp"

namespace nnlab {
namespace {

double rate(const ScheduleSpec& spec, double lr, std::int64_t t) { return scheduled_learning_rate(spec, lr, t); }

TEST(Schedule, Constant) {
  const ScheduleSpec spec{.kind = ScheduleKind::constant};
  EXPECT_DOUBLE_EQ(rate(spec, 0.1, 0), 0.1);
  EXPECT_DOUBLE_EQ(rate(spec, 0.1, 1000), 0.1);
}

TEST(Schedule, StepHalvesEveryThird) {
  const ScheduleSpec spec{.kind = ScheduleKind::step, .gamma = 0.5, .step_size = 3};
  EXPECT_DOUBLE_EQ(rate(spec, 0.1, 0), 0.1);
  EXPECT_DOUBLE_EQ(rate(spec, 0.1, 2), 0.1);
  EXPECT_DOUBLE_EQ(rate(spec, 0.1, 3), 0.05);
  EXPECT_DOUBLE_EQ(rate(spec, 0.1, 5), 0.05);
  EXPECT_DOUBLE_EQ(rate(spec, 0.1, 6), 0.025);
  EXPECT_DOUBLE_EQ(rate(spec, 0.1, 9), 0.0125);
}

TEST(Schedule, Exponential) {
  const ScheduleSpec spec{.kind = ScheduleKind::exponential, .gamma = 0.9};
  EXPECT_DOUBLE_EQ(rate(spec, 0.2, 0), 0.2);
  EXPECT_DOUBLE_EQ(rate(spec, 0.2, 1), 0.18);
  EXPECT_DOUBLE_EQ(rate(spec, 0.2, 2), 0.162);
  EXPECT_NEAR(rate(spec, 0.2, 10), 0.06973568802, 1e-12);  // 0.2 * 0.9^10 = 0.2 * 0.3486784401
}

TEST(Schedule, InverseTime) {
  const ScheduleSpec spec{.kind = ScheduleKind::inverse_time, .decay = 0.5};
  EXPECT_DOUBLE_EQ(rate(spec, 1.0, 0), 1.0);
  EXPECT_DOUBLE_EQ(rate(spec, 1.0, 2), 0.5);   // 1 / (1 + 0.5 * 2)
  EXPECT_DOUBLE_EQ(rate(spec, 1.0, 6), 0.25);  // 1 / (1 + 0.5 * 6)
}

TEST(Schedule, LinearDecaysToZeroAndStaysThere) {
  const ScheduleSpec spec{.kind = ScheduleKind::linear, .decay = 0.25};
  EXPECT_DOUBLE_EQ(rate(spec, 0.1, 0), 0.1);
  EXPECT_DOUBLE_EQ(rate(spec, 0.1, 1), 0.075);  // 0.1 (1 - 0.25)
  EXPECT_DOUBLE_EQ(rate(spec, 0.1, 2), 0.05);
  EXPECT_DOUBLE_EQ(rate(spec, 0.1, 4), 0.0);
  EXPECT_DOUBLE_EQ(rate(spec, 0.1, 10), 0.0);  // clamped, never negative
}

TEST(Schedule, LinearWithNegativeDecayGrows) {
  // lr (1 + 2e-4 t): the growing rate of Rumelhart-era experiments.
  const ScheduleSpec spec{.kind = ScheduleKind::linear, .decay = -2e-4};
  EXPECT_DOUBLE_EQ(rate(spec, 0.1, 0), 0.1);
  EXPECT_NEAR(rate(spec, 0.1, 1000), 0.12, 1e-15);
  EXPECT_NEAR(rate(spec, 0.1, 5000), 0.2, 1e-15);
}

TEST(Schedule, CosineAnnealsToEtaMinAndHolds) {
  const ScheduleSpec spec{.kind = ScheduleKind::cosine, .period = 4, .eta_min = 0.1};
  EXPECT_DOUBLE_EQ(rate(spec, 1.0, 0), 1.0);
  EXPECT_NEAR(rate(spec, 1.0, 1), 0.1 + 0.45 * (1.0 + std::sqrt(0.5)), 1e-15);  // cos(pi/4) = sqrt(1/2): 0.868198...
  EXPECT_NEAR(rate(spec, 1.0, 2), 0.55, 1e-15);                                 // cos(pi/2) = 0
  EXPECT_NEAR(rate(spec, 1.0, 4), 0.1, 1e-15);
  EXPECT_NEAR(rate(spec, 1.0, 9), 0.1, 1e-15);  // held after the period
}

void expect_rejected(const ScheduleSpec& spec, double lr, std::int64_t t, const std::string& key) {
  try {
    scheduled_learning_rate(spec, lr, t);
    ADD_FAILURE() << "accepted; expected an error about " << key;
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find(key), std::string::npos) << error.what();
  }
}

TEST(Schedule, RejectsNonsense) {
  expect_rejected({.kind = ScheduleKind::step, .step_size = 0}, 0.1, 0, "step_size");
  expect_rejected({.kind = ScheduleKind::step, .gamma = -0.5, .step_size = 2}, 0.1, 0, "gamma");
  expect_rejected({.kind = ScheduleKind::exponential, .gamma = 0.0}, 0.1, 0, "gamma");
  expect_rejected({.kind = ScheduleKind::inverse_time, .decay = -1.0}, 0.1, 0, "decay");
  expect_rejected({.kind = ScheduleKind::linear, .decay = std::numeric_limits<double>::quiet_NaN()}, 0.1, 0, "decay");
  expect_rejected({.kind = ScheduleKind::cosine, .period = 0}, 0.1, 0, "period");
  expect_rejected({.kind = ScheduleKind::cosine, .period = -3}, 0.1, 0, "period");
  expect_rejected({.kind = ScheduleKind::cosine, .period = 3, .eta_min = -1.0}, 0.1, 0, "eta_min");
  expect_rejected({}, -0.1, 0, "lr");
  expect_rejected({}, std::numeric_limits<double>::infinity(), 0, "lr");
  expect_rejected({}, 0.1, -1, "t");
  EXPECT_NO_THROW(validate(ScheduleSpec{.kind = ScheduleKind::step, .step_size = 0 + 1}));
}

TEST(Schedule, NamesRoundTrip) {
  for (const auto kind : {ScheduleKind::constant, ScheduleKind::step, ScheduleKind::exponential,
                          ScheduleKind::inverse_time, ScheduleKind::linear, ScheduleKind::cosine})
    EXPECT_EQ(parse_schedule_kind(schedule_kind_name(kind)), kind);
  EXPECT_EQ(schedule_kind_name(ScheduleKind::inverse_time), "inverse_time");
  EXPECT_FALSE(parse_schedule_kind("cosin").has_value());
}

}  // namespace
}  // namespace nnlab
