// The run report's lottery-ticket figures (train.prune; Frankle & Carbin 2019, Figures 1, 3, 4):
// per trial (ticket and random-reinit control), test accuracy at each round's end and at its
// early-stopping epoch, and that epoch, against the weights remaining (log x), median and range
// over replicates; the first layer's kept connections per input pixel, round by round, as
// images; a table of the medians.
#pragma once

#include "report/report.hpp"
#include "report/trial_groups.hpp"

namespace nnlab {

void add_prune_figures(ReportSection& section, const RunView& view);

}  // namespace nnlab
