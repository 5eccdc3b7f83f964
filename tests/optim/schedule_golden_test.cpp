// cosine_restarts, cyclic, one_cycle and warm-ups against torch.optim.lr_scheduler over 300 steps
// (tests/optim/golden_schedules.py); the snapshot-ensemble rate against Huang et al.'s formula
// (tests/optim/golden_snapshot_rate.py). 1e-12 relative: PyTorch's chainable forms (LinearLR,
// CosineAnnealingLR, StepLR after a warm-up) multiply step by step and drift by a few ulps.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "golden_schedules.hpp"
#include "golden_snapshot_rate.hpp"
#include "optim/schedule.hpp"

namespace nnlab {
namespace {

void expect_golden(const ScheduleSpec& spec, double lr, const std::vector<double>& expected) {
  ASSERT_EQ(expected.size(), 300u);
  for (std::size_t t = 0; t < expected.size(); ++t) {
    const double got = scheduled_learning_rate(spec, lr, static_cast<std::int64_t>(t));
    ASSERT_LE(std::abs(got - expected[t]), 1e-12 * std::abs(expected[t]))
        << "t = " << t << ": " << got << " vs PyTorch " << expected[t]
        << " (HINT: re-run /usr/bin/python3 tests/optim/golden_schedules.py > tests/optim/golden_schedules.hpp)";
  }
}

TEST(ScheduleGolden, CosineRestarts) {
  expect_golden({.kind = ScheduleKind::cosine_restarts, .period = 7, .eta_min = 0.001, .period_mult = 1}, 0.1,
                golden_schedules::restarts_mult1);
  expect_golden({.kind = ScheduleKind::cosine_restarts, .period = 5, .period_mult = 2}, 0.1, golden_schedules::restarts_mult2);
  expect_golden({.kind = ScheduleKind::cosine_restarts, .period = 3, .eta_min = 0.01, .period_mult = 3}, 0.5,
                golden_schedules::restarts_mult3);
}

TEST(ScheduleGolden, Cyclic) {
  // base_lr unset: the optimiser's lr is the lower bound; set: it replaces the optimiser's lr.
  expect_golden({.kind = ScheduleKind::cyclic, .max_lr = 0.1, .step_size_up = 20}, 0.01, golden_schedules::cyclic_triangular);
  expect_golden({.kind = ScheduleKind::cyclic, .base_lr = 0.001, .max_lr = 0.1, .step_size_up = 15, .step_size_down = 35,
                 .mode = CyclicMode::triangular2},
                0.01, golden_schedules::cyclic_triangular2);
  expect_golden({.kind = ScheduleKind::cyclic, .gamma = 0.99, .base_lr = 0.002, .max_lr = 0.05, .step_size_up = 25,
                 .mode = CyclicMode::exp_range},
                0.01, golden_schedules::cyclic_exp_range);
}

TEST(ScheduleGolden, OneCycle) {
  expect_golden({.kind = ScheduleKind::one_cycle, .max_lr = 0.1, .total_steps = 300}, 0.01, golden_schedules::one_cycle_cos);
  expect_golden({.kind = ScheduleKind::one_cycle, .max_lr = 0.3, .total_steps = 300, .pct_start = 0.25, .anneal = Anneal::linear,
                 .div_factor = 10, .final_div_factor = 100},
                0.01, golden_schedules::one_cycle_linear);
  expect_golden({.kind = ScheduleKind::one_cycle, .max_lr = 0.2, .total_steps = 300, .pct_start = 0.4, .three_phase = true}, 0.01,
                golden_schedules::one_cycle_three_phase);
}

TEST(ScheduleGolden, OneCycleHoldsItsLastRateAfterTotalSteps) {
  const ScheduleSpec spec{.kind = ScheduleKind::one_cycle, .max_lr = 0.1, .total_steps = 300};
  EXPECT_EQ(scheduled_learning_rate(spec, 0.01, 400), scheduled_learning_rate(spec, 0.01, 299));
}

TEST(ScheduleGolden, WarmupThenInnerSchedule) {
  expect_golden({.kind = ScheduleKind::cosine, .period = 280, .eta_min = 0.001, .warmup_steps = 20, .warmup_start_factor = 0.1}, 0.1,
                golden_schedules::warmup_cosine);
  expect_golden({.kind = ScheduleKind::step, .gamma = 0.5, .step_size = 30, .warmup_steps = 7, .warmup_start_factor = 0.5}, 0.2,
                golden_schedules::warmup_step);
}

// The paper's alpha(t) at t = 1 ... T is nnlab's rate at step t - 1; the last cycle may be shorter.
TEST(ScheduleGolden, SnapshotEnsembleRateIsHuangEtAlsFormula) {
  struct Case {
    double lr;
    std::int64_t total, cycles, period;
    const std::vector<double>& rates;
    const std::vector<std::int64_t>& snapshots;
  };
  using namespace golden_snapshot_rate;
  for (const Case& c : {Case{0.1, 300, 5, 60, snapshot_300_5, snapshot_300_5_snapshots}, Case{0.2, 103, 4, 26, snapshot_103_4, snapshot_103_4_snapshots},
                        Case{0.05, 10, 3, 4, snapshot_10_3, snapshot_10_3_snapshots}, Case{0.3, 7, 1, 7, snapshot_7_1, snapshot_7_1_snapshots}}) {
    SCOPED_TRACE(::testing::Message() << "T = " << c.total << ", M = " << c.cycles);
    const ScheduleSpec spec = snapshot_schedule(c.cycles, c.total);
    EXPECT_EQ(spec.kind, ScheduleKind::snapshot);
    EXPECT_EQ(spec.unit, ScheduleUnit::step);
    EXPECT_EQ(spec.period, c.period);
    ASSERT_EQ(c.rates.size(), static_cast<std::size_t>(c.total));
    for (std::int64_t t = 0; t < c.total; ++t) {
      const double got = scheduled_learning_rate(spec, c.lr, t), expected = c.rates[static_cast<std::size_t>(t)];
      ASSERT_LE(std::abs(got - expected), 1e-15 * std::abs(c.lr)) << "step " << t << " (the paper's t = " << t + 1 << "): " << got << " vs " << expected
                                                                  << " (HINT: re-run /usr/bin/python3 tests/optim/golden_snapshot_rate.py > "
                                                                     "tests/optim/golden_snapshot_rate.hpp)";
    }
    // The cycles end where the paper takes its snapshots: after every period-th step, and the last.
    std::vector<std::int64_t> ends;
    for (std::int64_t step = 1; step <= c.total; ++step)
      if (step % spec.period == 0 || step == c.total) ends.push_back(step);
    EXPECT_EQ(ends, c.snapshots);
  }
}

TEST(ScheduleGolden, SnapshotEnsembleCyclesMustFitTheRun) {
  const auto rejected = [](std::int64_t cycles, std::int64_t total, const std::string& part) {
    try {
      snapshot_schedule(cycles, total);
      ADD_FAILURE() << cycles << " cycles over " << total << " steps accepted";
    } catch (const std::invalid_argument& error) {
      EXPECT_NE(std::string(error.what()).find("cycles: must be"), std::string::npos) << error.what();
      EXPECT_NE(std::string(error.what()).find(part), std::string::npos) << error.what();
    }
  };
  rejected(0, 10, ">= 1");
  rejected(11, 10, "<= the 10 steps");
  rejected(4, 9, "last cycle gets a step");  // 3 cycles of ceil(9 / 4) = 3 steps use all 9
  EXPECT_NO_THROW(snapshot_schedule(10, 10));
  EXPECT_THROW(scheduled_learning_rate({.kind = ScheduleKind::snapshot, .period = 0}, 0.1, 0), std::invalid_argument);
}

TEST(ScheduleGolden, RejectsBadCycles) {
  EXPECT_THROW(scheduled_learning_rate({.kind = ScheduleKind::cosine_restarts, .period = 5, .period_mult = 0}, 0.1, 0),
               std::invalid_argument);
  EXPECT_THROW(scheduled_learning_rate({.kind = ScheduleKind::cyclic, .base_lr = 0.2, .max_lr = 0.1}, 0.1, 0), std::invalid_argument);
  EXPECT_THROW(scheduled_learning_rate({.kind = ScheduleKind::one_cycle, .max_lr = 0.1, .total_steps = 100, .pct_start = 1}, 0.1, 0),
               std::invalid_argument);
  EXPECT_THROW(scheduled_learning_rate({.kind = ScheduleKind::one_cycle, .max_lr = 0.1, .total_steps = 0}, 0.1, 0),
               std::invalid_argument);
  EXPECT_THROW(scheduled_learning_rate({.kind = ScheduleKind::constant, .warmup_steps = 3, .warmup_start_factor = 0}, 0.1, 0),
               std::invalid_argument);
}

}  // namespace

// The momentum (or Adam's beta1) each step of a cycling schedule uses, as torch's CyclicLR and
// OneCycleLR set the param group's; every value one computation from the spec (no chained
// products), so to 1e-15.
void expect_golden_momentum(ScheduleSpec spec, const std::vector<double>& expected) {
  spec.cycle_momentum = true;
  ASSERT_EQ(expected.size(), 300u);
  for (std::size_t t = 0; t < expected.size(); ++t) {
    const double got = scheduled_momentum(spec, static_cast<std::int64_t>(t));
    ASSERT_NEAR(got, expected[t], 1e-15) << "t = " << t << ": " << got << " vs PyTorch " << expected[t]
                                         << " (HINT: re-run /usr/bin/python3 tests/optim/golden_schedules.py > tests/optim/golden_schedules.hpp)";
  }
}

TEST(ScheduleGolden, CyclicMomentum) {
  expect_golden_momentum({.kind = ScheduleKind::cyclic, .base_lr = 0.01, .max_lr = 0.1, .step_size_up = 20},
                         golden_schedules::cyclic_triangular_momentum);
  expect_golden_momentum({.kind = ScheduleKind::cyclic, .base_lr = 0.001, .max_lr = 0.1, .step_size_up = 15, .step_size_down = 35,
                          .mode = CyclicMode::triangular2, .base_momentum = 0.7, .max_momentum = 0.95},
                         golden_schedules::cyclic_triangular2_momentum);
  expect_golden_momentum({.kind = ScheduleKind::cyclic, .gamma = 0.99, .base_lr = 0.002, .max_lr = 0.05, .step_size_up = 25,
                          .mode = CyclicMode::exp_range},
                         golden_schedules::cyclic_exp_range_momentum);
}

TEST(ScheduleGolden, OneCycleMomentumAndBeta1) {
  expect_golden_momentum({.kind = ScheduleKind::one_cycle, .max_lr = 0.1, .total_steps = 300, .base_momentum = 0.85, .max_momentum = 0.95},
                         golden_schedules::one_cycle_cos_momentum);
  expect_golden_momentum({.kind = ScheduleKind::one_cycle, .max_lr = 0.2, .total_steps = 300, .pct_start = 0.4, .three_phase = true,
                          .base_momentum = 0.85, .max_momentum = 0.95},
                         golden_schedules::one_cycle_three_phase_momentum);
  const ScheduleSpec adam{.kind = ScheduleKind::one_cycle, .max_lr = 0.05, .total_steps = 300, .pct_start = 0.2, .anneal = Anneal::linear,
                          .base_momentum = 0.8, .max_momentum = 0.92};
  expect_golden(adam, 0.01, golden_schedules::one_cycle_adam);
  expect_golden_momentum(adam, golden_schedules::one_cycle_adam_momentum);
}

// During a warm-up the momentum stays at the cycle's first value. (The rates differ from
// PyTorch's there: SequentialLR restarts the warm-up from OneCycleLR's initial_lr, max_lr /
// div_factor, which OneCycleLR writes over LinearLR's base; nnlab warms up to optimizer.lr.)
TEST(ScheduleGolden, WarmupHoldsTheCyclesFirstMomentum) {
  expect_golden_momentum({.kind = ScheduleKind::one_cycle, .max_lr = 0.1, .total_steps = 290, .base_momentum = 0.85, .max_momentum = 0.95,
                          .warmup_steps = 10, .warmup_start_factor = 0.25},
                         golden_schedules::warmup_one_cycle_momentum);
  for (std::size_t t = 10; t < 300; ++t)  // after it, the cycle's rates from its own t = 0
    ASSERT_NEAR(scheduled_learning_rate({.kind = ScheduleKind::one_cycle, .max_lr = 0.1, .total_steps = 290, .warmup_steps = 10}, 0.1,
                                        static_cast<std::int64_t>(t)),
                golden_schedules::warmup_one_cycle[t], 1e-12 * golden_schedules::warmup_one_cycle[t])
        << t;
}

TEST(ScheduleGolden, MomentumCyclesOnlyWhenAsked) {
  const ScheduleSpec off{.kind = ScheduleKind::one_cycle, .max_lr = 0.1, .total_steps = 300};
  EXPECT_FALSE(cycles_momentum(off));
  EXPECT_THROW(scheduled_momentum(off, 0), std::invalid_argument);
  EXPECT_FALSE(cycles_momentum({.kind = ScheduleKind::cosine, .period = 3, .cycle_momentum = true}));
  ScheduleSpec bad = off;
  bad.cycle_momentum = true;
  bad.base_momentum = 0.9;
  bad.max_momentum = 0.8;
  EXPECT_THROW(validate(bad), std::invalid_argument);
}

}  // namespace nnlab
