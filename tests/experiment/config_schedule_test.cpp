// The schedule section's cyclic schedules and warm-ups: what the file says lands in the ScheduleSpec.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "core/error.hpp"
#include "experiment/config.hpp"
#include "experiment/config_error_support.hpp"
#include "experiment/member_schedule.hpp"

namespace nnlab {
namespace {

ExperimentConfig parse(const std::string& extra) {
  return parse_experiment("data: {train: xor}\nmodel: {layers: [{units: 2}]}\n" + extra + "\n", "s.yaml");
}
ScheduleSpec schedule(const std::string& text) { return parse("schedule: " + text).schedule; }

TEST(ConfigSchedule, CosineRestarts) {
  const ScheduleSpec s = schedule("{type: cosine_restarts, period: 10, period_mult: 2, eta_min: 0.001}");
  EXPECT_EQ(s.kind, ScheduleKind::cosine_restarts);
  EXPECT_EQ(s.period, 10);
  EXPECT_EQ(s.period_mult, 2);
  EXPECT_DOUBLE_EQ(s.eta_min, 0.001);
  EXPECT_EQ(schedule("{type: cosine_restarts, period: 3}").period_mult, 1);
}

TEST(ConfigSchedule, CyclicDefaultsFollowCyclicLR) {
  const ScheduleSpec s = schedule("{type: cyclic, max_lr: 0.1}");
  EXPECT_TRUE(std::isnan(s.base_lr));  // the optimiser's lr
  EXPECT_EQ(s.step_size_up, 2000);
  EXPECT_EQ(s.step_size_down, 0);  // = step_size_up
  EXPECT_EQ(s.mode, CyclicMode::triangular);
  EXPECT_DOUBLE_EQ(s.gamma, 1.0);
  const ScheduleSpec e = schedule("{type: cyclic, base_lr: 0.001, max_lr: 0.1, step_size_up: 5, step_size_down: 7, mode: exp_range, gamma: 0.9}");
  EXPECT_DOUBLE_EQ(e.base_lr, 0.001);
  EXPECT_EQ(e.step_size_down, 7);
  EXPECT_EQ(e.mode, CyclicMode::exp_range);
  EXPECT_DOUBLE_EQ(e.gamma, 0.9);
}

TEST(ConfigSchedule, OneCycleTotalStepsComesFromTheRun) {
  const ScheduleSpec s = schedule("{type: one_cycle, max_lr: 0.1}");
  EXPECT_EQ(s.total_steps, 0);
  EXPECT_DOUBLE_EQ(s.pct_start, 0.3);
  EXPECT_EQ(s.anneal, Anneal::cos);
  EXPECT_DOUBLE_EQ(s.div_factor, 25);
  EXPECT_DOUBLE_EQ(s.final_div_factor, 1e4);
  EXPECT_FALSE(s.three_phase);
  // 10 epochs of 4 examples in batches of 3: 2 batches per epoch.
  const ExperimentConfig steps = parse("train: {epochs: 10, batch: 3}\nschedule: {type: one_cycle, max_lr: 0.1, unit: step}");
  EXPECT_EQ(member_schedule(steps, 4).total_steps, 20);
  const ExperimentConfig epochs = parse("train: {epochs: 10, batch: 3}\nschedule: {type: one_cycle, max_lr: 0.1}");
  EXPECT_EQ(member_schedule(epochs, 4).total_steps, 10);
  const ExperimentConfig full = parse("train: {epochs: 10, batch: full}\nschedule: {type: one_cycle, max_lr: 0.1, unit: step}");
  EXPECT_EQ(member_schedule(full, 4).total_steps, 10);
  const ExperimentConfig given = parse("schedule: {type: one_cycle, max_lr: 0.1, total_steps: 77, anneal: linear, three_phase: true}");
  EXPECT_EQ(member_schedule(given, 4).total_steps, 77);
  EXPECT_EQ(given.schedule.anneal, Anneal::linear);
  EXPECT_TRUE(given.schedule.three_phase);
  // Too short for pct_start: an input error naming the key.
  const ExperimentConfig short_run = parse("train: {epochs: 3}\nschedule: {type: one_cycle, max_lr: 0.1}");
  EXPECT_THROW(member_schedule(short_run, 4), InputError);
}

TEST(ConfigSchedule, WarmupWrapsTheInnerSchedule) {
  const ScheduleSpec s = schedule("{warmup: {steps: 5, start_factor: 0.1}, then: {type: cosine, period: 20, unit: step}}");
  EXPECT_EQ(s.kind, ScheduleKind::cosine);
  EXPECT_EQ(s.period, 20);
  EXPECT_EQ(s.unit, ScheduleUnit::step);
  EXPECT_EQ(s.warmup_steps, 5);
  EXPECT_DOUBLE_EQ(s.warmup_start_factor, 0.1);
  const ScheduleSpec alone = schedule("{warmup: {steps: 3}}");  // then a constant rate
  EXPECT_EQ(alone.kind, ScheduleKind::constant);
  EXPECT_NEAR(alone.warmup_start_factor, 1.0 / 3.0, 1e-15);  // LinearLR's default
  EXPECT_EQ(schedule("{type: cosine, period: 4}").warmup_steps, 0);
}

}  // namespace
}  // namespace nnlab

namespace nnlab {
namespace {

// cycle_momentum: on by default where PyTorch's scheduler would cycle (CyclicLR: an optimiser
// with a momentum; OneCycleLR: a momentum or beta1), with each scheduler's bounds.
TEST(ConfigSchedule, MomentumCycleDefaultsFollowTheSchedulers) {
  const ScheduleSpec cyclic = schedule("{type: cyclic, max_lr: 0.1}");
  EXPECT_TRUE(cyclic.cycle_momentum);
  EXPECT_EQ(cyclic.base_momentum, 0.8);
  EXPECT_EQ(cyclic.max_momentum, 0.9);
  const ScheduleSpec one_cycle = schedule("{type: one_cycle, max_lr: 0.1, total_steps: 100}");
  EXPECT_TRUE(one_cycle.cycle_momentum);
  EXPECT_EQ(one_cycle.base_momentum, 0.85);
  EXPECT_EQ(one_cycle.max_momentum, 0.95);
  EXPECT_TRUE(parse("optimizer: adam\nschedule: {type: one_cycle, max_lr: 0.1}").schedule.cycle_momentum);   // beta1
  EXPECT_FALSE(parse("optimizer: adam\nschedule: {type: cyclic, max_lr: 0.1}").schedule.cycle_momentum);     // CyclicLR needs `momentum`
  EXPECT_FALSE(parse("optimizer: adagrad\nschedule: {type: one_cycle, max_lr: 0.1}").schedule.cycle_momentum);
  EXPECT_FALSE(schedule("{type: one_cycle, max_lr: 0.1, cycle_momentum: false}").cycle_momentum);
  const ScheduleSpec set = schedule("{warmup: {steps: 3}, then: {type: cyclic, max_lr: 0.1, base_momentum: 0.5, max_momentum: 0.99}}");
  EXPECT_EQ(set.base_momentum, 0.5);
  EXPECT_EQ(set.max_momentum, 0.99);
}

TEST(ConfigSchedule, MomentumCycleErrorsNameTheKey) {
  const auto error = [](const std::string& extra) { return testing::error_of("data: {train: xor}\nmodel: {layers: [{units: 2}]}\n" + extra); };
  EXPECT_EQ(error("optimizer: adagrad\nschedule: {type: one_cycle, max_lr: 0.1, cycle_momentum: true}"),
            "mirror.yaml: schedule.cycle_momentum: adagrad has no momentum or beta1 to cycle; set it to false");
  EXPECT_EQ(error("optimizer: adam\nschedule: {type: cyclic, max_lr: 0.1, cycle_momentum: true}"),
            "mirror.yaml: schedule.cycle_momentum: cyclic cycles the optimiser's momentum (sgd, rmsprop), as CyclicLR does; adam has none "
            "(one_cycle cycles beta1); set it to false");
  EXPECT_EQ(error("schedule: {type: one_cycle, max_lr: 0.1, base_momentum: 0.9, max_momentum: 0.8}"),
            "mirror.yaml: schedule.max_momentum: must be >= base_momentum (0.9), got 0.8");
  EXPECT_EQ(error("schedule: {type: one_cycle, max_lr: 0.1, max_momentum: 1}"), "mirror.yaml: schedule.max_momentum: must be in [0, 1), got 1");
  EXPECT_EQ(error("schedule: {type: cyclic, max_lr: 0.5, cycle_momentum: false, base_momentum: 0.5}"),
            "mirror.yaml: schedule.base_momentum: not used without cycle_momentum");
  EXPECT_EQ(error("schedule: {type: cosine, period: 3, cycle_momentum: true}"), "mirror.yaml: schedule.cycle_momentum: not used by cosine");
}

// The cycle's first value becomes the optimiser's momentum or beta1 (its buffers then exist).
TEST(ConfigSchedule, MemberOptimizerStartsAtMaxMomentum) {
  EXPECT_EQ(member_optimizer(parse("schedule: {type: one_cycle, max_lr: 0.1}")).momentum, 0.95);
  EXPECT_EQ(member_optimizer(parse("optimizer: adam\nschedule: {type: one_cycle, max_lr: 0.1, max_momentum: 0.9}")).beta1, 0.9);
  EXPECT_EQ(member_optimizer(parse("optimizer: {type: sgd, momentum: 0.5}\nschedule: {type: one_cycle, max_lr: 0.1, cycle_momentum: false}"))
                .momentum,
            0.5);
}

}  // namespace
}  // namespace nnlab
