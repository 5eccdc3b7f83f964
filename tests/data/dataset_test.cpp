// encode_targets and select_rows.
#include "data/dataset.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "data/test_support.hpp"

namespace nnlab {
namespace {

using testing::expect_input_error;

Dataset three_examples() {
  Dataset dataset;
  dataset.name = "three";
  dataset.inputs = Tensor({3, 2}, {1, 2, 3, 4, 5, 6});
  dataset.labels = {2, 0, 1};
  dataset.classes = 3;
  dataset.example_shape = {2};
  return dataset;
}

TEST(Dataset, OneHotTargets) {
  const Tensor targets = encode_targets(three_examples(), 4);
  ASSERT_EQ(targets.shape(), (Shape{3, 4}));
  const std::vector<float> expected = {0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0};
  for (Index i = 0; i < 12; ++i) EXPECT_EQ(targets[i], expected[static_cast<std::size_t>(i)]) << i;
  expect_input_error([] { encode_targets(three_examples(), 2); }, {"three", "3 classes", "2"});
}

TEST(Dataset, SingleOutputTargetsAreTheLabel) {
  Dataset binary = three_examples();
  binary.labels = {1, 0, 1};
  binary.classes = 2;
  const Tensor targets = encode_targets(binary, 1);
  ASSERT_EQ(targets.shape(), (Shape{3, 1}));
  EXPECT_EQ(targets[0], 1.0f);
  EXPECT_EQ(targets[1], 0.0f);
  EXPECT_EQ(targets[2], 1.0f);
  expect_input_error([] { encode_targets(three_examples(), 1); }, {"three", "example 0", "label 2"});
}

TEST(Dataset, ExplicitTargetsWin) {
  Dataset dataset = three_examples();
  dataset.targets = Tensor({3, 2}, {0.5f, 0.25f, 1, 0, 0, 1});
  const Tensor targets = encode_targets(dataset, 2);
  EXPECT_EQ(targets[0], 0.5f);
  EXPECT_EQ(targets[1], 0.25f);
  expect_input_error([&] { encode_targets(dataset, 3); }, {"three", "[3, 2]", "3 outputs"});
}

TEST(Dataset, SelectRows) {
  Dataset dataset = three_examples();
  dataset.targets = Tensor({3, 1}, {10, 20, 30});
  const Dataset selected = select_rows(dataset, {2, 0, 2});
  ASSERT_EQ(selected.size(), 3);
  EXPECT_EQ(selected.labels, (std::vector<std::int32_t>{1, 2, 1}));
  const std::vector<float> expected = {5, 6, 1, 2, 5, 6};
  for (Index i = 0; i < 6; ++i) EXPECT_EQ(selected.inputs[i], expected[static_cast<std::size_t>(i)]);
  EXPECT_EQ(selected.targets[0], 30.0f);
  EXPECT_EQ(selected.targets[1], 10.0f);
  EXPECT_EQ(selected.classes, 3);
  EXPECT_EQ(selected.example_shape, (Shape{2}));
  EXPECT_EQ(selected.name, "three");
  EXPECT_EQ(select_rows(dataset, {}).size(), 0);
  EXPECT_THROW(select_rows(dataset, {3}), std::out_of_range);
  EXPECT_THROW(select_rows(dataset, {-1}), std::out_of_range);
}

}  // namespace
}  // namespace nnlab
