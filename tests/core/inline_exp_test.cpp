// inline_exp and inline_tanh against libm's double precision: within one (tanh: 1.5) ulp, with the
// edge cases.
#include "core/inline_exp.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

namespace nnlab {
namespace {

// |got − exact| in units of the float spacing at the exact value.
double ulps(float got, double exact) {
  const auto rounded = static_cast<float>(exact);
  const double spacing = std::nextafter(std::abs(rounded), std::numeric_limits<float>::infinity()) - std::abs(rounded);
  return std::abs(static_cast<double>(got) - exact) / spacing;
}

TEST(InlineExp, WithinOneUlpOverTheNormalRange) {
  double worst = 0.0;
  int correctly_rounded = 0, samples = 0;
  // e^x is a normal float for x in (-87.33, 88.72): every 997th float of that range, both signs.
  const auto check = [&](float x) {
    const double exact = std::exp(static_cast<double>(x));
    const float got = inline_exp(x);
    worst = std::max(worst, ulps(got, exact));
    correctly_rounded += got == static_cast<float>(exact);
    ++samples;
  };
  const std::uint32_t sign = 0x80000000u;
  for (std::uint32_t bits = 0; bits <= std::bit_cast<std::uint32_t>(88.7f); bits += 997) {
    check(std::bit_cast<float>(bits));
    if (std::bit_cast<float>(bits) < 87.3f) check(std::bit_cast<float>(bits | sign));  // the same magnitude, negative
  }
  EXPECT_LT(worst, 1.0);
  EXPECT_GT(correctly_rounded, samples * 98 / 100);
  EXPECT_GT(samples, 2000000);
}

TEST(InlineExp, EdgeCases) {
  EXPECT_EQ(inline_exp(0.0f), 1.0f);
  EXPECT_EQ(inline_exp(-0.0f), 1.0f);
  EXPECT_EQ(inline_exp(89.0f), std::numeric_limits<float>::infinity());
  EXPECT_EQ(inline_exp(std::numeric_limits<float>::infinity()), std::numeric_limits<float>::infinity());
  EXPECT_EQ(inline_exp(-104.0f), 0.0f);
  EXPECT_EQ(inline_exp(-1000.0f), 0.0f);
  EXPECT_EQ(inline_exp(-std::numeric_limits<float>::infinity()), 0.0f);
  EXPECT_TRUE(std::isnan(inline_exp(std::numeric_limits<float>::quiet_NaN())));
  // Gradual underflow: subnormal results within one subnormal step of the exact value.
  for (const float x : {-88.0f, -95.5f, -100.0f, -103.0f}) {
    const double exact = std::exp(static_cast<double>(x));
    EXPECT_LE(std::abs(static_cast<double>(inline_exp(x)) - exact), std::numeric_limits<float>::denorm_min()) << x;
    EXPECT_GT(inline_exp(x), 0.0f) << x;
  }
  EXPECT_EQ(inline_exp(1.0), std::exp(1.0));  // double keeps libm
}

TEST(InlineTanh, WithinOneAndAHalfUlpEverywhere) {
  double worst = 0.0;
  int samples = 0;
  // Every 997th positive float below +inf and its negative: the polynomial, the exp form and the
  // switch between them at 0.625, subnormals and the saturation at ±1.
  for (std::uint32_t bits = 0; bits < std::bit_cast<std::uint32_t>(std::numeric_limits<float>::infinity()); bits += 997)
    for (const std::uint32_t sign : {0u, 0x80000000u}) {
      const float x = std::bit_cast<float>(bits | sign);
      worst = std::max(worst, ulps(inline_tanh(x), std::tanh(static_cast<double>(x))));
      ++samples;
    }
  EXPECT_LT(worst, 1.5);
  EXPECT_GT(samples, 4000000);
}

TEST(InlineTanh, EdgeCases) {
  EXPECT_EQ(inline_tanh(0.0f), 0.0f);
  EXPECT_TRUE(std::signbit(inline_tanh(-0.0f)));
  EXPECT_EQ(inline_tanh(20.0f), 1.0f);
  EXPECT_EQ(inline_tanh(-20.0f), -1.0f);
  EXPECT_EQ(inline_tanh(std::numeric_limits<float>::infinity()), 1.0f);
  EXPECT_EQ(inline_tanh(-std::numeric_limits<float>::infinity()), -1.0f);
  EXPECT_TRUE(std::isnan(inline_tanh(std::numeric_limits<float>::quiet_NaN())));
  EXPECT_EQ(inline_tanh(1e-30f), 1e-30f);  // tanh x = x below the float resolution of x³/3
  EXPECT_EQ(inline_tanh(0.5), std::tanh(0.5));  // double keeps libm
}

}  // namespace
}  // namespace nnlab
