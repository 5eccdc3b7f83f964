// The `schedule` section: one schedule, or a linear warm-up followed by one (`warmup`, `then`).
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "experiment/config_parts.hpp"

namespace nnlab::config_parts {
namespace {

constexpr std::array<Choice<ScheduleKind>, 9> schedule_names{{
    {"constant", ScheduleKind::constant},
    {"step", ScheduleKind::step},
    {"exponential", ScheduleKind::exponential},
    {"inverse_time", ScheduleKind::inverse_time},
    {"linear", ScheduleKind::linear},
    {"cosine", ScheduleKind::cosine},
    {"cosine_restarts", ScheduleKind::cosine_restarts},
    {"cyclic", ScheduleKind::cyclic},
    {"one_cycle", ScheduleKind::one_cycle},
}};

constexpr std::array<Choice<CyclicMode>, 3> cyclic_mode_names{{
    {"triangular", CyclicMode::triangular},
    {"triangular2", CyclicMode::triangular2},
    {"exp_range", CyclicMode::exp_range},
}};

constexpr std::array<Choice<Anneal>, 2> anneal_names{{{"cos", Anneal::cos}, {"linear", Anneal::linear}}};

constexpr std::array<Choice<ScheduleUnit>, 2> unit_names{
    {{"epoch", ScheduleUnit::epoch}, {"step", ScheduleUnit::step}}};

// The keys each schedule understands.
Keys schedule_keys(ScheduleKind kind) {
  Keys keys{"type", "unit"};
  switch (kind) {
    case ScheduleKind::constant: break;
    case ScheduleKind::step: keys.insert(keys.end(), {"gamma", "step_size"}); break;
    case ScheduleKind::exponential: keys.push_back("gamma"); break;
    case ScheduleKind::inverse_time:
    case ScheduleKind::linear: keys.push_back("decay"); break;
    case ScheduleKind::cosine: keys.insert(keys.end(), {"period", "eta_min"}); break;
    case ScheduleKind::cosine_restarts: keys.insert(keys.end(), {"period", "period_mult", "eta_min"}); break;
    case ScheduleKind::cyclic:
      keys.insert(keys.end(), {"base_lr", "max_lr", "step_size_up", "step_size_down", "mode", "gamma"});
      break;
    case ScheduleKind::one_cycle:
      keys.insert(keys.end(), {"max_lr", "total_steps", "pct_start", "anneal", "div_factor", "final_div_factor", "three_phase"});
      break;
    case ScheduleKind::snapshot: break;  // train.snapshot_ensemble's, not a schedule.type
    case ScheduleKind::range_test: break;  // not a YAML schedule (nnlab lr-find sets it)
  }
  return keys;
}

// A number strictly between 0 and 1.
double in_open_unit_interval(const Field& field) {
  const double value = field.number();
  field.check(value > 0 && value < 1, "must be in (0, 1)");
  return value;
}

// One schedule without a warm-up: `type` and the keys that kind uses.
ScheduleSpec read_plain_schedule(const Field& field, double optimizer_lr) {
  static constexpr std::array<std::string_view, 19> all_keys{
      "type",    "unit",   "gamma",   "step_size",    "decay",          "period", "eta_min",    "period_mult", "base_lr",
      "max_lr",  "mode",   "step_size_up", "step_size_down", "total_steps", "pct_start", "anneal", "div_factor",
      "final_div_factor", "three_phase"};
  const Section section(expand_shorthand(field, "type"), all_keys);
  ScheduleSpec schedule;
  if (const auto type = section.find("type")) schedule.kind = choose(*type, schedule_names, "schedule");
  const auto named = std::ranges::find(schedule_names, schedule.kind, &Choice<ScheduleKind>::kind);
  section.only(schedule_keys(schedule.kind), named->name);
  if (const auto unit = section.find("unit")) schedule.unit = choose(*unit, unit_names, "schedule unit");

  // Each schedule's defining parameter is required: without it the schedule would do nothing.
  switch (schedule.kind) {
    case ScheduleKind::constant: break;
    case ScheduleKind::step:
      schedule.step_size = integer_at_least(section.required("step_size"), 1);
      if (const auto gamma = section.find("gamma")) schedule.gamma = positive(*gamma);
      break;
    case ScheduleKind::exponential: schedule.gamma = positive(section.required("gamma")); break;
    case ScheduleKind::inverse_time: schedule.decay = non_negative(section.required("decay")); break;
    case ScheduleKind::linear: schedule.decay = section.required("decay").number(); break;
    case ScheduleKind::cosine:
      schedule.period = integer_at_least(section.required("period"), 1);
      if (const auto eta_min = section.find("eta_min")) schedule.eta_min = non_negative(*eta_min);
      break;
    case ScheduleKind::cosine_restarts:
      schedule.period = integer_at_least(section.required("period"), 1);
      if (const auto mult = section.find("period_mult")) schedule.period_mult = integer_at_least(*mult, 1);
      if (const auto eta_min = section.find("eta_min")) schedule.eta_min = non_negative(*eta_min);
      break;
    case ScheduleKind::cyclic: {
      schedule.gamma = 1.0;  // CyclicLR's default
      if (const auto base_lr = section.find("base_lr")) schedule.base_lr = non_negative(*base_lr);
      const Field max_lr = section.required("max_lr");
      schedule.max_lr = non_negative(max_lr);
      const double low = std::isnan(schedule.base_lr) ? optimizer_lr : schedule.base_lr;
      max_lr.check(schedule.max_lr >= low,
                   fmt::format("must be >= {} ({})", std::isnan(schedule.base_lr) ? "optimizer.lr" : "base_lr", low));
      if (const auto up = section.find("step_size_up")) schedule.step_size_up = integer_at_least(*up, 1);
      if (const auto down = section.find("step_size_down")) schedule.step_size_down = integer_at_least(*down, 1);
      if (const auto mode = section.find("mode")) schedule.mode = choose(*mode, cyclic_mode_names, "cyclic mode");
      if (const auto gamma = section.find("gamma")) schedule.gamma = positive(*gamma);
      break;
    }
    case ScheduleKind::one_cycle:
      schedule.max_lr = positive(section.required("max_lr"));
      if (const auto total = section.find("total_steps")) schedule.total_steps = integer_at_least(*total, 2);
      if (const auto pct = section.find("pct_start")) schedule.pct_start = in_open_unit_interval(*pct);
      if (const auto anneal = section.find("anneal")) schedule.anneal = choose(*anneal, anneal_names, "anneal");
      if (const auto div = section.find("div_factor")) schedule.div_factor = positive(*div);
      if (const auto div = section.find("final_div_factor")) schedule.final_div_factor = positive(*div);
      if (const auto three = section.find("three_phase")) schedule.three_phase = three->boolean();
      break;
    case ScheduleKind::snapshot: break;
    case ScheduleKind::range_test: break;
  }
  return schedule;
}

}  // namespace

ScheduleSpec read_schedule(const Field& field, double optimizer_lr) {
  if (!field.is_map() || !field.node()["warmup"]) return read_plain_schedule(field, optimizer_lr);
  // {warmup: {steps, start_factor}, then: schedule}: LinearLR, then `then` from its own t = 0.
  const Section section(field, {"warmup", "then"});
  const Section warmup(section.required("warmup"), {"steps", "start_factor"});
  const std::int64_t steps = integer_at_least(warmup.required("steps"), 1);
  double start_factor = ScheduleSpec{}.warmup_start_factor;
  if (const auto factor = warmup.find("start_factor")) {
    start_factor = factor->number();
    factor->check(start_factor > 0 && start_factor <= 1, "must be in (0, 1]");
  }
  ScheduleSpec schedule;
  if (const auto then = section.find("then")) schedule = read_plain_schedule(*then, optimizer_lr);
  schedule.warmup_steps = steps;
  schedule.warmup_start_factor = start_factor;
  return schedule;
}

}  // namespace nnlab::config_parts
