// The run report's per-layer diagnostics over epochs, per trial: weight and gradient norms, update
// ratio, Σ|W|, dead and saturated unit fractions, activation mean and standard deviation (one figure
// per statistic, a panel per trial, a line per layer; solved and unsolved members apart when the
// run has a success criterion), and the whole network's Σ|W| by trial. Internal to the run report.
#pragma once

#include "report/report.hpp"
#include "report/trial_groups.hpp"

namespace nnlab {

void add_layer_diagnostics(ReportSection& section, const RunView& view);

}  // namespace nnlab
