// Lane vectors: the in-register transpose, and per-member sums that equal the scalar loop over
// each member bit for bit, for member counts around the 16-lane block and any row length.
#include "core/member_sums.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/lanes.hpp"
#include "core/rng.hpp"

namespace nnlab {
namespace {

template <int L>
void expect_transposed() {
  Lanes<float, L> rows[L];
  for (int r = 0; r < L; ++r)
    for (int l = 0; l < L; ++l) rows[r][l] = static_cast<float>(100 * r + l);
  transpose_lanes<float, L>(rows);
  for (int r = 0; r < L; ++r)
    for (int l = 0; l < L; ++l) EXPECT_EQ(rows[r][l], static_cast<float>(100 * l + r)) << L << " lanes: " << r << ", " << l;
}

TEST(Lanes, TransposeSwapsRowsAndLanesForEveryWidth) {
  expect_transposed<1>();
  expect_transposed<4>();
  expect_transposed<8>();
  expect_transposed<16>();
}

TEST(Lanes, BroadcastKeepsTheSignOfZero) {
  const Lanes<float, 16> zero = broadcast_lanes<16>(-0.0f);
  for (int l = 0; l < 16; ++l) EXPECT_TRUE(std::signbit(zero[l]));
}

std::vector<float> random_values(Index count, std::uint64_t seed) {
  std::vector<float> values(static_cast<std::size_t>(count));
  CounterRng rng(seed, RngPurpose::data);
  for (float& value : values) value = static_cast<float>(rng.normal() * 3.0);
  return values;
}

TEST(MemberSums, EqualTheScalarLoopBitForBit) {
  for (const Index members : {Index{1}, Index{15}, Index{16}, Index{17}, Index{40}}) {
    for (const Index count : {Index{1}, Index{2}, Index{12}, Index{16}, Index{17}, Index{33}}) {
      SCOPED_TRACE(testing::Message() << members << " members of " << count);
      const std::vector<float> a = random_values(members * count, 1), b = random_values(members * count, 2);
      std::vector<double> squares(static_cast<std::size_t>(members)), differences(static_cast<std::size_t>(members)),
          absolutes(static_cast<std::size_t>(members));
      sum_squares_per_member(a.data(), members, count, squares.data());
      sum_abs_per_member(a.data(), members, count, absolutes.data());
      sum_squared_differences_per_member(a.data(), b.data(), members, count, differences.data());
      for (Index m = 0; m < members; ++m) {
        double square = 0.0, difference = 0.0, absolute = 0.0;
        for (Index i = 0; i < count; ++i) {
          const float x = a[static_cast<std::size_t>(m * count + i)], y = b[static_cast<std::size_t>(m * count + i)];
          square += static_cast<double>(x) * x;
          absolute += x < 0 ? -static_cast<double>(x) : static_cast<double>(x);
          const double d = static_cast<double>(x) - y;
          difference += d * d;
        }
        EXPECT_EQ(squares[static_cast<std::size_t>(m)], square) << m;
        EXPECT_EQ(absolutes[static_cast<std::size_t>(m)], absolute) << m;
        EXPECT_EQ(differences[static_cast<std::size_t>(m)], difference) << m;
      }
    }
  }
}

TEST(MemberSums, AbsoluteValuesByHand) {
  const std::vector<float> x{-1.5f, 2.0f, -0.25f, 0.0f, 3.0f, -3.0f};
  std::vector<double> sums(2);
  sum_abs_per_member(x.data(), 2, 3, sums.data());
  EXPECT_EQ(sums[0], 3.75);
  EXPECT_EQ(sums[1], 6.0);
}

}  // namespace
}  // namespace nnlab
