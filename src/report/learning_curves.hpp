// The run report's curves over epochs: loss and accuracy per split, grouped by trial and coloured
// by the swept value (small multiples when a second key varies); the final metrics against the
// swept value, train and test; and, when recorded, loss against epochs, wall time and updates.
// Internal to the run report; each figure is left out when its data is not in the store.
#pragma once

#include "report/report.hpp"
#include "report/trial_groups.hpp"

namespace nnlab {

// Without a sweep: one band per split over all members (faint: the members). With trials: one
// figure per quantity, a column per split and a row per value of a second swept key, one median
// line and 25–75 % band per trial over its replicates (a line alone for one member).
void add_learning_curves(ReportSection& section, const RunView& view);

// The final train / validation / test loss and accuracy (median, quartiles, each member) against
// the first swept key, a panel per combination of the others.
void add_sweep_summaries(ReportSection& section, const RunView& view);

// Train loss against epochs, cumulative wall seconds and optimiser updates for the members that
// record `epoch_seconds` and `updates` (the first of each population).
void add_time_and_updates(ReportSection& section, const RunView& view);

}  // namespace nnlab
