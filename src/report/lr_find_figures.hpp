// The report's figure of an `nnlab lr-find` run: its recorded curves (lr_find_rate,
// lr_find_smoothed) and suggestions drawn as `nnlab lr-find` draws them (lr_find_chart.hpp).
#pragma once

#include "report/report.hpp"
#include "report/trial_groups.hpp"

namespace nnlab {

// Adds the figure when the run recorded lr_find_smoothed; nothing otherwise.
void add_lr_find_figure(ReportSection& section, const RunView& view);

}  // namespace nnlab
