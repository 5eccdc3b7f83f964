// The element-wise activations as inline formulas, shared by the Activation layer and the fused
// small-network kernel, so that both compute every element with the same operations in the same
// order (and hence the same floats). Softmax is row-wise and lives in activation.cpp.
#pragma once

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "core/inline_exp.hpp"
#include "nn/spec.hpp"

namespace nnlab {

// A member's activation parameters, rounded to the working precision once.
template <typename T>
struct ActivationScalars {
  T steepness{1}, slope{0}, alpha{1};
  static ActivationScalars of(const ActivationSpec& spec) {
    return {static_cast<T>(spec.steepness), static_cast<T>(spec.slope), static_cast<T>(spec.alpha)};
  }
};

// σ(z) = 1 / (1 + e^{-z}) without overflow: with e = e^{-|z|} <= 1, σ(z) = 1 / (1 + e) for z >= 0
// and e / (1 + e) for z < 0. Branch-free, so loops over it vectorise.
template <typename T>
inline T logistic(T z) {
  const T e = inline_exp_nonpositive(-std::abs(z));
  const T numerator = z >= T{0} ? T{1} : e;
  return numerator / (T{1} + e);
}

// Each form: value(x, s) = f(x); slope(x, y, s) = f'(x) given y = f(x). PyTorch's convention at
// kinks: relu'(0) = 0, leaky'(0) = slope, elu'(0) = α.
struct IdentityForm {
  template <typename T>
  static T value(T x, const ActivationScalars<T>&) {
    return x;
  }
  template <typename T>
  static T slope(T, T, const ActivationScalars<T>&) {
    return T{1};
  }
};
struct SigmoidForm {  // σ(k x); d/dx = k y (1 − y)
  template <typename T>
  static T value(T x, const ActivationScalars<T>& s) {
    return logistic(s.steepness * x);
  }
  template <typename T>
  static T slope(T, T y, const ActivationScalars<T>& s) {
    return s.steepness * y * (T{1} - y);
  }
};
struct TanhForm {  // d/dx = 1 − y²
  template <typename T>
  static T value(T x, const ActivationScalars<T>&) {
    return inline_tanh(x);
  }
  template <typename T>
  static T slope(T, T y, const ActivationScalars<T>&) {
    return T{1} - y * y;
  }
};
struct ReluForm {
  template <typename T>
  static T value(T x, const ActivationScalars<T>&) {
    return x > T{0} ? x : T{0};
  }
  template <typename T>
  static T slope(T x, T, const ActivationScalars<T>&) {
    return x > T{0} ? T{1} : T{0};
  }
};
struct LeakyReluForm {
  template <typename T>
  static T value(T x, const ActivationScalars<T>& s) {
    return x > T{0} ? x : s.slope * x;
  }
  template <typename T>
  static T slope(T x, T, const ActivationScalars<T>& s) {
    return x > T{0} ? T{1} : s.slope;
  }
};
struct EluForm {  // α (e^x − 1) for x <= 0; d/dx = α e^x there
  template <typename T>
  static T value(T x, const ActivationScalars<T>& s) {
    return x > T{0} ? x : s.alpha * std::expm1(x);
  }
  template <typename T>
  static T slope(T x, T, const ActivationScalars<T>& s) {
    return x > T{0} ? T{1} : s.alpha * std::exp(x);
  }
};
struct SiluForm {  // x σ(x); d/dx = σ(x) (1 + x (1 − σ(x)))
  template <typename T>
  static T value(T x, const ActivationScalars<T>&) {
    return x * logistic(x);
  }
  template <typename T>
  static T slope(T x, T, const ActivationScalars<T>&) {
    const T s = logistic(x);
    return s * (T{1} + x * (T{1} - s));
  }
};
struct HardSigmoidForm {  // relu6(x + 3) / 6
  template <typename T>
  static T value(T x, const ActivationScalars<T>&) {
    return std::clamp(x + T{3}, T{0}, T{6}) / T{6};
  }
  template <typename T>
  static T slope(T x, T, const ActivationScalars<T>&) {
    return x > T{-3} && x < T{3} ? T{1} / T{6} : T{0};
  }
};
struct HardTanhForm {
  template <typename T>
  static T value(T x, const ActivationScalars<T>&) {
    return std::clamp(x, T{-1}, T{1});
  }
  template <typename T>
  static T slope(T x, T, const ActivationScalars<T>&) {
    return x > T{-1} && x < T{1} ? T{1} : T{0};
  }
};

// The hard threshold, forward y = H(x) = (x > 0 ? 1 : 0) for binary levels and
// y = sgn(x) = (x > 0 ? 1 : −1) for sign levels. At x = 0 (and −0) the unit is off: 0, as
// torch.heaviside(x, values=0), and −1 for sign levels, unlike torch.sign(0) = 0, so that the
// output always takes one of the two levels (a NaN is off too).
// Its true derivative is 0 wherever it exists, so backward uses a surrogate ∂y/∂x instead
// (the straight-through estimator), which may depend on x but never on y:
//   identity:  1                        dy passes unchanged (Bengio et al. 2013, Hinton 2012)
//   sigmoid:   binary: σ'(x) = σ(x) (1 − σ(x)), the slope of the σ that H approximates;
//              sign:   2 σ'(x), the slope of 2 σ(x) − 1 = tanh(x / 2), which sgn approximates
//   hard_tanh: 1{|x| ≤ 1}, the slope of clamp(x, −1, 1), ±1 included (Hubara et al. 2016),
//              for either levels (hard_tanh's own slope is 0 at ±1, as PyTorch's)
template <StepLevels levels, StraightThrough surrogate>
struct StepForm {
  template <typename T>
  static T value(T x, const ActivationScalars<T>&) {
    return x > T{0} ? T{1} : (levels == StepLevels::binary ? T{0} : T{-1});
  }
  template <typename T>
  static T slope(T x, T, const ActivationScalars<T>&) {
    if constexpr (surrogate == StraightThrough::identity) {
      return T{1};
    } else if constexpr (surrogate == StraightThrough::sigmoid) {
      const T s = logistic(x);
      const T derivative = s * (T{1} - s);
      return levels == StepLevels::binary ? derivative : T{2} * derivative;
    } else {
      return x >= T{-1} && x <= T{1} ? T{1} : T{0};
    }
  }
};

// visitor(StepForm<levels, surrogate>{}) for the spec's step.
template <typename Visitor>
decltype(auto) visit_step(const ActivationSpec& spec, Visitor&& visitor) {
  const auto with_levels = [&]<StraightThrough surrogate>() -> decltype(auto) {
    if (spec.levels == StepLevels::binary) return visitor(StepForm<StepLevels::binary, surrogate>{});
    return visitor(StepForm<StepLevels::sign, surrogate>{});
  };
  switch (spec.straight_through) {
    case StraightThrough::identity:
      return with_levels.template operator()<StraightThrough::identity>();
    case StraightThrough::sigmoid:
      return with_levels.template operator()<StraightThrough::sigmoid>();
    case StraightThrough::hard_tanh:
      break;
  }
  return with_levels.template operator()<StraightThrough::hard_tanh>();
}

// Calls visitor(Form{}) for an element-wise activation (its kind, and for step its levels and
// straight-through estimator); the switch sits outside the caller's loops.
template <typename Visitor>
decltype(auto) visit_elementwise(const ActivationSpec& spec, Visitor&& visitor) {
  switch (spec.kind) {
    case ActivationKind::identity:
      return visitor(IdentityForm{});
    case ActivationKind::sigmoid:
      return visitor(SigmoidForm{});
    case ActivationKind::tanh:
      return visitor(TanhForm{});
    case ActivationKind::relu:
      return visitor(ReluForm{});
    case ActivationKind::leaky_relu:
      return visitor(LeakyReluForm{});
    case ActivationKind::elu:
      return visitor(EluForm{});
    case ActivationKind::silu:
      return visitor(SiluForm{});
    case ActivationKind::hard_sigmoid:
      return visitor(HardSigmoidForm{});
    case ActivationKind::hard_tanh:
      return visitor(HardTanhForm{});
    case ActivationKind::step:
      return visit_step(spec, visitor);
    case ActivationKind::softmax:
      break;
  }
  throw std::invalid_argument("visit_elementwise: softmax is not element-wise");
}

}  // namespace nnlab
