// The run report's success figures, for runs with a success criterion: the table of success rates
// and times to success per trial, the outcome histogram, and the fraction of members solved by
// each epoch with its 95 % interval (the mirror study's key figure). Internal to the run report.
#pragma once

#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "report/report.hpp"
#include "report/trial_groups.hpp"

namespace nnlab {

// The share of ALL members that have succeeded by epoch t (success_epochs: one per member, nullopt
// for a member that never did, diverged ones included), as a step curve from `first` to `last`: a
// point at `first`, then at each later success epoch up to `last` the value before and after the
// step, and a point at `last`; low / high the Wilson interval of each value. Every member is
// followed to `last`, so each epoch's share is a plain binomial proportion.
struct SolvedCurve {
  std::vector<double> x;
  std::vector<double> fraction;
  std::vector<double> low;
  std::vector<double> high;
};
SolvedCurve solved_fraction(std::span<const std::optional<Epoch>> success_epochs, Epoch first, Epoch last);

// The success table, outcome histogram and fraction-solved curves; nothing without a criterion.
void add_success_figures(ReportSection& section, const RunView& view);

}  // namespace nnlab
