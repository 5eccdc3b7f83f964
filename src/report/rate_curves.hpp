// The run report's learning-rate figure: the rate each trial's members stepped with at every
// epoch's last step (the `learning_rate` series), one curve per trial — a schedule study's
// second axis beside its loss curves. Left out when every member's rate is the same constant.
// Internal to the run report.
#pragma once

#include "report/report.hpp"
#include "report/trial_groups.hpp"

namespace nnlab {

void add_rate_curves(ReportSection& section, const RunView& view);

}  // namespace nnlab
