#include "core/histogram.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace nnlab {

Histogram make_histogram(std::span<const float> values, int bins) {
  if (bins < 1) throw std::invalid_argument("make_histogram: bins must be >= 1");
  Histogram histogram;
  histogram.counts.assign(static_cast<std::size_t>(bins), 0);
  double low = std::numeric_limits<double>::infinity(), high = -low;
  for (const float value : values) {
    if (!std::isfinite(value)) {
      ++histogram.nonfinite;
      continue;
    }
    low = std::min(low, static_cast<double>(value));
    high = std::max(high, static_cast<double>(value));
  }
  if (low > high) return histogram;  // nothing finite
  histogram.low = low;
  histogram.high = high;
  const double width = (high - low) / bins;
  for (const float value : values) {
    if (!std::isfinite(value)) continue;
    std::size_t bin = static_cast<std::size_t>(bins / 2);
    if (width > 0) bin = std::min(static_cast<std::size_t>((value - low) / width), static_cast<std::size_t>(bins - 1));
    ++histogram.counts[bin];
  }
  return histogram;
}

}  // namespace nnlab
