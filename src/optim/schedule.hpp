// Learning-rate schedules as pure functions lr(t) of a base rate and a step or epoch t.
#pragma once

#include <cstdint>

namespace nnlab {

enum class ScheduleKind {
  constant,      // lr
  step,          // lr * gamma^floor(t / step_size)                     (StepLR)
  exponential,   // lr * gamma^t                                        (ExponentialLR)
  inverse_time,  // lr / (1 + decay * t)
  linear,        // lr * max(0, 1 - decay * t); decay < 0 makes the rate grow: lr (1 + |decay| t)
  cosine,        // eta_min + (lr - eta_min) (1 + cos(pi t / period)) / 2 (CosineAnnealingLR; t clamped to period)
};

enum class ScheduleUnit { epoch, step };  // does t count epochs or optimiser steps

struct ScheduleSpec {
  ScheduleKind kind = ScheduleKind::constant;
  ScheduleUnit unit = ScheduleUnit::epoch;
  double gamma = 0.1;
  std::int64_t step_size = 1;
  double decay = 0.0;
  std::int64_t period = 1;
  double eta_min = 0.0;
};

double scheduled_learning_rate(const ScheduleSpec& schedule, double base_lr, std::int64_t t);

}  // namespace nnlab
