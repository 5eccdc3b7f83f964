// e^x and tanh x written as inline arithmetic, so that the compiler can vectorise loops that call
// them and a vectorised loop gives the same floats as the scalar one (a libm call would do neither).
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>

namespace nnlab {

namespace detail {
// e^x for x that is already at most 89 (or NaN); inline_exp clamps first.
inline float exp_below_overflow(float x) {
  constexpr float log2e = 1.44269504088896341f;
  // ln 2 = ln2_hi + ln2_lo with ln2_hi exact in 9 bits, so n * ln2_hi is exact (Cody & Waite).
  constexpr float ln2_hi = 0.693359375f, ln2_lo = -2.12194440e-4f;
  constexpr float round_magic = 12582912.0f;  // 1.5 * 2^23: adding it rounds to an integer in the low bits
  x = x < -104.0f ? -104.0f : x;              // e^-104 rounds to 0; clamping keeps n in range
  // e^x = 2^n e^r with n = round(x / ln 2), |r| <= ln 2 / 2
  const float shifted = x * log2e + round_magic;
  const float n = shifted - round_magic;
  const auto exponent =
      static_cast<std::int32_t>(std::bit_cast<std::uint32_t>(shifted) - std::bit_cast<std::uint32_t>(round_magic));
  const float r = (x - n * ln2_hi) - n * ln2_lo;
  // e^r ≈ 1 + r + r² p(r), p of degree 5 (Cephes expf minimax coefficients), Horner form
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  const float e_r = p * (r * r) + r + 1.0f;
  // 2^n as two factors 2^⌊n/2⌋ 2^(n − ⌊n/2⌋), each a normal float for n in [-151, 129]: the
  // first scaling is exact, so subnormal results are rounded once, by the second.
  const std::int32_t half = exponent >> 1, rest = exponent - half;
  const float scale_half = std::bit_cast<float>(static_cast<std::uint32_t>(half + 127) << 23);
  const float scale_rest = std::bit_cast<float>(static_cast<std::uint32_t>(rest + 127) << 23);
  return e_r * scale_half * scale_rest;
}
}  // namespace detail

// Float e^x within 1 ulp of the exact value (0.98 ulp measured over every 37th float;
// correctly rounded for >99 % of arguments). Overflows to +inf above ~88.72, reaches 0
// below ~-103.97 with gradual underflow in between; NaN stays NaN.
inline float inline_exp(float x) {
  return detail::exp_below_overflow(x > 89.0f ? 89.0f : x);  // e^89 overflows to inf just the same
}

// e^x for x <= 0 (e^{-|z|} in the logistic): inline_exp without the clamp that cannot apply.
inline float inline_exp_nonpositive(float x) { return detail::exp_below_overflow(x); }

// Float tanh x, branch-free (both forms are computed, one is selected), after Cephes' tanhf:
// x + x³ P(x²) for |x| < 0.625, else ±(1 − 2 / (e^{2|x|} + 1)), which reaches ±1 for large |x|
// (e^{2|x|} overflows to inf) and keeps NaN and the sign of 0. Within 1.5 ulp of the exact value
// (tests/core/inline_exp_test.cpp).
inline float inline_tanh(float x) {
  const float magnitude = std::abs(x);  // tanh is odd: computed at |x|, the sign copied back
  const float e = inline_exp(2.0f * magnitude);
  const float large = 1.0f - 2.0f / (e + 1.0f);
  const float z = magnitude * magnitude;
  float p = -5.70498872745e-3f;
  p = p * z + 2.06390887954e-2f;
  p = p * z - 5.37397155531e-2f;
  p = p * z + 1.33314422036e-1f;
  p = p * z - 3.33332819422e-1f;
  const float small = p * z * magnitude + magnitude;
  return std::copysign(magnitude >= 0.625f ? large : small, x);
}

// Double precision (reference and gradient-check paths) keeps libm's e^x and tanh.
inline double inline_exp(double x) { return std::exp(x); }
inline double inline_exp_nonpositive(double x) { return std::exp(x); }
inline double inline_tanh(double x) { return std::tanh(x); }

}  // namespace nnlab
