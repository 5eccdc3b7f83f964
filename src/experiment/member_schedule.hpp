// The schedule a trial's members follow, completed from the run's length: one_cycle without
// total_steps spans the whole training (epochs, or epochs x batches per epoch when unit is step);
// train.snapshot_ensemble gives the snapshot rate over epochs x batches per epoch steps.
#pragma once

#include "core/tensor.hpp"
#include "experiment/config.hpp"

namespace nnlab {

// training_examples: the rows of the training split. A schedule that cannot run (e.g. one_cycle
// over too few steps for its pct_start) is an InputError "<file>: schedule.<key>: <reason>".
ScheduleSpec member_schedule(const ExperimentConfig& config, Index training_examples);

// The trial's optimiser options; with a schedule that cycles the momentum (or beta1), that
// option starts at the cycle's first value, max_momentum, as CyclicLR and OneCycleLR set the
// param group's (so SGD's and RMSprop's momentum buffers exist even when optimizer.momentum is 0).
OptimizerOptions member_optimizer(const ExperimentConfig& config);

}  // namespace nnlab
