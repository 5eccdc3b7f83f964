#include "core/rng.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

namespace nnlab {
namespace {

// Known-answer vectors of Random123's philox4x32_10 (kat_vectors).
TEST(Philox, KnownAnswers) {
  EXPECT_EQ(philox4x32({0, 0, 0, 0}, {0, 0}), (std::array<std::uint32_t, 4>{0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u}));
  EXPECT_EQ(philox4x32({0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu}, {0xffffffffu, 0xffffffffu}),
            (std::array<std::uint32_t, 4>{0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu}));
  EXPECT_EQ(philox4x32({0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u}, {0xa4093822u, 0x299f31d0u}),
            (std::array<std::uint32_t, 4>{0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u}));
}

TEST(CounterRng, SameKeySameStreamDifferentKeyDifferentStream) {
  CounterRng a(42, RngPurpose::init, 3, 7), b(42, RngPurpose::init, 3, 7);
  CounterRng other_seed(43, RngPurpose::init, 3, 7), other_purpose(42, RngPurpose::shuffle, 3, 7);
  CounterRng other_stream(42, RngPurpose::init, 4, 7), other_step(42, RngPurpose::init, 3, 8);
  for (int i = 0; i < 100; ++i) {
    const auto value = a.next_u32();
    EXPECT_EQ(value, b.next_u32());
    // A 1-in-2^32 coincidence per draw would not repeat; compare the whole block instead.
    (void)value;
  }
  CounterRng reference(42, RngPurpose::init, 3, 7);
  int equal_seed = 0, equal_purpose = 0, equal_stream = 0, equal_step = 0;
  for (int i = 0; i < 100; ++i) {
    const auto value = reference.next_u32();
    equal_seed += other_seed.next_u32() == value;
    equal_purpose += other_purpose.next_u32() == value;
    equal_stream += other_stream.next_u32() == value;
    equal_step += other_step.next_u32() == value;
  }
  EXPECT_LT(equal_seed, 2);
  EXPECT_LT(equal_purpose, 2);
  EXPECT_LT(equal_stream, 2);
  EXPECT_LT(equal_step, 2);
}

TEST(CounterRng, UniformAndNormalMoments) {
  CounterRng rng(1, RngPurpose::init);
  constexpr int count = 200000;
  double sum = 0, sum_sq = 0, normal_sum = 0, normal_sq = 0, normal_4 = 0;
  for (int i = 0; i < count; ++i) {
    const double u = rng.uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
    sum_sq += u * u;
    const double z = rng.normal();
    normal_sum += z;
    normal_sq += z * z;
    normal_4 += z * z * z * z;
  }
  EXPECT_NEAR(sum / count, 0.5, 0.005);
  EXPECT_NEAR(sum_sq / count - 0.25, 1.0 / 12.0, 0.002);
  EXPECT_NEAR(normal_sum / count, 0.0, 0.01);
  EXPECT_NEAR(normal_sq / count, 1.0, 0.01);
  EXPECT_NEAR(normal_4 / count, 3.0, 0.1);  // kurtosis of a Gaussian
}

TEST(CounterRng, BelowIsUniformAndInRange) {
  CounterRng rng(9, RngPurpose::shuffle);
  std::array<int, 7> histogram{};
  for (int i = 0; i < 70000; ++i) {
    const auto value = rng.below(7);
    ASSERT_LT(value, 7u);
    ++histogram[value];
  }
  for (const int bucket : histogram) EXPECT_NEAR(bucket, 10000, 400);
}

}  // namespace
}  // namespace nnlab
