// The `schedule` section: one schedule, or a linear warm-up followed by one (`warmup`, `then`).
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "experiment/config_parts.hpp"
#include "optim/update_rules.hpp"

namespace nnlab::config_parts {
namespace {

constexpr std::array<Choice<ScheduleKind>, 10> schedule_names{{
    {"constant", ScheduleKind::constant},
    {"step", ScheduleKind::step},
    {"exponential", ScheduleKind::exponential},
    {"inverse_time", ScheduleKind::inverse_time},
    {"linear", ScheduleKind::linear},
    {"cosine", ScheduleKind::cosine},
    {"cosine_restarts", ScheduleKind::cosine_restarts},
    {"cyclic", ScheduleKind::cyclic},
    {"one_cycle", ScheduleKind::one_cycle},
    {"reduce_on_plateau", ScheduleKind::reduce_on_plateau},
}};

constexpr std::array<Choice<PlateauMode>, 2> plateau_mode_names{{{"min", PlateauMode::min}, {"max", PlateauMode::max}}};
constexpr std::array<Choice<ThresholdMode>, 2> threshold_mode_names{{{"rel", ThresholdMode::rel}, {"abs", ThresholdMode::abs}}};

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
      keys.insert(keys.end(), {"base_lr", "max_lr", "step_size_up", "step_size_down", "mode", "gamma", "cycle_momentum", "base_momentum",
                               "max_momentum"});
      break;
    case ScheduleKind::one_cycle:
      keys.insert(keys.end(), {"max_lr", "total_steps", "pct_start", "anneal", "div_factor", "final_div_factor", "three_phase",
                               "cycle_momentum", "base_momentum", "max_momentum"});
      break;
    case ScheduleKind::reduce_on_plateau:  // stepped once per epoch: no unit
      keys = {"type", "monitor", "mode", "factor", "patience", "threshold", "threshold_mode", "cooldown", "min_lr", "eps"};
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

// cycle_momentum, base_momentum, max_momentum of cyclic and one_cycle. CyclicLR cycles an
// optimiser's `momentum` (sgd, rmsprop); OneCycleLR also Adam's beta1. Each cycles by default
// when the optimiser has what it cycles (PyTorch's cycle_momentum=True, which raises otherwise).
void read_momentum_cycle(const Section& section, const OptimizerOptions& optimizer, ScheduleSpec& schedule) {
  const bool one_cycle = schedule.kind == ScheduleKind::one_cycle;
  const bool has_beta1 = cycled_momentum(optimizer) != nullptr && optimizer.kind != OptimizerKind::sgd && optimizer.kind != OptimizerKind::rmsprop;
  const bool can_cycle = cycled_momentum(optimizer) != nullptr && (one_cycle || !has_beta1);
  schedule.cycle_momentum = can_cycle;
  if (const auto cycle = section.find("cycle_momentum")) {
    schedule.cycle_momentum = cycle->boolean();
    if (schedule.cycle_momentum && !can_cycle)
      cycle->fail(one_cycle ? fmt::format("{} has no momentum or beta1 to cycle; set it to false", optimizer_kind_name(optimizer.kind))
                            : fmt::format("cyclic cycles the optimiser's momentum (sgd, rmsprop), as CyclicLR does; {} has none "
                                          "(one_cycle cycles beta1); set it to false",
                                          optimizer_kind_name(optimizer.kind)));
  }
  if (one_cycle) {
    schedule.base_momentum = 0.85;  // OneCycleLR's defaults; CyclicLR's are 0.8 and 0.9
    schedule.max_momentum = 0.95;
  }
  for (const char* key : {"base_momentum", "max_momentum"}) {
    const auto value = section.find(key);
    if (!value) continue;
    if (!schedule.cycle_momentum) value->fail("not used without cycle_momentum");
    (std::string_view(key) == "base_momentum" ? schedule.base_momentum : schedule.max_momentum) = value->number();
    value->check(value->number() >= 0 && value->number() < 1, "must be in [0, 1)");
  }
  if (const auto max = section.find("max_momentum"))
    max->check(schedule.max_momentum >= schedule.base_momentum, fmt::format("must be >= base_momentum ({})", schedule.base_momentum));
}

// reduce_on_plateau's keys; `mode` defaults to the monitor's direction (min for a loss, max for an accuracy).
void read_plateau(const Section& section, const Field& field, const DataConfig& data, ScheduleSpec& schedule) {
  if (const auto monitor = section.find("monitor")) {
    schedule.monitor = read_monitor(*monitor, data);
  } else if (data.validation == 0) {
    field.fail("monitors validation_loss by default, which needs a validation split (data.validation > 0); set data.validation or monitor");
  }
  PlateauRule& rule = schedule.plateau;
  rule.mode = is_accuracy(schedule.monitor) ? PlateauMode::max : PlateauMode::min;
  if (const auto mode = section.find("mode")) rule.mode = choose(*mode, plateau_mode_names, "plateau mode");
  if (const auto factor = section.find("factor")) rule.factor = in_open_unit_interval(*factor);
  if (const auto patience = section.find("patience")) rule.patience = integer_at_least(*patience, 0);
  if (const auto threshold = section.find("threshold")) rule.threshold = non_negative(*threshold);
  if (const auto mode = section.find("threshold_mode")) rule.threshold_mode = choose(*mode, threshold_mode_names, "threshold mode");
  if (const auto cooldown = section.find("cooldown")) rule.cooldown = integer_at_least(*cooldown, 0);
  if (const auto min_lr = section.find("min_lr")) rule.min_lr = non_negative(*min_lr);
  if (const auto eps = section.find("eps")) rule.eps = non_negative(*eps);
}

// One schedule without a warm-up: `type` and the keys that kind uses.
ScheduleSpec read_plain_schedule(const Field& field, const OptimizerOptions& optimizer, const DataConfig& data) {
  const double optimizer_lr = optimizer.lr;
  static constexpr std::array<std::string_view, 30> all_keys{
      "type",    "unit",   "gamma",   "step_size",    "decay",          "period", "eta_min",    "period_mult", "base_lr",
      "max_lr",  "mode",   "step_size_up", "step_size_down", "total_steps", "pct_start", "anneal", "div_factor",
      "final_div_factor", "three_phase", "monitor", "factor", "patience", "threshold", "threshold_mode", "cooldown", "min_lr", "eps",
      "cycle_momentum", "base_momentum", "max_momentum"};
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
      read_momentum_cycle(section, optimizer, schedule);
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
      read_momentum_cycle(section, optimizer, schedule);
      break;
    case ScheduleKind::snapshot: break;
    case ScheduleKind::range_test: break;
    case ScheduleKind::reduce_on_plateau: read_plateau(section, field, data, schedule); break;
  }
  return schedule;
}

}  // namespace

ScheduleSpec read_schedule(const Field& field, const OptimizerOptions& optimizer, const DataConfig& data) {
  if (!field.is_map() || !field.node()["warmup"]) return read_plain_schedule(field, optimizer, data);
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
  if (const auto then = section.find("then")) schedule = read_plain_schedule(*then, optimizer, data);
  if (schedule.kind == ScheduleKind::reduce_on_plateau)
    section.required("warmup").fail("cannot come before reduce_on_plateau (its rate is no function of the step); leave the warm-up out");
  schedule.warmup_steps = steps;
  schedule.warmup_start_factor = start_factor;
  return schedule;
}

}  // namespace nnlab::config_parts
