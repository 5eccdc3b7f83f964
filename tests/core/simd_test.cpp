// The SIMD target registry: names, lane widths, what this CPU supports, forcing a target.
// (That every target gives the same floats is tested end to end in tests/train.)
#include "core/simd.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace nnlab {
namespace {

TEST(Simd, NamesAndLaneWidths) {
  for (const SimdTarget target : {SimdTarget::scalar, SimdTarget::sse4, SimdTarget::avx2, SimdTarget::avx512})
    EXPECT_EQ(parse_simd_target(simd_target_name(target)), target);
  EXPECT_EQ(simd_target_name(SimdTarget::avx512), "avx512");
  EXPECT_FALSE(parse_simd_target("AVX2").has_value());
  EXPECT_FALSE(parse_simd_target("").has_value());
  EXPECT_EQ(simd_lanes(SimdTarget::scalar), 1);
  EXPECT_EQ(simd_lanes(SimdTarget::sse4), 4);
  EXPECT_EQ(simd_lanes(SimdTarget::avx2), 8);
  EXPECT_EQ(simd_lanes(SimdTarget::avx512), 16);
}

TEST(Simd, SupportedTargetsAscendToTheBest) {
  const std::vector<SimdTarget> supported = supported_simd_targets();
  ASSERT_FALSE(supported.empty());
  EXPECT_EQ(supported.front(), SimdTarget::scalar);
  EXPECT_EQ(supported.back(), best_simd_target());
  for (std::size_t i = 1; i < supported.size(); ++i) EXPECT_LT(supported[i - 1], supported[i]);
  EXPECT_TRUE(simd_target_supported(SimdTarget::scalar));
}

TEST(Simd, ForcingATargetChangesWhatKernelsUse) {
  for (const SimdTarget target : supported_simd_targets()) {
    set_simd_target(target);
    EXPECT_EQ(simd_target(), target);
    EXPECT_NE(describe_simd().find(simd_target_name(target)), std::string::npos);
  }
  if (!simd_target_supported(SimdTarget::avx512)) {
    EXPECT_THROW(set_simd_target(SimdTarget::avx512), std::invalid_argument);
  }
  set_simd_target(best_simd_target());
}

}  // namespace
}  // namespace nnlab
