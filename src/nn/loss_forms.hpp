// The element-wise losses (sse, mse, bce) as inline per-element formulas in double, shared by
// the Loss classes and the fused small-network kernel so that both give the same floats.
// A member's loss is `finish(sum)` of `accumulate` over its examples b (outer) and outputs c
// (inner), in that order; y = output, t = target, w = the example's class weight, n = B · C.
// `on_lanes`: accumulate and gradient are pure arithmetic, also valid on Lanes<double> (taken by
// reference: a 128-byte vector by value has no stable ABI).
#pragma once

#include <algorithm>
#include <cmath>

namespace nnlab {

// ½ Σ w (y − t)²;  ∂/∂y = w (y − t)
struct SseElements {
  static constexpr bool on_lanes = true;
  template <typename V>
  static V accumulate(const V& sum, const V& y, const V& t, const V& w) {
    const V error = y - t;
    return sum + w * error * error;
  }
  template <typename V>
  static V gradient(const V& y, const V& t, const V& w, double /*n*/) {
    return w * (y - t);
  }
  static double finish(double sum, double /*n*/) { return 0.5 * sum; }
};

// (1 / n) Σ w (y − t)²;  ∂/∂y = 2 w (y − t) / n. Like PyTorch's weighted element losses, the
// mean divides by the plain element count n, not by Σ w. The sum is SSE's.
struct MseElements : SseElements {
  template <typename V>
  static V gradient(const V& y, const V& t, const V& w, double n) {
    return 2.0 * w * (y - t) / n;
  }
  static double finish(double sum, double n) { return sum / n; }
};

// −(1 / n) Σ w [t log y + (1 − t) log(1 − y)], each log clamped at −100 as PyTorch's BCELoss does,
// so y = 0 or 1 gives a finite loss. ∂/∂y = w (y − t) / max(y (1 − y), 1e-12) / n: PyTorch's
// gradient formula, finite at 0 and 1.
struct BceElements {
  static constexpr bool on_lanes = false;  // std::log
  static double accumulate(double sum, double y, double t, double w) {
    constexpr double log_floor = -100.0;
    const double log_y = std::max(std::log(y), log_floor), log_not_y = std::max(std::log1p(-y), log_floor);
    return sum - w * (t * log_y + (1.0 - t) * log_not_y);
  }
  static double gradient(double y, double t, double w, double n) {
    constexpr double epsilon = 1e-12;
    return w * (y - t) / std::max(y * (1.0 - y), epsilon) / n;
  }
  static double finish(double sum, double n) { return sum / n; }
};

}  // namespace nnlab
