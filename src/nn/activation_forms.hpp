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

// Calls visitor(Form{}) for an element-wise kind; the switch sits outside the caller's loops.
template <typename Visitor>
decltype(auto) visit_elementwise(ActivationKind kind, Visitor&& visitor) {
  switch (kind) {
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
    case ActivationKind::softmax:
      break;
  }
  throw std::invalid_argument("visit_elementwise: softmax is not element-wise");
}

}  // namespace nnlab
