#include "nn/dense.hpp"

#include <gtest/gtest.h>

#include "gradient_check.hpp"

namespace nnlab {
namespace {

using testing::check_layer_gradients;
using testing::random_tensor;

// A P = 1 layer with W = [[1, 2], [3, 4]], b = [0.5, −1].
Dense<double> small_layer() {
  Dense<double> layer(1, 2, 2, true, 0);
  layer.weight() = TensorD({1, 2, 2}, {1, 2, 3, 4});
  layer.bias() = TensorD({1, 2}, {0.5, -1});
  return layer;
}

TEST(Dense, ForwardIsXWTransposePlusBias) {
  Dense<double> layer = small_layer();
  const TensorD x({1, 2, 2}, {1, 1, 2, -1});
  const TensorD& y = layer.forward(x, {});
  // [1, 1]: (1 + 2 + 0.5, 3 + 4 − 1); [2, −1]: (2 − 2 + 0.5, 6 − 4 − 1)
  ASSERT_EQ(y.shape(), (Shape{1, 2, 2}));
  EXPECT_DOUBLE_EQ(y[0], 3.5);
  EXPECT_DOUBLE_EQ(y[1], 6.0);
  EXPECT_DOUBLE_EQ(y[2], 0.5);
  EXPECT_DOUBLE_EQ(y[3], 1.0);
}

TEST(Dense, BackwardByHandAndAccumulates) {
  Dense<double> layer = small_layer();
  const TensorD x({1, 2, 2}, {1, 1, 2, -1});
  layer.forward(x, {});
  const TensorD dy({1, 2, 2}, {1, 0, 0, 2});
  const TensorD& dx = layer.backward(dy, true);
  // dX = dY W: row 0 = 1·[1, 2] = [1, 2]; row 1 = 2·[3, 4] = [6, 8]
  EXPECT_DOUBLE_EQ(dx[0], 1);
  EXPECT_DOUBLE_EQ(dx[1], 2);
  EXPECT_DOUBLE_EQ(dx[2], 6);
  EXPECT_DOUBLE_EQ(dx[3], 8);
  // dW = dYᵀ X: row 0 = 1·[1, 1]; row 1 = 2·[2, −1]; db = column sums of dY = [1, 2]
  auto parameters = layer.parameters();
  ASSERT_EQ(parameters.size(), 2u);
  EXPECT_EQ(parameters[0].name, "layers.0.weight");
  EXPECT_EQ(parameters[1].name, "layers.0.bias");
  EXPECT_TRUE(parameters[1].is_bias);
  const TensorD& dw = *parameters[0].grad;
  const TensorD& db = *parameters[1].grad;
  EXPECT_DOUBLE_EQ(dw[0], 1);
  EXPECT_DOUBLE_EQ(dw[1], 1);
  EXPECT_DOUBLE_EQ(dw[2], 4);
  EXPECT_DOUBLE_EQ(dw[3], -2);
  EXPECT_DOUBLE_EQ(db[0], 1);
  EXPECT_DOUBLE_EQ(db[1], 2);
  // A second backward adds: gradients double.
  layer.backward(dy, false);
  EXPECT_DOUBLE_EQ(dw[3], -4);
  EXPECT_DOUBLE_EQ(db[1], 4);
}

TEST(Dense, NoInputGradientWhenNotNeeded) {
  Dense<double> layer = small_layer();
  const TensorD x({1, 2, 2}, {1, 1, 2, -1});
  layer.forward(x, {});
  EXPECT_TRUE(layer.backward(TensorD({1, 2, 2}, 1.0), false).empty());
}

TEST(Dense, WithoutBiasHasOnlyAWeight) {
  Dense<double> layer(2, 3, 4, false, 5);
  const auto parameters = layer.parameters();
  ASSERT_EQ(parameters.size(), 1u);
  EXPECT_EQ(parameters[0].name, "layers.5.weight");
  EXPECT_EQ(parameters[0].layer_index, 5);
  EXPECT_EQ(parameters[0].value->shape(), (Shape{2, 4, 3}));
}

TEST(Dense, RejectsMismatchedInput) {
  Dense<double> layer(3, 4, 2, true, 0);
  EXPECT_THROW(layer.forward(TensorD({3, 5, 3}), {}), std::invalid_argument);  // wrong features
  EXPECT_THROW(layer.forward(TensorD({2, 5, 4}), {}), std::invalid_argument);  // Q neither 1 nor P
  EXPECT_THROW(layer.output_features(5), std::invalid_argument);
  EXPECT_EQ(layer.output_features(4), 2);
}

// Shared input: every member computes with the same x; member m's output is its own product.
TEST(Dense, SharedInputGivesEachMemberItsOwnProduct) {
  Dense<double> layer(2, 1, 1, true, 0);
  layer.weight() = TensorD({2, 1, 1}, {2, -3});
  layer.bias() = TensorD({2, 1}, {1, 0});
  const TensorD& y = layer.forward(TensorD({1, 1, 1}, {5}), {});
  ASSERT_EQ(y.shape(), (Shape{2, 1, 1}));
  EXPECT_DOUBLE_EQ(y[0], 11);
  EXPECT_DOUBLE_EQ(y[1], -15);
}

struct DenseCase {
  Index population, shared_inputs;  // Q: 1 (shared) or population
  bool bias;
};

class DenseGradient : public ::testing::TestWithParam<DenseCase> {};

TEST_P(DenseGradient, MatchesFiniteDifferences) {
  const DenseCase c = GetParam();
  Dense<double> layer(c.population, 5, 4, c.bias, 0);
  layer.weight() = random_tensor(layer.weight().shape(), 11, 0.5);
  if (c.bias) layer.bias() = random_tensor(layer.bias().shape(), 12, 0.5);
  TensorD input = random_tensor({c.shared_inputs, 3, 5}, 13);
  check_layer_gradients(layer, input);
}

INSTANTIATE_TEST_SUITE_P(Cases, DenseGradient,
                         ::testing::Values(DenseCase{1, 1, true}, DenseCase{1, 1, false}, DenseCase{3, 1, true},
                                           DenseCase{3, 3, true}, DenseCase{3, 3, false}, DenseCase{3, 1, false}),
                         [](const auto& info) {
                           return "P" + std::to_string(info.param.population) + "_Q" +
                                  std::to_string(info.param.shared_inputs) + (info.param.bias ? "_bias" : "_no_bias");
                         });

}  // namespace
}  // namespace nnlab
