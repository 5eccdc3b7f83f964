// The reduce_on_plateau schedule in an experiment file: its keys land in the ScheduleSpec, the
// mode follows the monitor unless given, its constants sweep inside one population, and bad
// values are one line naming the key.
#include <gtest/gtest.h>

#include <string>

#include "core/error.hpp"
#include "experiment/config.hpp"
#include "experiment/config_error_support.hpp"
#include "experiment/plan.hpp"

namespace nnlab {
namespace {

using testing::error_of;

const std::string base = "data: {train: xor, validation: 0.25}\nmodel: {layers: [{units: 2}]}\n";

ScheduleSpec schedule(const std::string& text) { return parse_experiment(base + "schedule: " + text + "\n", "p.yaml").schedule; }
std::string error(const std::string& text) { return error_of(base + "schedule: " + text + "\n"); }

TEST(ConfigPlateau, DefaultsFollowReduceLROnPlateau) {
  const ScheduleSpec s = schedule("reduce_on_plateau");
  EXPECT_EQ(s.kind, ScheduleKind::reduce_on_plateau);
  EXPECT_EQ(s.monitor, MonitorKind::validation_loss);
  EXPECT_EQ(s.plateau.mode, PlateauMode::min);
  EXPECT_EQ(s.plateau.factor, 0.1);
  EXPECT_EQ(s.plateau.patience, 10);
  EXPECT_EQ(s.plateau.threshold, 1e-4);
  EXPECT_EQ(s.plateau.threshold_mode, ThresholdMode::rel);
  EXPECT_EQ(s.plateau.cooldown, 0);
  EXPECT_EQ(s.plateau.min_lr, 0.0);
  EXPECT_EQ(s.plateau.eps, 1e-8);
}

TEST(ConfigPlateau, EveryKeyIsRead) {
  const ScheduleSpec s = schedule(
      "{type: reduce_on_plateau, monitor: train_loss, mode: max, factor: 0.5, patience: 0, threshold: 0.01, threshold_mode: abs, "
      "cooldown: 3, min_lr: 1e-5, eps: 0}");
  EXPECT_EQ(s.monitor, MonitorKind::train_loss);
  EXPECT_EQ(s.plateau.mode, PlateauMode::max);
  EXPECT_EQ(s.plateau.factor, 0.5);
  EXPECT_EQ(s.plateau.patience, 0);
  EXPECT_EQ(s.plateau.threshold, 0.01);
  EXPECT_EQ(s.plateau.threshold_mode, ThresholdMode::abs);
  EXPECT_EQ(s.plateau.cooldown, 3);
  EXPECT_EQ(s.plateau.min_lr, 1e-5);
  EXPECT_EQ(s.plateau.eps, 0.0);
}

TEST(ConfigPlateau, AnAccuracyMonitorDefaultsToModeMax) {
  EXPECT_EQ(schedule("{type: reduce_on_plateau, monitor: validation_accuracy}").plateau.mode, PlateauMode::max);
  EXPECT_EQ(schedule("{type: reduce_on_plateau, monitor: train_accuracy, mode: min}").plateau.mode, PlateauMode::min);
}

TEST(ConfigPlateau, BadValuesNameTheKey) {
  EXPECT_EQ(error("{type: reduce_on_plateau, factor: 1}"), "mirror.yaml: schedule.factor: must be in (0, 1), got 1");
  EXPECT_EQ(error("{type: reduce_on_plateau, factor: 0}"), "mirror.yaml: schedule.factor: must be in (0, 1), got 0");
  EXPECT_EQ(error("{type: reduce_on_plateau, patience: -1}"), "mirror.yaml: schedule.patience: must be >= 0, got -1");
  EXPECT_EQ(error("{type: reduce_on_plateau, cooldown: 1.5}").rfind("mirror.yaml: schedule.cooldown: ", 0), 0u);
  EXPECT_EQ(error("{type: reduce_on_plateau, threshold: -0.1}"), "mirror.yaml: schedule.threshold: must be >= 0, got -0.1");
  EXPECT_EQ(error("{type: reduce_on_plateau, min_lr: -1}"), "mirror.yaml: schedule.min_lr: must be >= 0, got -1");
  EXPECT_EQ(error("{type: reduce_on_plateau, monitor: train_los}"),
            "mirror.yaml: schedule.monitor: unknown monitor 'train_los'; did you mean 'train_loss'?");
  EXPECT_EQ(error("{type: reduce_on_plateau, mode: lowest}").rfind("mirror.yaml: schedule.mode: unknown plateau mode 'lowest'", 0), 0u);
  EXPECT_EQ(error("{type: reduce_on_plateau, threshold_mode: relative}")
                .rfind("mirror.yaml: schedule.threshold_mode: unknown threshold mode 'relative'", 0),
            0u);
  EXPECT_EQ(error("{type: reduce_on_plateau, monitor: test_loss}"), "mirror.yaml: schedule.monitor: test_loss needs a test set (data.test)");
  EXPECT_EQ(error("{type: reduce_on_plateau, unit: step}"), "mirror.yaml: schedule.unit: not used by reduce_on_plateau");
  EXPECT_EQ(error("{warmup: {steps: 5}, then: reduce_on_plateau}"),
            "mirror.yaml: schedule.warmup: cannot come before reduce_on_plateau (its rate is no function of the step); leave the warm-up out");
}

TEST(ConfigPlateau, TheDefaultMonitorNeedsAValidationSplit) {
  EXPECT_EQ(error_of("data: {train: xor}\nmodel: {layers: [{units: 2}]}\nschedule: reduce_on_plateau\n"),
            "mirror.yaml: schedule: monitors validation_loss by default, which needs a validation split (data.validation > 0); set "
            "data.validation or monitor");
  EXPECT_EQ(error_of("data: {train: xor}\nmodel: {layers: [{units: 2}]}\nschedule: {type: reduce_on_plateau, monitor: validation_accuracy}\n"),
            "mirror.yaml: schedule.monitor: validation_accuracy needs a validation split (data.validation > 0)");
}

// The numeric constants are scalar keys: a sweep over them trains one population.
TEST(ConfigPlateau, ItsConstantsSweepWithinOnePopulation) {
  const Plan plan = plan_experiment_text(base + "schedule: {type: reduce_on_plateau, monitor: train_loss}\n"
                                         "sweep: {parameters: {schedule.factor: [0.1, 0.5], schedule.patience: [0, 3], "
                                         "schedule.cooldown: [0, 2], schedule.threshold: [0.0001, 0.01], schedule.min_lr: [0, 0.001]}}\n",
                                         "p.yaml");
  EXPECT_EQ(plan.populations.size(), 1u);
  ASSERT_EQ(plan.trials.size(), 32u);
  const ExperimentConfig last = plan.trial_config(31);
  const ExperimentConfig parsed = plan.parsed_trial_config(31);  // copying the scalars gives what parsing gives
  EXPECT_EQ(parsed.schedule.plateau.factor, last.schedule.plateau.factor);
  EXPECT_EQ(parsed.schedule.plateau.patience, last.schedule.plateau.patience);
  EXPECT_EQ(parsed.schedule.plateau.min_lr, last.schedule.plateau.min_lr);
  EXPECT_EQ(last.schedule.plateau.factor, 0.5);
  EXPECT_EQ(last.schedule.plateau.patience, 3);
  EXPECT_EQ(last.schedule.plateau.cooldown, 2);
  EXPECT_EQ(last.schedule.plateau.threshold, 0.01);
  EXPECT_EQ(last.schedule.plateau.min_lr, 0.001);
}

}  // namespace
}  // namespace nnlab
