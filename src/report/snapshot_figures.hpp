// The run report's snapshot-ensemble figure (train.snapshot_ensemble): per trial, accuracy against
// m = 1 ... M of the ensemble of the last m snapshots and of snapshot m alone, the median over the
// trial's replicates with their range as a band and each replicate's own line, and a table of the
// medians. Read from the summary; left out when no member carries a snapshot-ensemble outcome.
// Internal to the run report.
#pragma once

#include "report/report.hpp"
#include "report/trial_groups.hpp"

namespace nnlab {

void add_snapshot_ensemble_figures(ReportSection& section, const RunView& view);

}  // namespace nnlab
