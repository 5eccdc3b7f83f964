// Magnitude pruning's mask selection (optim/magnitude_mask.hpp): exactly round(rate × remaining)
// pruned, the smallest |w| first, only among the weights still kept; ranked across layers when
// given several (global scope), so a layer of small weights loses more than its share.
#include "optim/magnitude_mask.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

namespace nnlab {
namespace {

TEST(MagnitudeMask, PrunesRoundedShareOfTheRemainingSmallestFirst) {
  const std::vector<float> weights{0.5f, -0.1f, 0.3f, -0.9f, 0.2f, 0.05f, -0.7f};
  std::vector<float> mask(weights.size(), 1.0f);
  const MaskedWeights layer{weights, mask};
  EXPECT_EQ(prune_smallest(std::span(&layer, 1), 0.3), 2);  // round(2.1)
  EXPECT_EQ(mask, (std::vector<float>{1, 0, 1, 1, 1, 0, 1}));
  EXPECT_EQ(prune_smallest(std::span(&layer, 1), 0.5), 3);  // round(2.5) = 3 of the 5 kept, away from zero
  EXPECT_EQ(mask, (std::vector<float>{0, 0, 0, 1, 0, 0, 1}));
  EXPECT_EQ(kept(mask), 2);
}

TEST(MagnitudeMask, AlreadyPrunedWeightsAreNotCountedAgain) {
  const std::vector<float> weights{0.0f, 0.0f, 0.4f, 0.3f};
  std::vector<float> mask{0, 0, 1, 1};
  const MaskedWeights layer{weights, mask};
  EXPECT_EQ(prune_smallest(std::span(&layer, 1), 0.5), 1);
  EXPECT_EQ(mask, (std::vector<float>{0, 0, 1, 0}));
}

TEST(MagnitudeMask, TiesGoToTheEarlierLayerThenLowerIndex) {
  const std::vector<float> a{0.2f, 0.1f}, b{-0.1f, 0.1f};
  std::vector<float> ma(2, 1.0f), mb(2, 1.0f);
  const std::vector<MaskedWeights> layers{{a, ma}, {b, mb}};
  EXPECT_EQ(prune_smallest(layers, 0.5), 2);
  EXPECT_EQ(ma, (std::vector<float>{1, 0}));
  EXPECT_EQ(mb, (std::vector<float>{0, 1}));
}

TEST(MagnitudeMask, GlobalScopeRanksAcrossLayers) {
  // Layer a's weights are all smaller than b's: globally a loses all 4, per layer only 2.
  const std::vector<float> a{0.01f, -0.02f, 0.03f, 0.04f}, b{1.0f, -2.0f, 3.0f, 4.0f};
  std::vector<float> ma(4, 1.0f), mb(4, 1.0f);
  const std::vector<MaskedWeights> layers{{a, ma}, {b, mb}};
  EXPECT_EQ(prune_smallest(layers, 0.5), 4);
  EXPECT_EQ(kept(ma), 0);
  EXPECT_EQ(kept(mb), 4);
  std::vector<float> la(4, 1.0f), lb(4, 1.0f);
  const std::vector<MaskedWeights> alone_a{{a, la}}, alone_b{{b, lb}};
  prune_smallest(alone_a, 0.5);
  prune_smallest(alone_b, 0.5);
  EXPECT_EQ(kept(la), 2);
  EXPECT_EQ(kept(lb), 2);
  EXPECT_EQ(lb, (std::vector<float>{0, 0, 1, 1}));
}

TEST(MagnitudeMask, RefusesBadRatesAndSizes) {
  const std::vector<float> weights{1.0f, 2.0f};
  std::vector<float> mask(2, 1.0f), short_mask(1, 1.0f);
  const MaskedWeights layer{weights, mask}, bad{weights, short_mask};
  EXPECT_THROW(prune_smallest(std::span(&layer, 1), 1.5), std::invalid_argument);
  EXPECT_THROW(prune_smallest(std::span(&layer, 1), -0.1), std::invalid_argument);
  EXPECT_THROW(prune_smallest(std::span(&bad, 1), 0.5), std::invalid_argument);
}

}  // namespace
}  // namespace nnlab
