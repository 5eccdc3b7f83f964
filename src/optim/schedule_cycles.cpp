// Cyclic schedules: SGDR's warm restarts, CyclicLR's triangles and the one-cycle policy, each
// written as torch.optim.lr_scheduler computes it, operation for operation; and the snapshot
// ensemble's cycles as Huang et al. (2017) write them.
#include <algorithm>
#include <cmath>
#include <numbers>
#include <span>
#include <stdexcept>

#include <fmt/format.h>

#include "optim/schedule.hpp"

namespace nnlab {
namespace {

template <typename Value>
void require(bool condition, std::string_view key, std::string_view rule, Value value) {
  if (!condition) throw std::invalid_argument(fmt::format("{}: must be {}, got {}", key, rule, value));
}

bool non_negative(double value) { return std::isfinite(value) && value >= 0; }

void validate_momenta(const ScheduleSpec& s) {
  if (!s.cycle_momentum) return;
  require(s.base_momentum >= 0 && s.base_momentum < 1, "base_momentum", "in [0, 1)", s.base_momentum);
  require(s.max_momentum >= s.base_momentum && s.max_momentum < 1, "max_momentum", fmt::format("in [base_momentum ({}), 1)", s.base_momentum),
          s.max_momentum);
}

}  // namespace

void validate_cycles(const ScheduleSpec& s) {
  if (s.kind == ScheduleKind::cyclic || s.kind == ScheduleKind::one_cycle) validate_momenta(s);
  switch (s.kind) {
    case ScheduleKind::cosine_restarts:
      require(s.period > 0, "period", "> 0", s.period);
      require(s.period_mult >= 1, "period_mult", ">= 1", s.period_mult);
      require(non_negative(s.eta_min), "eta_min", ">= 0", s.eta_min);
      break;
    case ScheduleKind::cyclic:
      require(std::isnan(s.base_lr) || non_negative(s.base_lr), "base_lr", ">= 0", s.base_lr);
      require(non_negative(s.max_lr), "max_lr", ">= 0", s.max_lr);
      require(std::isnan(s.base_lr) || s.max_lr >= s.base_lr, "max_lr", fmt::format(">= base_lr ({})", s.base_lr), s.max_lr);
      require(s.step_size_up >= 1, "step_size_up", ">= 1", s.step_size_up);
      require(s.step_size_down >= 0, "step_size_down", ">= 1 (0: step_size_up)", s.step_size_down);
      require(std::isfinite(s.gamma) && s.gamma > 0, "gamma", "> 0", s.gamma);
      break;
    case ScheduleKind::one_cycle: {
      require(std::isfinite(s.max_lr) && s.max_lr > 0, "max_lr", "> 0", s.max_lr);
      require(s.total_steps >= 1, "total_steps", ">= 1", s.total_steps);
      require(s.pct_start > 0 && s.pct_start < 1, "pct_start", "in (0, 1)", s.pct_start);
      require(std::isfinite(s.div_factor) && s.div_factor > 0, "div_factor", "> 0", s.div_factor);
      require(std::isfinite(s.final_div_factor) && s.final_div_factor > 0, "final_div_factor", "> 0", s.final_div_factor);
      // Every phase must span at least one step, or OneCycleLR divides by zero.
      const double up_end = s.pct_start * static_cast<double>(s.total_steps) - 1;
      require(up_end > 0, "total_steps", fmt::format("> 1 / pct_start ({})", 1 / s.pct_start), s.total_steps);
      if (s.three_phase)
        require(2 * s.pct_start * static_cast<double>(s.total_steps) - 2 < static_cast<double>(s.total_steps) - 1, "pct_start",
                "short enough for three phases (2 pct_start total_steps - 1 < total_steps)", s.pct_start);
      break;
    }
    case ScheduleKind::snapshot: require(s.period >= 1, "period", ">= 1", s.period); break;
    default: throw std::logic_error("validate_cycles: not a cyclic schedule");
  }
}

double cosine_restarts_rate(const ScheduleSpec& s, double base_lr, std::int64_t t) {
  // T_cur counts steps into the current cycle of length T_i; each restart multiplies T_i by T_mult.
  std::int64_t t_cur = t, t_i = s.period;
  if (s.period_mult == 1) {
    t_cur = t % s.period;
  } else {
    while (t_cur >= t_i) {
      t_cur -= t_i;
      t_i *= s.period_mult;
    }
  }
  return s.eta_min +
         (base_lr - s.eta_min) * (1 + std::cos(std::numbers::pi * static_cast<double>(t_cur) / static_cast<double>(t_i))) / 2;
}

namespace {

// Where step t is in CyclicLR's cycle: the triangle's height in [0, 1] and the mode's scale.
struct CyclicPoint {
  double scale_factor;  // 0 at the cycle's ends, 1 at its peak
  double scale;         // scale_fn(cycle) or, for exp_range, scale_fn(t)
};

CyclicPoint cyclic_point(const ScheduleSpec& s, std::int64_t t) {
  const auto up = static_cast<double>(s.step_size_up);
  const auto down = static_cast<double>(s.step_size_down > 0 ? s.step_size_down : s.step_size_up);
  const double total_size = up + down, step_ratio = up / total_size;
  const auto epoch = static_cast<double>(t);
  const double cycle = std::floor(1 + epoch / total_size);
  const double x = 1. + epoch / total_size - cycle;
  const double scale_factor = x <= step_ratio ? x / step_ratio : (x - 1) / (step_ratio - 1);
  switch (s.mode) {
    case CyclicMode::triangular: return {scale_factor, 1.};
    case CyclicMode::triangular2: return {scale_factor, 1 / std::pow(2., cycle - 1)};
    case CyclicMode::exp_range: return {scale_factor, std::pow(s.gamma, epoch)};
  }
  throw std::logic_error("cyclic_point: unknown mode");
}

}  // namespace

double cyclic_rate(const ScheduleSpec& s, double base_lr, std::int64_t t) {
  const double low = std::isnan(s.base_lr) ? base_lr : s.base_lr;
  const CyclicPoint point = cyclic_point(s, t);
  const double base_height = (s.max_lr - low) * point.scale_factor;
  return low + base_height * point.scale;
}

double cyclic_momentum(const ScheduleSpec& s, std::int64_t t) {
  const CyclicPoint point = cyclic_point(s, t);
  const double base_height = (s.max_momentum - s.base_momentum) * point.scale_factor;
  return s.max_momentum - base_height * point.scale;
}

namespace {

// OneCycleLR's phases, as it lists them: the steps they end at and the rates and momenta they
// anneal between; `momentum` picks the momenta.
double one_cycle_value(const ScheduleSpec& s, std::int64_t t, bool momentum) {
  const double initial_lr = s.max_lr / s.div_factor, min_lr = initial_lr / s.final_div_factor;
  const double high = s.max_momentum, low = s.base_momentum;
  const auto total = static_cast<double>(s.total_steps);
  struct Phase {
    double end_step, start_lr, end_lr, start_momentum, end_momentum;
  };
  const Phase two[] = {{s.pct_start * total - 1, initial_lr, s.max_lr, high, low}, {total - 1, s.max_lr, min_lr, low, high}};
  const Phase three[] = {{s.pct_start * total - 1, initial_lr, s.max_lr, high, low},
                         {2 * s.pct_start * total - 2, s.max_lr, initial_lr, low, high},
                         {total - 1, initial_lr, min_lr, high, high}};
  const std::span<const Phase> phases = s.three_phase ? std::span<const Phase>(three) : std::span<const Phase>(two);
  // Held at the last step's values after it (OneCycleLR raises there instead).
  const auto step_num = static_cast<double>(std::min(t, s.total_steps - 1));
  double start_step = 0;
  for (std::size_t i = 0; i < phases.size(); ++i) {
    const Phase& phase = phases[i];
    if (step_num <= phase.end_step || i + 1 == phases.size()) {
      const double pct = (step_num - start_step) / (phase.end_step - start_step);
      const double start = momentum ? phase.start_momentum : phase.start_lr, end = momentum ? phase.end_momentum : phase.end_lr;
      if (s.anneal == Anneal::linear) return (end - start) * pct + start;
      const double cos_out = std::cos(std::numbers::pi * pct) + 1;
      return end + (start - end) / 2.0 * cos_out;
    }
    start_step = phase.end_step;
  }
  throw std::logic_error("one_cycle_value: no phase");
}

}  // namespace

double one_cycle_rate(const ScheduleSpec& s, std::int64_t t) { return one_cycle_value(s, t, false); }
double one_cycle_momentum(const ScheduleSpec& s, std::int64_t t) { return one_cycle_value(s, t, true); }

double snapshot_rate(const ScheduleSpec& s, double base_lr, std::int64_t t) {
  // Huang et al. (2017), eq. 2: alpha(t') = alpha0 / 2 (cos(pi mod(t' - 1, ceil(T/M)) / ceil(T/M)) + 1),
  // t' = 1, 2, ... the iteration; nnlab's t = t' - 1 counts steps from 0.
  const auto period = static_cast<double>(s.period);
  return base_lr / 2 * (std::cos(std::numbers::pi * static_cast<double>(t % s.period) / period) + 1);
}

ScheduleSpec snapshot_schedule(std::int64_t cycles, std::int64_t total_steps) {
  require(cycles >= 1, "cycles", ">= 1", cycles);
  require(cycles <= total_steps, "cycles", fmt::format("<= the {} steps of training (epochs x batches per epoch)", total_steps), cycles);
  const std::int64_t period = (total_steps + cycles - 1) / cycles;
  require((cycles - 1) * period < total_steps, "cycles",
          fmt::format("such that the last cycle gets a step: {} cycles of ceil({} / {}) = {} steps leave none of the {}", cycles - 1, total_steps,
                      cycles, period, total_steps),
          cycles);
  return ScheduleSpec{.kind = ScheduleKind::snapshot, .unit = ScheduleUnit::step, .period = period};
}

}  // namespace nnlab
