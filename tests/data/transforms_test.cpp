// Transforms: scaling, standardisation with training statistics, splits, subsets and random labels.
#include "data/transforms.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <set>

#include "data/test_support.hpp"

namespace nnlab {
namespace {

using testing::expect_input_error;

// N examples whose single feature is their own index, labels index % classes.
Dataset numbered(Index count, Index classes = 2) {
  Dataset dataset;
  dataset.name = "numbered";
  dataset.inputs = Tensor({count, 1});
  for (Index i = 0; i < count; ++i) {
    dataset.inputs[i] = static_cast<float>(i);
    dataset.labels.push_back(static_cast<std::int32_t>(i % classes));
  }
  dataset.classes = classes;
  dataset.example_shape = {1};
  return dataset;
}

std::vector<Index> ids(const Dataset& dataset) {
  std::vector<Index> result;
  for (Index i = 0; i < dataset.size(); ++i) result.push_back(static_cast<Index>(dataset.inputs[i]));
  return result;
}

TEST(Transforms, Scale) {
  Dataset dataset = numbered(4);
  scale_inputs(dataset, 0.5);
  EXPECT_EQ(dataset.inputs[3], 1.5f);
}

TEST(Transforms, StandardiseUsesTrainingStatisticsOnly) {
  Dataset train;
  train.inputs = Tensor({4, 2}, {1, 5, 2, 5, 3, 5, 4, 5});  // feature 0: 1..4, feature 1: constant 5
  Dataset test;
  test.inputs = Tensor({2, 2}, {10, 5, 2.5f, 7});
  const FeatureStatistics statistics = feature_statistics(train);
  EXPECT_DOUBLE_EQ(statistics.mean[0], 2.5);
  EXPECT_DOUBLE_EQ(statistics.std_dev[0], std::sqrt(1.25));  // population std of 1, 2, 3, 4
  EXPECT_DOUBLE_EQ(statistics.mean[1], 5.0);
  EXPECT_DOUBLE_EQ(statistics.std_dev[1], 0.0);
  standardize(train, statistics);
  standardize(test, statistics);
  EXPECT_FLOAT_EQ(train.inputs[0], static_cast<float>(-1.5 / std::sqrt(1.25)));
  EXPECT_FLOAT_EQ(train.inputs[6], static_cast<float>(1.5 / std::sqrt(1.25)));
  EXPECT_EQ(train.inputs[1], 0.0f);                                            // constant feature: centred, not NaN
  EXPECT_FLOAT_EQ(test.inputs[0], static_cast<float>(7.5 / std::sqrt(1.25)));  // not re-centred on the test set
  EXPECT_EQ(test.inputs[2], 0.0f);
  EXPECT_EQ(test.inputs[1], 0.0f);
  EXPECT_EQ(test.inputs[3], 2.0f);  // constant in training: only shifted
  const double test_mean = (test.inputs[0] + test.inputs[2]) / 2.0;
  EXPECT_GT(test_mean, 1.0);
}

TEST(Transforms, ValidationSplitIsDeterministicAndDisjoint) {
  const Dataset dataset = numbered(100);
  const TrainValidationSplit split = split_validation(dataset, 0.2, 7);
  ASSERT_EQ(split.validation.size(), 20);
  ASSERT_EQ(split.train.size(), 80);
  std::set<Index> all;
  for (const Index id : ids(split.train)) all.insert(id);
  for (const Index id : ids(split.validation)) all.insert(id);
  EXPECT_EQ(all.size(), 100u);  // disjoint and complete
  const auto train_ids = ids(split.train);
  EXPECT_TRUE(std::is_sorted(train_ids.begin(), train_ids.end()));  // original order kept
  for (Index i = 0; i < split.train.size(); ++i) {
    EXPECT_EQ(split.train.labels[static_cast<std::size_t>(i)],
              train_ids[static_cast<std::size_t>(i)] % 2);  // rows intact
  }
  EXPECT_EQ(ids(split_validation(dataset, 0.2, 7).validation), ids(split.validation));
  EXPECT_NE(ids(split_validation(dataset, 0.2, 8).validation), ids(split.validation));
  EXPECT_EQ(split_validation(dataset, 0.0, 7).train.size(), 100);
  expect_input_error([&] { split_validation(dataset, 1.0, 7); }, {"numbered", "validation fraction", "[0, 1)"});
  expect_input_error([&] { split_validation(numbered(1), 0.6, 7); }, {"numbered", "leaves none for training"});
}

TEST(Transforms, SubsetIsDeterministic) {
  const Dataset dataset = numbered(100);
  const Dataset subset = random_subset(dataset, 10, 3);
  ASSERT_EQ(subset.size(), 10);
  const auto chosen = ids(subset);
  EXPECT_EQ(std::set<Index>(chosen.begin(), chosen.end()).size(), 10u);
  EXPECT_EQ(ids(random_subset(dataset, 10, 3)), chosen);
  EXPECT_NE(ids(random_subset(dataset, 10, 4)), chosen);
  EXPECT_NE(chosen, (std::vector<Index>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));  // not simply the first ten
  EXPECT_EQ(random_subset(dataset, 100, 3).size(), 100);
  expect_input_error([&] { random_subset(dataset, 101, 3); }, {"numbered", "subset of 101", "[1, 100]"});
}

TEST(Transforms, RandomLabels) {
  const Dataset original = numbered(10000, 10);
  Dataset unchanged = original;
  EXPECT_TRUE(randomize_labels(unchanged, 0.0, 5).empty());
  EXPECT_EQ(unchanged.labels, original.labels);

  Dataset all = original;
  EXPECT_EQ(randomize_labels(all, 1.0, 5).size(), 10000u);
  Index changed = 0;
  for (std::size_t i = 0; i < all.labels.size(); ++i) {
    EXPECT_GE(all.labels[i], 0);
    EXPECT_LT(all.labels[i], 10);
    changed += all.labels[i] != original.labels[i];
  }
  EXPECT_NEAR(static_cast<double>(changed) / 10000.0, 0.9, 0.02);  // a random class is the old one 1/10 of the time

  Dataset half = original;
  const std::vector<Index> drawn = randomize_labels(half, 0.5, 5);
  EXPECT_EQ(drawn.size(), 5000u);
  const std::set<Index> drawn_set(drawn.begin(), drawn.end());
  for (std::size_t i = 0; i < half.labels.size(); ++i) {
    if (!drawn_set.contains(static_cast<Index>(i))) {
      EXPECT_EQ(half.labels[i], original.labels[i]);
    }
  }
  Dataset half_again = original;
  randomize_labels(half_again, 0.5, 5);
  EXPECT_EQ(half_again.labels, half.labels);

  expect_input_error([&] { randomize_labels(half, 1.5, 5); }, {"numbered", "[0, 1]", "1.5"});
  Dataset with_targets = original;
  with_targets.targets = Tensor({10000, 10});
  expect_input_error([&] { randomize_labels(with_targets, 0.5, 5); }, {"numbered", "random labels"});
}

}  // namespace
}  // namespace nnlab
