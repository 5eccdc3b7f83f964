// Order statistics shared by summaries and reports.
#pragma once

#include <vector>

namespace nnlab {

// The q-quantile (0 <= q <= 1) of an ascending, non-empty sample, interpolating linearly
// between order statistics (numpy's default method).
double quantile_of_sorted(const std::vector<double>& sorted, double q);

}  // namespace nnlab
