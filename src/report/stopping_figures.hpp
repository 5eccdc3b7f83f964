// The run report's early-stopping figure (train.early_stopping): each member's monitored metric
// over epochs with its best epoch (circle) and its stop epoch (diamond) marked, a panel per trial,
// and a table of how many members of each trial stopped and where. Left out when the run's
// members carry no early-stopping outcome. Internal to the run report.
#pragma once

#include "report/report.hpp"
#include "report/trial_groups.hpp"

namespace nnlab {

void add_early_stopping_figures(ReportSection& section, const RunView& view);

}  // namespace nnlab
