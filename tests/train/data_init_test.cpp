// lsuv and pca initialisation (train/data_init.hpp): against PyTorch (golden_data_init.py),
// per-member independence, and the errors.
#include "train/data_init.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <string>

#include "golden_data_init.hpp"
#include "independent_data.hpp"

namespace nnlab {
namespace {

namespace g = golden_data_init;

Dataset golden_data() {
  Dataset data;
  data.inputs = Tensor({g::examples, g::features});
  for (Index i = 0; i < data.inputs.size(); ++i) data.inputs[i] = static_cast<float>(g::inputs[i]);
  data.labels.assign(static_cast<std::size_t>(g::examples), 0);
  data.classes = 2;
  data.example_shape = {g::features};
  return data;
}

LayerSpec dense(Index units, bool bias, ActivationKind activation, InitKind init) {
  LayerSpec layer;
  layer.units = units;
  layer.bias = bias;
  layer.activation.kind = activation;
  layer.weight_init.kind = init;
  layer.weight_init.batch = g::examples;  // the whole set: the draw's order changes no variance
  layer.weight_init.tolerance = g::tolerance;
  layer.weight_init.iterations = g::iterations;
  return layer;
}

Tensor& parameter(Sequential<float>& model, const std::string& name) {
  for (auto& p : model.parameters())
    if (p.name == name) return *p.value;
  throw std::logic_error("no parameter " + name);
}

template <std::size_t N>
void set(Tensor& tensor, const double (&values)[N]) {
  ASSERT_EQ(static_cast<std::size_t>(tensor.size()), N);
  for (std::size_t i = 0; i < N; ++i) tensor[static_cast<Index>(i)] = static_cast<float>(values[i]);
}

template <std::size_t N>
void expect_near(const Tensor& tensor, const double (&expected)[N], double tolerance, const std::string& what) {
  ASSERT_EQ(static_cast<std::size_t>(tensor.size()), N) << what;
  for (std::size_t i = 0; i < N; ++i)
    EXPECT_NEAR(tensor[static_cast<Index>(i)], expected[i], tolerance * (1 + std::abs(expected[i]))) << what << "[" << i << "]";
}

TEST(DataInit, LsuvMatchesPyTorch) {
  ModelSpec spec;
  spec.inputs = g::features;
  spec.layers = {dense(4, true, ActivationKind::tanh, InitKind::lsuv), dense(3, false, ActivationKind::identity, InitKind::lsuv)};
  const std::uint64_t seed = 3;
  Sequential<float> model(std::span(&spec, 1), std::span(&seed, 1), false);
  set(parameter(model, "layers.0.weight"), g::lsuv_w0_start);
  set(parameter(model, "layers.0.bias"), g::lsuv_b0);
  set(parameter(model, "layers.1.weight"), g::lsuv_w1_start);
  const auto report = initialise_from_data(model, golden_data(), std::span(&seed, 1));
  expect_near(parameter(model, "layers.0.weight"), g::lsuv_w0, 1e-5, "W0");
  expect_near(parameter(model, "layers.1.weight"), g::lsuv_w1, 1e-5, "W1");
  expect_near(parameter(model, "layers.0.bias"), g::lsuv_b0, 0, "b0 (not changed)");
  ASSERT_EQ(report.size(), 1u);
  ASSERT_EQ(report[0].size(), 2u);
  for (std::size_t k = 0; k < 2; ++k) {
    EXPECT_EQ(report[0][k].layer, static_cast<int>(k));
    EXPECT_NEAR(report[0][k].variance_before, g::lsuv_variance_before[k], 1e-5 * g::lsuv_variance_before[k]);
    EXPECT_NEAR(report[0][k].variance_after, g::lsuv_variance_after[k], 1e-5);
    EXPECT_LT(std::abs(report[0][k].variance_after - 1), g::tolerance);
    EXPECT_EQ(report[0][k].rescalings, static_cast<std::int64_t>(g::lsuv_rescalings[k]));
  }
}

TEST(DataInit, PcaMatchesPyTorch) {
  ModelSpec spec;
  spec.inputs = g::features;
  spec.layers = {dense(3, true, ActivationKind::tanh, InitKind::pca), dense(2, true, ActivationKind::identity, InitKind::lsuv)};
  const std::uint64_t seed = 5;
  Sequential<float> model(std::span(&spec, 1), std::span(&seed, 1), false);
  set(parameter(model, "layers.1.weight"), g::pca_w1_start);
  set(parameter(model, "layers.1.bias"), g::pca_b1);
  const auto report = initialise_from_data(model, golden_data(), std::span(&seed, 1));
  expect_near(parameter(model, "layers.0.weight"), g::pca_w0, 1e-5, "W0");
  expect_near(parameter(model, "layers.0.bias"), g::pca_b0, 1e-5, "b0");
  expect_near(parameter(model, "layers.1.weight"), g::pca_w1, 1e-5, "W1");
  ASSERT_EQ(report[0].size(), 2u);
  EXPECT_EQ(report[0][0].kind, InitKind::pca);
  // Whitened: every unit has mean 0 and variance 1, so the variance pooled over the batch and
  // the units is U (N − 1) / (N U − 1).
  EXPECT_NEAR(report[0][0].variance_after, 3.0 * (g::examples - 1) / (g::examples * 3.0 - 1), 1e-6);
  EXPECT_NEAR(report[0][0].variance_after, g::pca_variance_after[0], 1e-5);
  EXPECT_NEAR(report[0][1].variance_before, g::pca_lsuv_before[0], 1e-5 * g::pca_lsuv_before[0]);
  EXPECT_NEAR(report[0][1].variance_after, g::pca_variance_after[1], 1e-5);
  EXPECT_EQ(report[0][1].rescalings, static_cast<std::int64_t>(g::pca_lsuv_rescalings[0]));
}

// Members with their own seeds and settings, alone and together, end with the same floats;
// a member without a data init keeps its weights.
TEST(DataInit, EachMemberAsAlone) {
  const Dataset data = testing::blobs(200, 17);
  std::vector<ModelSpec> specs(3);
  for (std::size_t m = 0; m < 3; ++m) {
    specs[m].inputs = 4;
    specs[m].layers = {dense(6, true, ActivationKind::relu, m == 2 ? InitKind::he_normal : InitKind::pca),
                       dense(3, true, ActivationKind::identity, m == 2 ? InitKind::he_normal : InitKind::lsuv)};
    specs[m].layers[0].weight_init.batch = 50 + 40 * static_cast<Index>(m);
    specs[m].layers[1].weight_init.batch = 64;
    specs[m].layers[1].weight_init.tolerance = m == 0 ? 0.01 : 0.2;
  }
  for (auto& spec : specs) spec.layers[0].units = 4;  // pca: at most the 4 input dimensions
  const std::vector<std::uint64_t> seeds{21, 22, 23};
  Sequential<float> together(specs, seeds, false);
  const auto report = initialise_from_data(together, data, seeds);
  EXPECT_TRUE(report[2].empty());
  for (std::size_t m = 0; m < 3; ++m) {
    Sequential<float> alone(std::span(&specs[m], 1), std::span(&seeds[m], 1), false);
    const auto own = initialise_from_data(alone, data, std::span(&seeds[m], 1));
    ASSERT_EQ(own[0].size(), report[m].size());
    for (std::size_t k = 0; k < own[0].size(); ++k) {
      EXPECT_EQ(own[0][k].variance_before, report[m][k].variance_before);
      EXPECT_EQ(own[0][k].variance_after, report[m][k].variance_after);
      EXPECT_EQ(own[0][k].rescalings, report[m][k].rescalings);
    }
    auto mine = alone.parameters();
    auto theirs = together.parameters();
    for (std::size_t p = 0; p < mine.size(); ++p)
      for (Index e = 0; e < mine[p].value->slice_size(); ++e)
        ASSERT_EQ(mine[p].value->slice(0)[e], theirs[p].value->slice(static_cast<Index>(m))[e]) << mine[p].name << " member " << m;
  }
  EXPECT_LT(std::abs(report[0][1].variance_after - 1), 0.01);
}

// A weight-normalised layer (w = g v / ||v||) is rescaled through its gain g: v stays as it was,
// and the pre-activation variance still lands within the tolerance.
TEST(DataInit, LsuvScalesTheGainOfAWeightNormalisedLayer) {
  ModelSpec spec;
  spec.inputs = g::features;
  spec.layers = {dense(4, true, ActivationKind::tanh, InitKind::lsuv), dense(3, false, ActivationKind::identity, InitKind::torch_default)};
  spec.layers[0].weight_norm = true;
  const std::uint64_t seed = 9;
  Sequential<float> model(std::span(&spec, 1), std::span(&seed, 1), false);
  const Tensor v_before = parameter(model, "layers.0.weight_v"), g_before = parameter(model, "layers.0.weight_g");
  const auto report = initialise_from_data(model, golden_data(), std::span(&seed, 1));
  ASSERT_EQ(report[0].size(), 1u);
  EXPECT_GT(report[0][0].rescalings, 0);
  EXPECT_LT(std::abs(report[0][0].variance_after - 1), g::tolerance);
  const Tensor& v = parameter(model, "layers.0.weight_v");
  for (Index e = 0; e < v.size(); ++e) EXPECT_EQ(v[e], v_before[e]) << e;
  EXPECT_NE(parameter(model, "layers.0.weight_g")[0], g_before[0]);
}

TEST(DataInit, ErrorsNameTheLayer) {
  const Dataset data = testing::blobs(20, 3);
  const std::uint64_t seed = 1;
  const auto message = [&](ModelSpec spec) {
    spec.inputs = 4;
    try {
      Sequential<float> model(std::span(&spec, 1), std::span(&seed, 1), false);
      initialise_from_data(model, data, std::span(&seed, 1));
    } catch (const std::invalid_argument& error) {
      return std::string(error.what());
    }
    return std::string("no error");
  };
  ModelSpec wide;  // more units than principal components
  wide.layers = {dense(5, true, ActivationKind::relu, InitKind::pca), dense(3, true, ActivationKind::identity, InitKind::torch_default)};
  EXPECT_NE(message(wide).find("model.layers.0.init.weight: pca needs units <= the layer's 4 inputs"), std::string::npos) << message(wide);
  ModelSpec dead;  // a ReLU layer whose every unit is off: the next layer's pre-activation is its bias
  dead.layers = {dense(3, false, ActivationKind::relu, InitKind::zeros), dense(2, false, ActivationKind::identity, InitKind::lsuv)};
  EXPECT_NE(message(dead).find("model.layers.1.init.weight: the layer's pre-activation has variance 0"), std::string::npos) << message(dead);
  ModelSpec bias;
  bias.layers = {dense(3, true, ActivationKind::relu, InitKind::torch_default)};
  bias.layers[0].bias_init.kind = InitKind::lsuv;
  EXPECT_NE(message(bias).find("model.layers.0.init.bias: lsuv and pca initialise weights"), std::string::npos) << message(bias);
  ModelSpec tolerance;
  tolerance.layers = {dense(3, true, ActivationKind::relu, InitKind::lsuv)};
  tolerance.layers[0].weight_init.tolerance = 1.5;
  EXPECT_NE(message(tolerance).find("lsuv tolerance must be in (0, 1), got 1.5"), std::string::npos) << message(tolerance);
}

}  // namespace
}  // namespace nnlab
