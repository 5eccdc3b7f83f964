#include "train/plateau.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "train/early_stopping.hpp"

namespace nnlab {
namespace {

bool on_plateau(const MemberSetup& member) { return member.schedule.kind == ScheduleKind::reduce_on_plateau; }

}  // namespace

bool any_plateau(std::span<const MemberSetup> members) { return std::any_of(members.begin(), members.end(), on_plateau); }

void PlateauHook::on_fit_begin(TrainingContext& ctx) {
  const std::size_t members = ctx.member_count();
  for (std::size_t m = 0; m < members; ++m) {
    const MemberSetup& setup = ctx.members[m];
    if (!on_plateau(setup)) continue;
    const MonitorKind monitor = setup.schedule.monitor;
    const bool validation = monitor == MonitorKind::validation_loss || monitor == MonitorKind::validation_accuracy;
    const bool test = monitor == MonitorKind::test_loss || monitor == MonitorKind::test_accuracy;
    if ((validation && !ctx.data.validation) || (test && !ctx.data.test))
      throw std::invalid_argument(fmt::format("Trainer::fit: member {}'s reduce_on_plateau monitors {} but there is no {} set", m,
                                              monitor_name(monitor), validation ? "validation" : "test"));
  }
  TrainerState& state = ctx.state;
  if (ctx.first_epoch == 1 && state.plateau.empty()) {
    state.plateau.resize(members);
    for (std::size_t m = 0; m < members; ++m)
      if (on_plateau(ctx.members[m])) state.plateau[m] = plateau_start(ctx.members[m].schedule.plateau, ctx.members[m].base_lr);
    return;
  }
  if (state.plateau.size() != members)
    throw std::invalid_argument(
        fmt::format("Trainer::fit: the checkpoint has reduce_on_plateau state for {} members, expected {}", state.plateau.size(), members));
}

void PlateauHook::on_epoch_end(TrainingContext& ctx, std::int64_t epoch, bool /*last*/) {
  if (epoch == 0) return;  // PyTorch's scheduler steps after each trained epoch
  TrainerState& state = ctx.state;
  for (std::size_t m = 0; m < ctx.member_count(); ++m) {
    const MemberSetup& setup = ctx.members[m];
    if (!on_plateau(setup) || !state.active[m]) continue;
    plateau_step(setup.schedule.plateau, state.plateau[m], epoch, monitored_value(setup.schedule.monitor, state.current[m]));
  }
}

}  // namespace nnlab
