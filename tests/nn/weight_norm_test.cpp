// Weight normalisation over dense and conv2d: against PyTorch's torch.nn.utils.weight_norm
// (tests/nn/golden_weight_norm.py, float64; float at 1e-4), by finite differences for g, v, bias and
// input, gradients that add up, a member alone against the same member in a population, and how a
// Sequential builds, counts, names and describes such layers.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "golden_weight_norm.hpp"
#include "gradient_check.hpp"
#include "nn/conv2d.hpp"
#include "nn/dense.hpp"
#include "nn/model.hpp"
#include "nn/weight_norm.hpp"

namespace nnlab {
namespace {

using testing::check_layer_gradients;
using testing::random_tensor;

// |a − b| <= tolerance · (1 + |b|) element by element.
template <typename T>
void expect_close(const TensorT<T>& actual, const std::vector<double>& expected, const char* what, double tolerance) {
  ASSERT_EQ(static_cast<std::size_t>(actual.size()), expected.size()) << what;
  for (std::size_t i = 0; i < expected.size(); ++i)
    ASSERT_NEAR(static_cast<double>(actual[static_cast<Index>(i)]), expected[i], tolerance * (1 + std::abs(expected[i])))
        << what << " [" << i << "]";
}

template <typename T>
void fill(TensorT<T>& tensor, const std::vector<double>& values) {
  ASSERT_EQ(static_cast<std::size_t>(tensor.size()), values.size());
  std::transform(values.begin(), values.end(), tensor.data(), [](double v) { return static_cast<T>(v); });
}

template <typename T>
TensorT<T> tensor_of(const Shape& shape, const std::vector<double>& values) {
  TensorT<T> tensor(shape);
  fill(tensor, values);
  return tensor;
}

struct TorchCase {
  const std::vector<double>&w0, &g0, &x, &g, &v, &b, &y, &dy, &dx, &dg, &dv, &db;
};

// The inner layer starts from torch's weight; weight_norm derives g0 and v = w0 from it; then g is
// set to torch's and one forward and backward must give torch's output and gradients.
template <typename T, typename Inner>
void check_against_torch(std::unique_ptr<Inner> inner, const TorchCase& c, Index batch, Index inputs, double tolerance) {
  fill(inner->weight(), c.w0);
  fill(inner->bias(), c.b);
  WeightNorm<T> layer(std::move(inner), 0);
  expect_close(layer.g(), c.g0, "initial g", tolerance);
  expect_close(layer.v(), c.w0, "initial v", tolerance);
  fill(layer.g(), c.g);
  expect_close(layer.v(), c.v, "v", tolerance);
  const TensorT<T> x = tensor_of<T>({1, batch, inputs}, c.x);
  const TensorT<T>& y = layer.forward(x, {});
  expect_close(y, c.y, "y", tolerance);
  const std::vector<ParameterRef<T>> parameters = layer.parameters();
  ASSERT_EQ(parameters.size(), 3u);
  EXPECT_EQ(parameters[0].name, "layers.0.bias");
  EXPECT_EQ(parameters[1].name, "layers.0.weight_g");
  EXPECT_EQ(parameters[2].name, "layers.0.weight_v");
  EXPECT_TRUE(parameters[0].is_bias);
  EXPECT_TRUE(parameters[1].is_gain && !parameters[1].is_bias && !parameters[1].is_weight());
  EXPECT_TRUE(parameters[2].is_weight());
  for (const auto& parameter : parameters) parameter.grad->zero();
  const TensorT<T> dy = tensor_of<T>(y.shape(), c.dy);
  expect_close(layer.backward(dy, true), c.dx, "dx", tolerance);
  expect_close(*parameters[0].grad, c.db, "db", tolerance);
  expect_close(*parameters[1].grad, c.dg, "dg", tolerance);
  expect_close(*parameters[2].grad, c.dv, "dv", tolerance);
}

const Conv2dGeometry torch_conv{.channels = 2, .height = 5, .width = 6, .filters = 3, .kernel = {3, 2}, .stride = {1, 2}, .padding = {1, 0}};

template <typename T>
void check_both_against_torch(double tolerance) {
  using namespace golden_weight_norm;
  check_against_torch<T>(std::make_unique<Dense<T>>(1, 4, 3, true, 0),
                         {dense_w0, dense_g0, dense_x, dense_g, dense_v, dense_b, dense_y, dense_dy, dense_dx, dense_dg, dense_dv, dense_db},
                         5, 4, tolerance);
  check_against_torch<T>(std::make_unique<Conv2d<T>>(1, torch_conv, true, 0),
                         {conv_w0, conv_g0, conv_x, conv_g, conv_v, conv_b, conv_y, conv_dy, conv_dx, conv_dg, conv_dv, conv_db}, 2,
                         torch_conv.inputs(), tolerance);
}

TEST(WeightNorm, MatchesPyTorchsWeightNormOverLinearAndConv2d) {
  check_both_against_torch<double>(1e-10);
  check_both_against_torch<float>(1e-4);
}

TEST(WeightNorm, ShapesAreTorchsWeightGAndWeightV) {
  WeightNorm<float> dense(std::make_unique<Dense<float>>(2, 4, 3, false, 5), 5);
  EXPECT_EQ(dense.g().shape(), (Shape{2, 3, 1}));
  EXPECT_EQ(dense.v().shape(), (Shape{2, 3, 4}));
  EXPECT_EQ(dense.parameters().size(), 2u) << "no bias: weight_g and weight_v";
  EXPECT_EQ(dense.parameters()[0].name, "layers.5.weight_g");
  WeightNorm<float> conv(std::make_unique<Conv2d<float>>(2, torch_conv, true, 1), 1);
  EXPECT_EQ(conv.g().shape(), (Shape{2, 3, 1, 1, 1}));
  EXPECT_EQ(conv.v().shape(), (Shape{2, 3, 2, 3, 2}));
}

// g, v and bias random (g off ‖v‖), for P = 2 with per-member and shared inputs.
void randomise(WeightNorm<double>& layer, std::uint64_t seed) {
  for (const auto& parameter : layer.parameters()) *parameter.value = random_tensor(parameter.value->shape(), seed++);
}

TEST(WeightNorm, GradientsMatchFiniteDifferencesOverDense) {
  for (const Index inputs : {Index{5}, Index{40}}) {  // the direct loops, then the GEMM path
    SCOPED_TRACE(::testing::Message() << inputs << " inputs");
    WeightNorm<double> layer(std::make_unique<Dense<double>>(2, inputs, 7, true, 0), 0);
    randomise(layer, 21);
    TensorD own = random_tensor({2, 3, inputs}, 22);
    check_layer_gradients(layer, own);
    TensorD shared = random_tensor({1, 3, inputs}, 23);
    check_layer_gradients(layer, shared);
  }
}

TEST(WeightNorm, GradientsMatchFiniteDifferencesOverConv2d) {
  const Conv2dGeometry g{.channels = 2, .height = 5, .width = 4, .filters = 3, .kernel = {2, 3}, .stride = {2, 1}, .padding = {1, 1}};
  WeightNorm<double> layer(std::make_unique<Conv2d<double>>(2, g, true, 0), 0);
  randomise(layer, 31);
  TensorD own = random_tensor({2, 3, g.inputs()}, 32);
  check_layer_gradients(layer, own);
  TensorD shared = random_tensor({1, 3, g.inputs()}, 33);
  check_layer_gradients(layer, shared);
}

// The layer contract: a second backward adds the same gradients again (and the inner dL/dw of the
// first does not leak into the second).
TEST(WeightNorm, BackwardAddsIntoTheGradients) {
  WeightNorm<double> layer(std::make_unique<Dense<double>>(1, 6, 4, true, 0), 0);
  randomise(layer, 41);
  const TensorD x = random_tensor({1, 5, 6}, 42), dy = random_tensor({1, 5, 4}, 43);
  layer.forward(x, {});
  for (const auto& parameter : layer.parameters()) parameter.grad->zero();
  layer.backward(dy, false);
  std::vector<TensorD> once;
  for (const auto& parameter : layer.parameters()) once.push_back(*parameter.grad);
  layer.backward(dy, false);
  const auto parameters = layer.parameters();
  for (std::size_t p = 0; p < parameters.size(); ++p)
    for (Index i = 0; i < once[p].size(); ++i)
      EXPECT_NEAR((*parameters[p].grad)[i], 2 * once[p][i], 1e-12 * (1 + std::abs(once[p][i]))) << parameters[p].name << "[" << i << "]";
}

bool same_bits(const float* a, const float* b, Index count) {
  return std::memcmp(a, b, static_cast<std::size_t>(count) * sizeof(float)) == 0;
}

// Member 1 of P = 3 computes, forward and backward, the floats it computes alone.
template <typename Inner, typename... Arguments>
void expect_member_alone_equals_member_together(Index inputs, Index outputs_per_example, const Arguments&... arguments) {
  WeightNorm<float> together(std::make_unique<Inner>(3, arguments..., true, 0), 0), alone(std::make_unique<Inner>(1, arguments..., true, 0), 0);
  const auto mine = together.parameters(), theirs = alone.parameters();
  for (std::size_t p = 0; p < mine.size(); ++p) {
    for (Index i = 0; i < mine[p].value->size(); ++i) (*mine[p].value)[i] = std::sin(0.37f * static_cast<float>(i + 7 * p));
    std::copy_n(mine[p].value->slice(1), mine[p].value->slice_size(), theirs[p].value->data());
  }
  constexpr Index batch = 9;
  Tensor x({3, batch, inputs}), x1({1, batch, inputs}), dy({3, batch, outputs_per_example}), dy1({1, batch, outputs_per_example});
  for (Index i = 0; i < x.size(); ++i) x[i] = std::cos(0.11f * static_cast<float>(i));
  for (Index i = 0; i < dy.size(); ++i) dy[i] = std::sin(0.05f * static_cast<float>(i));
  std::copy_n(x.slice(1), x1.size(), x1.data());
  std::copy_n(dy.slice(1), dy1.size(), dy1.data());
  const Tensor& y3 = together.forward(x, {});
  const Tensor& y1 = alone.forward(x1, {});
  EXPECT_TRUE(same_bits(y3.slice(1), y1.data(), y1.size()));
  for (const auto& parameter : mine) parameter.grad->zero();
  for (const auto& parameter : theirs) parameter.grad->zero();
  const Tensor& dx3 = together.backward(dy, true);
  const Tensor& dx1 = alone.backward(dy1, true);
  EXPECT_TRUE(same_bits(dx3.slice(1), dx1.data(), dx1.size()));
  for (std::size_t p = 0; p < mine.size(); ++p)
    EXPECT_TRUE(same_bits(mine[p].grad->slice(1), theirs[p].grad->data(), theirs[p].grad->size())) << mine[p].name;
}

TEST(WeightNorm, AMemberAloneComputesWhatItComputesInAPopulation) {
  expect_member_alone_equals_member_together<Dense<float>>(40, 30, Index{40}, Index{30});
  const Conv2dGeometry g{.channels = 3, .height = 9, .width = 8, .filters = 4, .kernel = {3, 3}, .stride = {1, 1}, .padding = {1, 1}};
  expect_member_alone_equals_member_together<Conv2d<float>>(g.inputs(), g.outputs(), g);
}

// [C, H, W] = [1, 4, 4] -> conv2d 2 filters 3x3 (weight norm) -> flatten -> dense 3 (weight norm, no bias) -> dense 1
ModelSpec normed_model() {
  ModelSpec spec{.inputs = 16, .input_shape = {1, 4, 4}, .layers = {}};
  spec.layers.push_back(LayerSpec{.kind = LayerKind::conv2d, .filters = 2, .kernel = {3, 3}, .stride = {1, 1}, .weight_norm = true});
  spec.layers.push_back(LayerSpec{.kind = LayerKind::flatten});
  spec.layers.push_back(LayerSpec{.kind = LayerKind::dense, .units = 3, .bias = false, .weight_norm = true});
  spec.layers.push_back(LayerSpec{.kind = LayerKind::dense, .units = 1});
  for (LayerSpec& layer : spec.layers) layer.activation.kind = ActivationKind::tanh;
  spec.layers[1].activation.kind = ActivationKind::identity;
  return spec;
}

TEST(WeightNorm, SequentialNamesCountsAndDescribesItsLayers) {
  const std::vector<ModelSpec> specs{normed_model()};
  const std::vector<std::uint64_t> seeds{5};
  Sequential<float> model(specs, seeds, false);
  std::vector<std::string> names;
  Index count = 0;
  for (const auto& parameter : model.parameters()) {
    names.push_back(parameter.name);
    count += parameter.value->slice_size();
  }
  EXPECT_EQ(names, (std::vector<std::string>{"layers.0.bias", "layers.0.weight_g", "layers.0.weight_v", "layers.2.weight_g",
                                             "layers.2.weight_v", "layers.3.weight", "layers.3.bias"}));
  EXPECT_EQ(model.parameter_count(), count);
  EXPECT_EQ(count, (2 + 2 * 9 + 2) + (3 + 3 * 8) + (3 + 1));
  const std::string summary = model.summary();
  EXPECT_NE(summary.find("layers.0 (conv2d 3x3, weight norm)"), std::string::npos) << summary;
  EXPECT_NE(summary.find("layers.2 (Dense, no bias, weight norm)"), std::string::npos) << summary;
  EXPECT_NE(summary.find("layers.3 (Dense)"), std::string::npos) << summary;
}

// weight_norm keeps the initial weights (v = w, g = ‖w‖): the first output is the plain model's, up
// to the rounding of w = g · v / ‖v‖; and the small-network kernel never takes such a model.
TEST(WeightNorm, StartsFromThePlainModelsWeightsAndTakesTheLayeredPath) {
  ModelSpec plain_spec;
  plain_spec.inputs = 6;
  for (const Index units : {Index{2}, Index{1}}) plain_spec.layers.push_back(LayerSpec{.units = units, .activation = {.kind = ActivationKind::sigmoid}});
  ModelSpec normed_spec = plain_spec;
  normed_spec.layers[0].weight_norm = true;
  const std::vector<std::uint64_t> seeds{9};
  const std::vector<ModelSpec> plain_specs{plain_spec}, normed_specs{normed_spec};
  Sequential<float> plain(plain_specs, seeds, false), normed(normed_specs, seeds, false);
  EXPECT_TRUE(plain.uses_small_network_kernel(LossKind::sse));
  EXPECT_FALSE(normed.uses_small_network_kernel(LossKind::sse));
  Tensor x({1, 4, 6});
  for (Index i = 0; i < x.size(); ++i) x[i] = std::cos(0.3f * static_cast<float>(i));
  const Tensor y_plain = plain.forward(x, {});
  const Tensor& y_normed = normed.forward(x, {});
  for (Index i = 0; i < y_plain.size(); ++i) EXPECT_NEAR(y_normed[i], y_plain[i], 1e-6f) << i;
}

TEST(WeightNorm, IsPartOfThePopulationsStructure) {
  std::vector<ModelSpec> specs{normed_model(), normed_model()};
  specs[1].layers[2].weight_norm = false;
  const std::vector<std::uint64_t> seeds{1, 2};
  try {
    Sequential<float> model(specs, seeds, false);
    FAIL() << "members with and without weight norm built one population";
  } catch (const std::invalid_argument& error) {
    EXPECT_EQ(std::string(error.what()),
              "model.layers.2.weight_norm: member 1 has false but member 0 has true; a population must share its structure");
  }
}

}  // namespace
}  // namespace nnlab
