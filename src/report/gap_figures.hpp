// The run report's generalisation gap for a sweep with a validation set (the dropout study): every
// trial's train loss (solid) and validation loss (dashed) on one axis, coloured by trial, and the
// gap validation − train per trial beside it. Internal to the run report.
#pragma once

#include "report/report.hpp"
#include "report/trial_groups.hpp"

namespace nnlab {

// Each trial's median over its replicates with the 25–75 % band; the gap is taken per member, then
// summarised the same way. Nothing without a sweep (the pooled curves already share an axis), without
// validation_loss, or for more than 6 trials (the by-trial figures show those).
void add_generalisation_gap(ReportSection& section, const RunView& view);

}  // namespace nnlab
