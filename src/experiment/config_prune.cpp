// The `prune:` section (Frankle & Carbin 2019; train/prune.hpp): iterative magnitude pruning
// with rewinding. train.epochs is one round's length L; the fit trains (rounds + 1) × L epochs.
#include <fmt/format.h>

#include "experiment/config_parts.hpp"

namespace nnlab::config_parts {
namespace {

constexpr std::array<Choice<PruneScope>, 2> scope_names{{{"layer", PruneScope::layer}, {"global", PruneScope::global}}};

}  // namespace

void read_prune(const Field& field, ExperimentConfig& config) {
  const Section section(field, {"rounds", "rate", "output_rate", "scope", "rewind", "control", "reinit"});
  PruneConfig prune;
  if (const auto rounds = section.find("rounds")) prune.rounds = integer_between(*rounds, 1, 1000);
  if (const auto rate = section.find("rate")) {
    prune.rate = rate->number();
    rate->check(prune.rate > 0.0 && prune.rate < 1.0, "must be in (0, 1): the share of the remaining weights pruned per round");
  }
  if (const auto rate = section.find("output_rate")) prune.output_rate = in_half_open_unit_interval(*rate);
  if (const auto scope = section.find("scope")) prune.scope = choose(*scope, scope_names, "scope");
  const std::int64_t round_epochs = config.train.epochs;
  if (const auto rewind = section.find("rewind")) {
    if (rewind->is_scalar() && rewind->text() == "init") {
      prune.rewind_epoch = 0;
    } else {
      if (!rewind->is_map()) rewind->fail(fmt::format("expected 'init' or {{epoch: k}}, got {}", rewind->shown()));
      const Section late(*rewind, {"epoch"});
      const Field epoch = late.required("epoch");
      prune.rewind_epoch = integer_at_least(epoch, 0);
      epoch.check(prune.rewind_epoch <= round_epochs,
                  fmt::format("must be <= train.epochs ({}), a round's length: the rewind point is in the dense round", round_epochs));
    }
  }
  if (const auto control = section.find("control")) {
    const std::string name = control->text();
    if (name != "none" && name != "random_reinit") control->fail(fmt::format("expected none or random_reinit, got {}", control->shown()));
    prune.control = name == "random_reinit";
  }
  if (const auto reinit = section.find("reinit")) prune.reinit = reinit->boolean();
  // What a round's rewind cannot go with (yet).
  if (config.train.batch == 0) field.fail("needs mini-batches (train.batch): a full batch's epoch end comes after the next forward");
  if (config.schedule.kind == ScheduleKind::reduce_on_plateau)
    field.fail("rewinds every round; reduce_on_plateau's state would not restart with it (another schedule restarts every round)");
  if (config.train.early_stopping) field.fail("records each round's early-stopping epoch itself; remove train.early_stopping");
  if (config.train.snapshot_ensemble) field.fail("rewinds every round; it cannot go with train.snapshot_ensemble");
  std::int64_t epochs = 0;
  if (__builtin_mul_overflow(round_epochs, prune.rounds + 1, &epochs) || epochs > (std::int64_t{1} << 40))
    field.fail(fmt::format("{} rounds of train.epochs = {} are too many epochs", prune.rounds + 1, round_epochs));
  config.train.epochs = epochs;
  config.train.schedule_restart = round_epochs;  // the schedule (and warm-up) starts again with every round
  config.train.prune = prune;
}

}  // namespace nnlab::config_parts
