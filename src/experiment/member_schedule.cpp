#include "experiment/member_schedule.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "core/error.hpp"
#include "optim/update_rules.hpp"

namespace nnlab {

ScheduleSpec member_schedule(const ExperimentConfig& config, Index training_examples) {
  ScheduleSpec schedule = config.schedule;
  const Index batch = config.train.batch == 0 ? training_examples : std::min<Index>(config.train.batch, training_examples);
  const Index batches_per_epoch = batch > 0 ? (training_examples + batch - 1) / batch : 1;
  if (const auto& ensemble = config.train.snapshot_ensemble) {
    // The trainer sets the same schedule (train/snapshot_ensemble); here so that bad cycles are an
    // input error before training and `nnlab schedule` shows the rate.
    try {
      return snapshot_schedule(ensemble->cycles, config.train.epochs * batches_per_epoch);
    } catch (const std::invalid_argument& error) {
      throw InputError(fmt::format("{}: train.snapshot_ensemble.{}", config.file.string(), error.what()));
    }
  }
  if (schedule.kind == ScheduleKind::one_cycle && schedule.total_steps == 0) {
    // A warm-up comes first, so the cycle gets what is left of the run.
    // With train.schedule_restart (pruning's rounds) the cycle spans one round.
    const std::int64_t epochs = config.train.schedule_restart > 0 ? config.train.schedule_restart : config.train.epochs;
    schedule.total_steps = epochs * (schedule.unit == ScheduleUnit::epoch ? 1 : batches_per_epoch) - schedule.warmup_steps;
  }
  // Checked here too: a sweep may pair a swept optimizer.lr with a max_lr below it.
  if (schedule.kind == ScheduleKind::cyclic && std::isnan(schedule.base_lr) && schedule.max_lr < config.optimizer.lr)
    throw InputError(fmt::format("{}: schedule.max_lr: must be >= optimizer.lr ({}), got {}", config.file.string(), config.optimizer.lr,
                                 schedule.max_lr));
  try {
    validate(schedule);
  } catch (const std::invalid_argument& error) {
    throw InputError(fmt::format("{}: schedule.{}", config.file.string(), error.what()));
  }
  return schedule;
}

OptimizerOptions member_optimizer(const ExperimentConfig& config) {
  OptimizerOptions options = config.optimizer;
  if (cycles_momentum(config.schedule)) {
    double* momentum = cycled_momentum(options);
    if (momentum == nullptr)
      throw InputError(fmt::format("{}: schedule.cycle_momentum: {} has no momentum or beta1 to cycle", config.file.string(),
                                   optimizer_kind_name(options.kind)));
    *momentum = config.schedule.max_momentum;
  }
  return options;
}

}  // namespace nnlab
