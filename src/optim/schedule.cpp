#include "optim/schedule.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

namespace nnlab {
namespace {

constexpr std::array<std::pair<ScheduleKind, std::string_view>, 12> kind_names{{
    {ScheduleKind::constant, "constant"},
    {ScheduleKind::step, "step"},
    {ScheduleKind::exponential, "exponential"},
    {ScheduleKind::inverse_time, "inverse_time"},
    {ScheduleKind::linear, "linear"},
    {ScheduleKind::cosine, "cosine"},
    {ScheduleKind::cosine_restarts, "cosine_restarts"},
    {ScheduleKind::cyclic, "cyclic"},
    {ScheduleKind::one_cycle, "one_cycle"},
    {ScheduleKind::snapshot, "snapshot"},
    {ScheduleKind::range_test, "range_test"},
    {ScheduleKind::reduce_on_plateau, "reduce_on_plateau"},
}};

template <typename Value>
void require(bool condition, std::string_view key, std::string_view rule, Value value) {
  if (!condition) throw std::invalid_argument(fmt::format("{}: must be {}, got {}", key, rule, value));
}

}  // namespace

void validate(const ScheduleSpec& schedule) {
  require(schedule.warmup_steps >= 0, "warmup.steps", ">= 0 (0: none)", schedule.warmup_steps);
  if (schedule.warmup_steps > 0)
    require(schedule.warmup_start_factor > 0 && schedule.warmup_start_factor <= 1, "warmup.start_factor", "in (0, 1]",
            schedule.warmup_start_factor);
  switch (schedule.kind) {
    case ScheduleKind::constant: break;
    case ScheduleKind::step:
      require(std::isfinite(schedule.gamma) && schedule.gamma > 0, "gamma", "> 0", schedule.gamma);
      require(schedule.step_size > 0, "step_size", "> 0", schedule.step_size);
      break;
    case ScheduleKind::exponential:
      require(std::isfinite(schedule.gamma) && schedule.gamma > 0, "gamma", "> 0", schedule.gamma);
      break;
    case ScheduleKind::inverse_time:
      require(std::isfinite(schedule.decay) && schedule.decay >= 0, "decay", ">= 0", schedule.decay);
      break;
    case ScheduleKind::linear: require(std::isfinite(schedule.decay), "decay", "finite", schedule.decay); break;
    case ScheduleKind::cosine:
      require(schedule.period > 0, "period", "> 0", schedule.period);
      require(std::isfinite(schedule.eta_min) && schedule.eta_min >= 0, "eta_min", ">= 0", schedule.eta_min);
      break;
    case ScheduleKind::cosine_restarts:
    case ScheduleKind::cyclic:
    case ScheduleKind::one_cycle:
    case ScheduleKind::snapshot: validate_cycles(schedule); break;
    case ScheduleKind::range_test:
      require(std::isfinite(schedule.range_start) && (schedule.range_mode == RangeMode::linear ? schedule.range_start >= 0 : schedule.range_start > 0),
              "start", schedule.range_mode == RangeMode::linear ? ">= 0" : "> 0 (exponential)", schedule.range_start);
      require(std::isfinite(schedule.range_end) && schedule.range_end > schedule.range_start, "end", fmt::format("> start ({})", schedule.range_start),
              schedule.range_end);
      require(schedule.range_steps >= 2, "steps", ">= 2", schedule.range_steps);
      break;
    case ScheduleKind::reduce_on_plateau:
      // A warm-up would need the rate the plateau reduces to be a function of t as well.
      require(schedule.warmup_steps == 0, "warmup", "absent: reduce_on_plateau cannot follow a warm-up", schedule.warmup_steps);
      validate(schedule.plateau);
      break;
  }
}

double scheduled_learning_rate(const ScheduleSpec& schedule, double base_lr, std::int64_t t) {
  validate(schedule);
  require(std::isfinite(base_lr) && base_lr >= 0, "lr", ">= 0", base_lr);
  require(t >= 0, "t", ">= 0", t);
  if (schedule.warmup_steps > 0) {
    // LinearLR's closed form for the first warmup_steps, then the schedule from its own t = 0.
    if (t < schedule.warmup_steps) {
      const double f = schedule.warmup_start_factor;
      return base_lr * (f + (1.0 - f) * static_cast<double>(t) / static_cast<double>(schedule.warmup_steps));
    }
    t -= schedule.warmup_steps;
  }
  const auto time = static_cast<double>(t);
  switch (schedule.kind) {
    case ScheduleKind::constant: return base_lr;
    case ScheduleKind::step: return base_lr * std::pow(schedule.gamma, static_cast<double>(t / schedule.step_size));
    case ScheduleKind::exponential: return base_lr * std::pow(schedule.gamma, time);
    case ScheduleKind::inverse_time: return base_lr / (1.0 + schedule.decay * time);
    case ScheduleKind::linear: return base_lr * std::max(0.0, 1.0 - schedule.decay * time);
    case ScheduleKind::cosine: {
      // CosineAnnealingLR's closed form, held at eta_min once t reaches the period.
      const auto clamped = static_cast<double>(std::min(t, schedule.period));
      const double angle = std::numbers::pi * clamped / static_cast<double>(schedule.period);
      return schedule.eta_min + (base_lr - schedule.eta_min) * (1.0 + std::cos(angle)) / 2.0;
    }
    case ScheduleKind::cosine_restarts: return cosine_restarts_rate(schedule, base_lr, t);
    case ScheduleKind::cyclic: return cyclic_rate(schedule, base_lr, t);
    case ScheduleKind::one_cycle: return one_cycle_rate(schedule, t);
    case ScheduleKind::snapshot: return snapshot_rate(schedule, base_lr, t);
    case ScheduleKind::range_test: return range_test_rate(schedule, t);
    case ScheduleKind::reduce_on_plateau: return base_lr;
  }
  throw std::logic_error("scheduled_learning_rate: unknown schedule kind");
}

double range_test_rate(const ScheduleSpec& schedule, std::int64_t t) {
  // i / (steps - 1) of the way from start to end (torch-lr-finder's ExponentialLR / LinearLR).
  const std::int64_t last = schedule.range_steps - 1;
  const double fraction = static_cast<double>(std::min(t, last)) / static_cast<double>(last);
  const double start = schedule.range_start, end = schedule.range_end;
  if (schedule.range_mode == RangeMode::linear) return start + (end - start) * fraction;
  return start * std::pow(end / start, fraction);
}

bool cycles_momentum(const ScheduleSpec& schedule) {
  return schedule.cycle_momentum && (schedule.kind == ScheduleKind::cyclic || schedule.kind == ScheduleKind::one_cycle);
}

double scheduled_momentum(const ScheduleSpec& schedule, std::int64_t t) {
  if (!cycles_momentum(schedule)) throw std::invalid_argument("scheduled_momentum: the schedule cycles no momentum");
  validate(schedule);
  require(t >= 0, "t", ">= 0", t);
  // SequentialLR leaves the momentum the cycle's construction set (its t = 0 value) during the warm-up.
  t = std::max<std::int64_t>(0, t - schedule.warmup_steps);
  return schedule.kind == ScheduleKind::cyclic ? cyclic_momentum(schedule, t) : one_cycle_momentum(schedule, t);
}

std::string_view schedule_kind_name(ScheduleKind kind) {
  for (const auto& [candidate, name] : kind_names)
    if (candidate == kind) return name;
  throw std::logic_error("schedule_kind_name: unknown kind");
}

std::optional<ScheduleKind> parse_schedule_kind(std::string_view name) {
  for (const auto& [kind, candidate] : kind_names)
    if (candidate == name) return kind;
  return std::nullopt;
}

}  // namespace nnlab
