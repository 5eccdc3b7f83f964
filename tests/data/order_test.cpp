// Epoch orders: fixed, shuffled (an unbiased Fisher–Yates) and sorted by class.
#include "data/order.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <numeric>
#include <stdexcept>

namespace nnlab {
namespace {

std::vector<std::int32_t> mixed_labels(std::size_t count) {
  std::vector<std::int32_t> labels(count);
  for (std::size_t i = 0; i < count; ++i) labels[i] = static_cast<std::int32_t>((i * 7 + 3) % 5);
  return labels;
}

bool is_permutation_of_range(std::vector<Index> order) {
  std::sort(order.begin(), order.end());
  for (std::size_t i = 0; i < order.size(); ++i) {
    if (order[i] != static_cast<Index>(i)) return false;
  }
  return true;
}

TEST(Order, ParseAndPrint) {
  for (const auto kind : {OrderKind::fixed, OrderKind::shuffled, OrderKind::sorted}) {
    EXPECT_EQ(parse_order_kind(to_string(kind)), kind);
  }
  EXPECT_EQ(to_string(OrderKind::sorted), "sorted");
  EXPECT_THROW(parse_order_kind("random"), std::invalid_argument);
  EXPECT_THROW(parse_order_kind(""), std::invalid_argument);
}

TEST(Order, FixedIsIdentity) {
  const auto labels = mixed_labels(20);
  std::vector<Index> identity(20);
  std::iota(identity.begin(), identity.end(), Index{0});
  EXPECT_EQ(epoch_order(labels, OrderKind::fixed, 1, 1), identity);
  EXPECT_EQ(epoch_order(labels, OrderKind::fixed, 9, 5), identity);
  EXPECT_TRUE(epoch_order({}, OrderKind::shuffled, 1, 1).empty());
}

TEST(Order, ShuffledIsAFreshPermutationEachEpoch) {
  const auto labels = mixed_labels(50);
  const auto epoch1 = epoch_order(labels, OrderKind::shuffled, 42, 1);
  const auto epoch2 = epoch_order(labels, OrderKind::shuffled, 42, 2);
  EXPECT_TRUE(is_permutation_of_range(epoch1));
  EXPECT_TRUE(is_permutation_of_range(epoch2));
  EXPECT_NE(epoch1, epoch2);
  EXPECT_FALSE(std::is_sorted(epoch1.begin(), epoch1.end()));
  EXPECT_EQ(epoch_order(labels, OrderKind::shuffled, 42, 1), epoch1);  // same seed, same order
  EXPECT_NE(epoch_order(labels, OrderKind::shuffled, 43, 1), epoch1);
}

TEST(Order, ShuffleIsUniform) {
  // All 6 orders of 3 items, over 6000 seeds: each should appear 1000 +- a few standard deviations (~29).
  std::map<std::vector<Index>, int> counts;
  const std::vector<std::int32_t> labels = {0, 0, 0};
  for (std::uint64_t seed = 0; seed < 6000; ++seed) ++counts[epoch_order(labels, OrderKind::shuffled, seed, 1)];
  ASSERT_EQ(counts.size(), 6u);
  for (const auto& [order, count] : counts) EXPECT_NEAR(count, 1000, 150);
}

TEST(Order, SortedGroupsByClassAndShufflesWithin) {
  const auto labels = mixed_labels(60);
  const auto epoch1 = epoch_order(labels, OrderKind::sorted, 7, 1);
  const auto epoch2 = epoch_order(labels, OrderKind::sorted, 7, 2);
  for (const auto& order : {epoch1, epoch2}) {
    ASSERT_TRUE(is_permutation_of_range(order));
    for (std::size_t i = 1; i < order.size(); ++i) {
      EXPECT_LE(labels[static_cast<std::size_t>(order[i - 1])], labels[static_cast<std::size_t>(order[i])]);
    }
  }
  EXPECT_EQ(labels[static_cast<std::size_t>(epoch1.front())], 0);
  EXPECT_EQ(labels[static_cast<std::size_t>(epoch1.back())], 4);
  EXPECT_NE(epoch1, epoch2);  // same classes, different order inside them
  EXPECT_EQ(epoch_order(labels, OrderKind::sorted, 7, 1), epoch1);
  // Within a class the examples are not simply in their original order.
  std::vector<Index> class0;
  for (const Index i : epoch1) {
    if (labels[static_cast<std::size_t>(i)] == 0) class0.push_back(i);
  }
  EXPECT_FALSE(std::is_sorted(class0.begin(), class0.end()));
}

}  // namespace
}  // namespace nnlab
