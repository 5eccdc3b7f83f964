// Learning-rate schedules as pure functions lr(t) of a base rate and a step or epoch t.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace nnlab {

enum class ScheduleKind {
  constant,      // lr
  step,          // lr * gamma^floor(t / step_size)                     (StepLR)
  exponential,   // lr * gamma^t                                        (ExponentialLR)
  inverse_time,  // lr / (1 + decay * t)                                (decay >= 0)
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

// Throws std::invalid_argument "<key>: <reason>" (e.g. "step_size: must be > 0, got 0") on a
// spec that defines no schedule; only the fields `kind` uses are checked.
void validate(const ScheduleSpec& schedule);

// The rate at t = 0, 1, 2, ... (t counts from 0: the first epoch or step gets t = 0).
// Validates the spec, base_lr (finite, >= 0) and t (>= 0): std::invalid_argument otherwise.
double scheduled_learning_rate(const ScheduleSpec& schedule, double base_lr, std::int64_t t);

std::string_view schedule_kind_name(ScheduleKind kind);  // "constant", "step", ..., "inverse_time", ...
std::optional<ScheduleKind> parse_schedule_kind(std::string_view name);

}  // namespace nnlab
