// The run report's pictures of the weights, per trial: a Hinton diagram of a small network's final
// weights (a successful member's when there is one) and, from the snapshot member's stored snapshots
// and updates (seed 002's figures), every layer's weight matrix W and last update ΔW as images at the
// snapshot epochs, and the first layer's units as 28 x 28 images when it has 784 inputs.
// Internal to the run report.
#pragma once

#include "report/report.hpp"
#include "report/trial_groups.hpp"

namespace nnlab {

void add_weight_figures(ReportSection& section, const RunView& view);

}  // namespace nnlab
