// train.snapshot_ensemble: {cycles: M} (or M alone) reaches its field and sets the snapshot rate
// as each member's schedule; bad input is one line naming the key: cycles < 1, more cycles than
// steps or a last cycle without a step, no set to evaluate on, restore_best, an explicit schedule.
#include <gtest/gtest.h>

#include <string>

#include "experiment/config.hpp"
#include "experiment/config_error_support.hpp"
#include "experiment/member_schedule.hpp"

namespace nnlab {
namespace {

using testing::error_of;
using testing::valid_model;

std::string with_test(const std::string& train) {
  return "data: {train: mirror, test: mirror}\n" + std::string(valid_model) + "train: " + train + "\n";
}

TEST(ConfigSnapshotEnsemble, AbsentIsOffAndCyclesReachTheField) {
  EXPECT_FALSE(parse_experiment(with_test("{epochs: 5}"), "mirror.yaml").train.snapshot_ensemble);
  EXPECT_EQ(parse_experiment(with_test("{epochs: 5, snapshot_ensemble: {cycles: 4}}"), "mirror.yaml").train.snapshot_ensemble->cycles, 4);
  EXPECT_EQ(parse_experiment(with_test("{epochs: 5, snapshot_ensemble: 3}"), "mirror.yaml").train.snapshot_ensemble->cycles, 3);
  // A validation split is enough without a test set.
  EXPECT_EQ(error_of("data: {train: mirror, validation: 0.25}\n" + std::string(valid_model) + "train: {snapshot_ensemble: 2}\n"), "(no error)");
}

// The members' schedule: M cycles of ceil(T / M) steps over epochs x batches per epoch.
TEST(ConfigSnapshotEnsemble, SetsTheSnapshotRateOverTheRunsSteps) {
  ExperimentConfig config = parse_experiment(with_test("{epochs: 10, batch: 5, snapshot_ensemble: {cycles: 4}}"), "mirror.yaml");
  config.file = "mirror.yaml";
  const ScheduleSpec schedule = member_schedule(config, 64);  // 13 batches per epoch, T = 130
  EXPECT_EQ(schedule.kind, ScheduleKind::snapshot);
  EXPECT_EQ(schedule.unit, ScheduleUnit::step);
  EXPECT_EQ(schedule.period, 33);  // ceil(130 / 4)
}

TEST(ConfigSnapshotEnsemble, BadInputNamesTheKey) {
  EXPECT_EQ(error_of(with_test("{snapshot_ensemble: {cycles: 0}}")), "mirror.yaml: train.snapshot_ensemble.cycles: must be >= 1, got 0");
  EXPECT_EQ(error_of(with_test("{snapshot_ensemble: {}}")), "mirror.yaml: train.snapshot_ensemble.cycles: missing (required)");
  EXPECT_EQ(error_of(with_test("{snapshot_ensemble: {cycle: 3}}")),
            "mirror.yaml: train.snapshot_ensemble.cycle: unknown key; did you mean 'cycles'?");
  EXPECT_EQ(error_of("data: {train: mirror}\n" + std::string(valid_model) + "train: {snapshot_ensemble: 2}\n"),
            "mirror.yaml: train.snapshot_ensemble: evaluates the ensembles on the test set (data.test) or, without one, the validation split "
            "(data.validation > 0); give one");
  EXPECT_EQ(error_of("data: {train: mirror, validation: 0.25}\n" + std::string(valid_model) +
                     "train: {early_stopping: {patience: 3}, snapshot_ensemble: 2}\n"),
            "mirror.yaml: train.snapshot_ensemble: keeps each cycle's final weights; early_stopping.restore_best would replace them, so they "
            "cannot go together");
  EXPECT_EQ(error_of("data: {train: mirror, validation: 0.25}\n" + std::string(valid_model) +
                     "train: {early_stopping: {patience: 3, restore_best: false}, snapshot_ensemble: 2}\n"),
            "(no error)");
  EXPECT_EQ(error_of(with_test("{snapshot_ensemble: 2}") + "schedule: {type: cosine, period: 10}\n"),
            "mirror.yaml: train.snapshot_ensemble: sets the learning rate itself (a cosine cycle per snapshot); remove the schedule section or "
            "snapshot_ensemble");
}

// Cycles that do not fit the run are found once the batches per epoch are known.
TEST(ConfigSnapshotEnsemble, CyclesMustFitTheStepsOfTheRun) {
  const auto error = [](const std::string& train, Index examples) {
    ExperimentConfig config = parse_experiment(with_test(train), "mirror.yaml");
    config.file = "mirror.yaml";
    try {
      member_schedule(config, examples);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  EXPECT_EQ(error("{epochs: 3, batch: full, snapshot_ensemble: 4}", 64),
            "mirror.yaml: train.snapshot_ensemble.cycles: must be <= the 3 steps of training (epochs x batches per epoch), got 4");
  EXPECT_EQ(error("{epochs: 9, batch: full, snapshot_ensemble: 4}", 64),
            "mirror.yaml: train.snapshot_ensemble.cycles: must be such that the last cycle gets a step: 3 cycles of ceil(9 / 4) = 3 steps "
            "leave none of the 9, got 4");
  EXPECT_EQ(error("{epochs: 3, batch: 32, snapshot_ensemble: 6}", 64), "(no error)");  // 2 batches per epoch: 6 steps
}

}  // namespace
}  // namespace nnlab
