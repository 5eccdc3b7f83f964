// Learning-rate schedules as pure functions lr(t) of a base rate and a step or epoch t.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>

#include "core/monitor.hpp"
#include "optim/plateau.hpp"

namespace nnlab {

enum class ScheduleKind {
  constant,         // lr
  step,             // lr * gamma^floor(t / step_size)                     (StepLR)
  exponential,      // lr * gamma^t                                        (ExponentialLR)
  inverse_time,     // lr / (1 + decay * t)                                (decay >= 0)
  linear,           // lr * max(0, 1 - decay * t); decay < 0 makes the rate grow: lr (1 + |decay| t)
  cosine,           // eta_min + (lr - eta_min) (1 + cos(pi t / period)) / 2 (CosineAnnealingLR; t clamped to period)
  cosine_restarts,  // cosine over cycles of period, period * period_mult, ...   (CosineAnnealingWarmRestarts)
  cyclic,           // triangles between base_lr and max_lr                      (CyclicLR)
  one_cycle,        // up to max_lr and down to max_lr / div_factor / final_div_factor (OneCycleLR)
  // Huang et al. 2017's snapshot-ensemble rate, alpha0 / 2 (cos(pi mod(t, period) / period) + 1)
  // with period = ceil(T / M) steps: the paper's alpha(t') at t' = t + 1 (its t' counts from 1).
  // Set by train.snapshot_ensemble (experiment/member_schedule), not a schedule.type of its own.
  snapshot,
  range_test,       // the LR range test's growing rate, range_start to range_end over range_steps (`nnlab lr-find`)
  // lr, reduced by `factor` when the monitored metric stops improving (ReduceLROnPlateau):
  // stateful, stepped at each epoch end by the trainer (optim/plateau.hpp, train/plateau.hpp).
  reduce_on_plateau,
};

enum class ScheduleUnit { epoch, step };  // does t count epochs or optimiser steps
enum class CyclicMode { triangular, triangular2, exp_range };
enum class Anneal { cos, linear };
enum class RangeMode { exponential, linear };  // range_test: start (end/start)^(t/(steps-1)), or a straight line

struct ScheduleSpec {
  ScheduleKind kind = ScheduleKind::constant;
  ScheduleUnit unit = ScheduleUnit::epoch;
  double gamma = 0.1;  // step, exponential; cyclic exp_range (read with PyTorch's default 1 there)
  std::int64_t step_size = 1;
  double decay = 0.0;
  std::int64_t period = 1;  // cosine T_max; cosine_restarts T_0; snapshot: steps per cycle, ceil(T / M)
  double eta_min = 0.0;
  std::int64_t period_mult = 1;  // cosine_restarts T_mult
  // cyclic: the lower bound; NaN = the optimiser's lr (PyTorch sets the optimiser's lr to base_lr).
  double base_lr = std::numeric_limits<double>::quiet_NaN();
  double max_lr = 0.0;  // cyclic, one_cycle
  std::int64_t step_size_up = 2000;
  std::int64_t step_size_down = 0;  // 0 = step_size_up
  CyclicMode mode = CyclicMode::triangular;
  std::int64_t total_steps = 0;  // one_cycle; 0 = not resolved yet (the experiment layer fills in the run's length)
  double pct_start = 0.3;
  Anneal anneal = Anneal::cos;
  double div_factor = 25.0;
  double final_div_factor = 1e4;
  bool three_phase = false;
  // cyclic, one_cycle: cycle the optimiser's momentum (SGD, RMSprop) or beta1 (Adam, AdamW,
  // RAdam) inversely to the rate, between base_momentum and max_momentum (CyclicLR, OneCycleLR
  // cycle_momentum). Off here; the experiment file turns it on by default for one_cycle, with
  // 0.85 and 0.95 (config.md).
  bool cycle_momentum = false;
  double base_momentum = 0.8;
  double max_momentum = 0.9;
  // A linear warm-up around any of the above (LinearLR(start_factor, total_iters = warmup_steps)
  // then the schedule via SequentialLR(milestones = [warmup_steps])): 0 steps = none.
  std::int64_t warmup_steps = 0;
  double warmup_start_factor = 1.0 / 3.0;
  // range_test (Smith 2015; fastai's lr_find, torch-lr-finder's range_test): the rate at step t
  // of range_steps, held at range_end from t = range_steps - 1 on; base_lr is ignored. Not a
  // YAML schedule: `nnlab lr-find` sets it (train/lr_finder.hpp).
  double range_start = 1e-7;
  double range_end = 10.0;
  std::int64_t range_steps = 100;
  RangeMode range_mode = RangeMode::exponential;
  // reduce_on_plateau: the metric it watches and ReduceLROnPlateau's constants (keys `mode`,
  // `factor`, ..., `eps` of the schedule).
  MonitorKind monitor = MonitorKind::validation_loss;
  PlateauRule plateau;
};

// Throws std::invalid_argument "<key>: <reason>" (e.g. "step_size: must be > 0, got 0") on a
// spec that defines no schedule; only the fields `kind` (and a warm-up) uses are checked.
void validate(const ScheduleSpec& schedule);

// The rate at t = 0, 1, 2, ... (t counts from 0: the first epoch or step gets t = 0).
// Validates the spec, base_lr (finite, >= 0) and t (>= 0): std::invalid_argument otherwise.
// cyclic and one_cycle ignore base_lr when the spec sets its own rates (see ScheduleSpec).
// reduce_on_plateau is no function of t: this gives its rate before any reduction, base_lr.
double scheduled_learning_rate(const ScheduleSpec& schedule, double base_lr, std::int64_t t);

// Whether the schedule sets the momentum (or beta1) of each step: cyclic or one_cycle with cycle_momentum.
bool cycles_momentum(const ScheduleSpec& schedule);
// The momentum (or beta1) of step or epoch t when cycles_momentum(schedule): CyclicLR's
// max_momentum − (max_momentum − base_momentum) · scale, OneCycleLR's anneal from max_momentum to
// base_momentum and back; during a warm-up the cycle's first value, max_momentum.
double scheduled_momentum(const ScheduleSpec& schedule, std::int64_t t);

std::string_view schedule_kind_name(ScheduleKind kind);  // "constant", "step", ..., "inverse_time", ...
std::optional<ScheduleKind> parse_schedule_kind(std::string_view name);

// The cyclic family (schedule_cycles.cpp); t >= 0 and the spec validated by the caller.
void validate_cycles(const ScheduleSpec& schedule);
double cosine_restarts_rate(const ScheduleSpec& schedule, double base_lr, std::int64_t t);
double cyclic_rate(const ScheduleSpec& schedule, double base_lr, std::int64_t t);
double one_cycle_rate(const ScheduleSpec& schedule, std::int64_t t);
double snapshot_rate(const ScheduleSpec& schedule, double base_lr, std::int64_t t);

// train.snapshot_ensemble's schedule: M cycles over T steps, each ceil(T / M) long (unit step).
// Throws std::invalid_argument "cycles: ..." unless 1 <= M and the M-th cycle gets a step,
// (M - 1) ceil(T / M) < T (so M <= T; M = 4 over T = 9 steps would leave it none).
ScheduleSpec snapshot_schedule(std::int64_t cycles, std::int64_t total_steps);
// range_test, t >= 0 and the spec validated by the caller.
double range_test_rate(const ScheduleSpec& schedule, std::int64_t t);
double cyclic_momentum(const ScheduleSpec& schedule, std::int64_t t);
double one_cycle_momentum(const ScheduleSpec& schedule, std::int64_t t);

}  // namespace nnlab
