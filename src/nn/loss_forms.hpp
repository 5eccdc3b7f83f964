// The element-wise losses (sse, mse, bce) as inline per-element formulas in double, shared by
// the Loss classes and the fused small-network kernel so that both give the same floats.
// A member's loss is `finish(sum, n)` of `accumulate` over its examples b (outer) and outputs c
// (inner), in that order; y = output, t = target, w = the example's class weight, n = B · C.
// `on_lanes`: accumulate and gradient are pure arithmetic, also valid on Lanes<double> (taken by
// reference: a 128-byte vector by value has no stable ABI).
#pragma once

#include <algorithm>
#include <cmath>

#include "nn/loss.hpp"

namespace nnlab {

// The summed forms: the loss is Σ of the terms, ∂/∂y the term's derivative. Reduced<> below
// turns them into the form a LossReduction asks for.

// ½ Σ w (y − t)²;  ∂/∂y = w (y − t)
struct SseSum {
  static constexpr bool on_lanes = true;
  template <typename V>
  static V accumulate(const V& sum, const V& y, const V& t, const V& w) {
    const V error = y - t;
    return sum + w * error * error;
  }
  template <typename V>
  static V gradient(const V& y, const V& t, const V& w) {
    return w * (y - t);
  }
  static double finish(double sum) { return 0.5 * sum; }
};

// Σ w (y − t)²;  ∂/∂y = 2 w (y − t). The accumulated sum is SSE's.
struct MseSum : SseSum {
  template <typename V>
  static V gradient(const V& y, const V& t, const V& w) {
    return 2.0 * w * (y - t);
  }
  static double finish(double sum) { return sum; }
};

// −Σ w [t log y + (1 − t) log(1 − y)], each log clamped at −100 as PyTorch's BCELoss does, so
// y = 0 or 1 gives a finite loss. ∂/∂y = w (y − t) / max(y (1 − y), 1e-12): PyTorch's gradient
// formula, finite at 0 and 1.
struct BceSum {
  static constexpr bool on_lanes = false;  // std::log
  static double accumulate(double sum, double y, double t, double w) {
    constexpr double log_floor = -100.0;
    const double log_y = std::max(std::log(y), log_floor), log_not_y = std::max(std::log1p(-y), log_floor);
    return sum - w * (t * log_y + (1.0 - t) * log_not_y);
  }
  static double gradient(double y, double t, double w) {
    constexpr double epsilon = 1e-12;
    return w * (y - t) / std::max(y * (1.0 - y), epsilon);
  }
  static double finish(double sum) { return sum; }
};

// A summed form under a reduction. mean: loss and gradient of the sum divided by n, the plain
// element count (like PyTorch's weighted element losses, not Σ w); sum: the summed form as it is.
// Compile-time, so the default sse path pays no division.
template <typename Sum, LossReduction reduction>
struct Reduced {
  static constexpr bool on_lanes = Sum::on_lanes;
  template <typename V>
  static V accumulate(const V& sum, const V& y, const V& t, const V& w) {
    return Sum::accumulate(sum, y, t, w);
  }
  template <typename V>
  static V gradient(const V& y, const V& t, const V& w, double n) {
    if constexpr (reduction == LossReduction::mean) {
      return Sum::gradient(y, t, w) / n;
    } else {
      return Sum::gradient(y, t, w);
    }
  }
  static double finish(double sum, double n) {
    if constexpr (reduction == LossReduction::mean) {
      return Sum::finish(sum) / n;
    } else {
      return Sum::finish(sum);
    }
  }
};

// visit(Reduced<Sum, reduction>{}) for an element-wise kind; false for cross_entropy (not
// element-wise), true otherwise. The one place a (kind, reduction) pair picks its formulas.
template <typename Visit>
bool visit_element_loss(LossKind kind, LossReduction reduction, Visit&& visit) {
  const auto with = [&]<typename Sum>(Sum) {
    if (reduction == LossReduction::sum) {
      visit(Reduced<Sum, LossReduction::sum>{});
    } else {
      visit(Reduced<Sum, LossReduction::mean>{});
    }
  };
  switch (kind) {
    case LossKind::sse: with(SseSum{}); return true;
    case LossKind::mse: with(MseSum{}); return true;
    case LossKind::bce: with(BceSum{}); return true;
    case LossKind::cross_entropy: return false;
  }
  return false;
}

}  // namespace nnlab
