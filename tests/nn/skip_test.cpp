// Skip connections (`from:` joins): golden values from PyTorch's torch.cat network
// (golden_skip.py), finite differences through flat and channel joins, population invariance,
// the summary's wiring column and the spec errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "golden_skip.hpp"
#include "gradient_check.hpp"
#include "nn/model.hpp"

namespace nnlab {
namespace {

namespace golden = golden_skip;

LayerSpec dense(Index units, ActivationKind activation, std::vector<Index> from = {}) {
  LayerSpec layer;
  layer.units = units;
  layer.activation.kind = activation;
  layer.from = std::move(from);
  return layer;
}

// golden_skip.py's network: 3 inputs; tanh 4 from the input; sigmoid 2 from [input, 0]; `last` 3 from [0, 1].
ModelSpec golden_spec(ActivationKind last) {
  return {.inputs = 3,
          .layers = {dense(4, ActivationKind::tanh), dense(2, ActivationKind::sigmoid, {network_input, 0}),
                     dense(3, last, {0, 1})}};
}

void load_golden_weights(Sequential<double>& model) {
  const std::vector<const std::vector<double>*> values{&golden::w0, &golden::b0, &golden::w1,
                                                       &golden::b1, &golden::w2, &golden::b2};
  const auto parameters = model.parameters();
  ASSERT_EQ(parameters.size(), values.size());
  for (std::size_t p = 0; p < parameters.size(); ++p) {
    ASSERT_EQ(parameters[p].value->size(), static_cast<Index>(values[p]->size())) << parameters[p].name;
    std::copy(values[p]->begin(), values[p]->end(), parameters[p].value->data());
  }
}

TensorD tensor_of(const std::vector<double>& values, Shape shape) {
  TensorD tensor(std::move(shape));
  std::copy(values.begin(), values.end(), tensor.data());
  return tensor;
}

void expect_close(const TensorD& actual, const std::vector<double>& expected, double tolerance, const std::string& what) {
  ASSERT_EQ(actual.size(), static_cast<Index>(expected.size())) << what;
  for (Index i = 0; i < actual.size(); ++i)
    EXPECT_NEAR(actual[i], expected[static_cast<std::size_t>(i)], tolerance * std::max(1.0, std::abs(expected[static_cast<std::size_t>(i)])))
        << what << "[" << i << "]";
}

TEST(Skip, ForwardAndGradientsMatchTorchCat) {
  const std::vector<ModelSpec> specs{golden_spec(ActivationKind::identity)};
  const std::vector<std::uint64_t> seeds{1};
  Sequential<double> model(specs, seeds, false);
  load_golden_weights(model);
  const TensorD x = tensor_of(golden::x, {1, 5, 3});
  expect_close(model.forward(x, {}), golden::y, 1e-12, "y");
  model.zero_grad();
  model.backward(tensor_of(golden::dy, {1, 5, 3}));
  const std::vector<const std::vector<double>*> grads{&golden::dw0, &golden::db0, &golden::dw1,
                                                      &golden::db1, &golden::dw2, &golden::db2};
  const auto parameters = model.parameters();
  for (std::size_t p = 0; p < parameters.size(); ++p) expect_close(*parameters[p].grad, *grads[p], 1e-12, parameters[p].name);
}

// 25 full-batch SGD steps (lr 0.1) of ½ Σ (σ(y) − t)²; the SGD update is written out here.
TEST(Skip, TwentyFiveSgdStepsMatchTorch) {
  const std::vector<ModelSpec> specs{golden_spec(ActivationKind::sigmoid)};
  const std::vector<std::uint64_t> seeds{1};
  Sequential<double> model(specs, seeds, false);
  load_golden_weights(model);
  const TensorD x = tensor_of(golden::x, {1, 5, 3}), t = tensor_of(golden::t, {1, 5, 3});
  TensorD grad({1, 5, 3});
  for (int step = 0; step < 25; ++step) {
    model.zero_grad();
    const TensorD& y = model.forward(x, {});
    for (Index i = 0; i < y.size(); ++i) grad[i] = y[i] - t[i];
    model.backward(grad);
    for (const ParameterRef<double>& parameter : model.parameters())
      for (Index i = 0; i < parameter.value->size(); ++i) (*parameter.value)[i] -= 0.1 * (*parameter.grad)[i];
  }
  const std::vector<const std::vector<double>*> trained{&golden::trained_w0, &golden::trained_b0, &golden::trained_w1,
                                                        &golden::trained_b1, &golden::trained_w2, &golden::trained_b2};
  const auto parameters = model.parameters();
  for (std::size_t p = 0; p < parameters.size(); ++p) expect_close(*parameters[p].value, *trained[p], 1e-10, parameters[p].name);
}

// Channel joins of [C, H, W] maps, a layer's output taken by two later layers, two members
// with different steepness, the input shared and per member.
TEST(Skip, GradientsThroughFlatAndChannelJoinsMatchFiniteDifferences) {
  LayerSpec conv0;
  conv0.kind = LayerKind::conv2d;
  conv0.filters = 2;
  conv0.kernel = {3, 3};
  conv0.stride = {1, 1};
  conv0.same_padding = true;
  conv0.activation.kind = ActivationKind::tanh;
  LayerSpec conv1 = conv0;
  conv1.filters = 3;
  conv1.from = {network_input, 0};  // [2 + 2, 4, 4]
  LayerSpec flatten;
  flatten.kind = LayerKind::flatten;
  flatten.from = {0, 1};  // [2 + 3, 4, 4]
  ModelSpec a{.inputs = 32, .input_shape = {2, 4, 4},
              .layers = {conv0, conv1, flatten, dense(5, ActivationKind::sigmoid), dense(3, ActivationKind::identity, {3, 2})}};
  ModelSpec b = a;
  b.layers[3].activation.steepness = 2.5;
  const std::vector<ModelSpec> specs{a, b};
  const std::vector<std::uint64_t> seeds{3, 4};
  Sequential<double> model(specs, seeds, false);
  testing::check_model_gradients(model, testing::random_tensor({1, 3, 32}, 5));
  testing::check_model_gradients(model, testing::random_tensor({2, 3, 32}, 6));
  // d loss / d input (adversarial examples): through both joins that take the network input.
  testing::check_model_input_gradients(model, testing::random_tensor({1, 3, 32}, 5));
  testing::check_model_input_gradients(model, testing::random_tensor({2, 3, 32}, 6));
}

bool same_bits(const double* a, const double* b, Index count) {
  return std::memcmp(a, b, static_cast<std::size_t>(count) * sizeof(double)) == 0;
}

TEST(Skip, MemberAloneEqualsMemberInAPopulation) {
  std::vector<ModelSpec> specs;
  for (int m = 0; m < 3; ++m) {
    ModelSpec spec = golden_spec(ActivationKind::identity);
    spec.layers[1].activation.steepness = 0.5 + m;
    specs.push_back(spec);
  }
  const std::vector<std::uint64_t> seeds{7, 8, 9};
  constexpr Index member = 1;
  const std::vector<ModelSpec> alone_spec{specs[member]};
  const std::vector<std::uint64_t> alone_seed{seeds[member]};
  Sequential<double> population(specs, seeds, false), alone(alone_spec, alone_seed, false);
  const TensorD x = testing::random_tensor({1, 6, 3}, 10), g = testing::random_tensor({3, 6, 3}, 11);
  TensorD g_alone({1, 6, 3});
  std::copy_n(g.slice(member), g_alone.size(), g_alone.data());
  population.zero_grad();
  alone.zero_grad();
  const TensorD& y = population.forward(x, {});
  const TensorD& y_alone = alone.forward(x, {});
  EXPECT_TRUE(same_bits(y.slice(member), y_alone.data(), y_alone.size()));
  population.backward(g);
  alone.backward(g_alone);
  const auto mine = population.parameters(), theirs = alone.parameters();
  for (std::size_t p = 0; p < mine.size(); ++p) {
    EXPECT_TRUE(same_bits(mine[p].value->slice(member), theirs[p].value->data(), theirs[p].value->size())) << mine[p].name;
    EXPECT_TRUE(same_bits(mine[p].grad->slice(member), theirs[p].grad->data(), theirs[p].grad->size())) << mine[p].name;
  }
}

TEST(Skip, SummaryShowsWhatEachLayerTakes) {
  const std::vector<ModelSpec> specs{golden_spec(ActivationKind::identity)};
  const std::vector<std::uint64_t> seeds{1};
  const std::string text = Sequential<double>(specs, seeds, false).summary();
  EXPECT_NE(text.find("Connected to"), std::string::npos) << text;
  EXPECT_NE(text.find("input + layers.0"), std::string::npos) << text;
  EXPECT_NE(text.find("layers.0 + layers.1"), std::string::npos) << text;
  EXPECT_NE(text.find("Total params: 53 per member"), std::string::npos) << text;  // 16 + 16 + 21
}

std::string error_of(const ModelSpec& spec) {
  const std::vector<ModelSpec> specs{spec};
  const std::vector<std::uint64_t> seeds{1};
  try {
    Sequential<double> model(specs, seeds, false);
  } catch (const std::invalid_argument& error) {
    return error.what();
  }
  return "no error";
}

TEST(Skip, BadWiringNamesTheKey) {
  ModelSpec later = golden_spec(ActivationKind::identity);
  later.layers[1].from = {network_input, 1};
  EXPECT_EQ(error_of(later), "model.layers.1.from: 1 is not an earlier layer (a layer takes `input` or layers 0 to 0)");
  ModelSpec twice = golden_spec(ActivationKind::identity);
  twice.layers[2].from = {0, 0};
  EXPECT_EQ(error_of(twice), "model.layers.2.from: lists 0 twice");
  ModelSpec unused = golden_spec(ActivationKind::identity);
  unused.layers[2].from = {1};
  unused.layers[1].from = {network_input};
  EXPECT_EQ(error_of(unused), "model.layers.1.from: leaves the output of layer 0 unused (add 0 to it, or remove layer 0)");
  ModelSpec mixed{.inputs = 16, .input_shape = {1, 4, 4}, .layers = {}};
  LayerSpec pool;
  pool.kind = LayerKind::maxpool2d;
  pool.kernel = pool.stride = {2, 2};
  LayerSpec flatten;
  flatten.kind = LayerKind::flatten;
  flatten.from = {network_input, 0};
  mixed.layers = {pool, flatten};
  EXPECT_EQ(error_of(mixed),
            "model.layers.1.from: cannot join [1, 4, 4] with [1, 2, 2]: flat outputs join flat ones, and [C, H, W] maps "
            "join along C when H and W agree (flatten first)");
  ModelSpec other = golden_spec(ActivationKind::identity);
  other.layers[2].from = {1, 0};
  const std::vector<ModelSpec> specs{golden_spec(ActivationKind::identity), other};
  const std::vector<std::uint64_t> seeds{1, 2};
  try {
    Sequential<double> model(specs, seeds, false);
    FAIL() << "members with different wiring accepted";
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("model.layers.2.from: member 1 has [1, 0] but member 0 has [0, 1]"), std::string::npos)
        << error.what();
  }
}

}  // namespace
}  // namespace nnlab
