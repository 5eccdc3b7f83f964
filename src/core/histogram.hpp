// Equal-width histograms of float values (weights, activations) for the report.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace nnlab {

struct Histogram {
  double low = 0.0;                   // the smallest finite value: the first bin's left edge
  double high = 0.0;                  // the largest: the last bin's right edge (inclusive)
  std::vector<std::int64_t> counts;   // bins of width (high − low) / bins
  std::int64_t nonfinite = 0;         // NaN and infinities, counted apart
};

// bins >= 1. All finite values equal: every one in the middle bin, low == high. No finite
// value: all counts zero.
Histogram make_histogram(std::span<const float> values, int bins);

}  // namespace nnlab
