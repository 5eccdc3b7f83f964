// Norm layers inside a Sequential: 25 full-batch SGD steps against torch (golden_norm.hpp), the
// whole model's gradients by finite differences, names, summary and the checks of their specs.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "golden_norm.hpp"
#include "gradient_check.hpp"
#include "nn/loss.hpp"
#include "nn/model.hpp"

namespace nnlab {
namespace {

namespace golden = golden_norm;
using testing::check_model_gradients;
using testing::random_tensor;

LayerSpec dense(Index units, ActivationKind activation = ActivationKind::identity) {
  LayerSpec layer;
  layer.units = units;
  layer.activation.kind = activation;
  return layer;
}

LayerSpec norm(LayerKind kind, ActivationKind activation = ActivationKind::identity) {
  LayerSpec layer{.kind = kind};
  layer.activation.kind = activation;
  return layer;
}

// torch: Sequential(Linear(4, 6), BatchNorm1d(6), ReLU(), Dropout(0), Linear(6, 3)); here the ReLU is
// the batch norm's activation, so torch's module 4 is config layer 3.
TEST(NormModel, TwentyFiveSgdStepsOfDenseBatchNormDropoutDenseMatchTorch) {
  const std::vector<ModelSpec> specs{{.inputs = 4,
                                      .layers = {dense(6), norm(LayerKind::batchnorm, ActivationKind::relu),
                                                 LayerSpec{.kind = LayerKind::dropout, .rate = 0.0}, dense(3)}}};
  const std::vector<std::uint64_t> seeds{1};
  Sequential<float> model(specs, seeds, false);
  const std::map<std::string, const std::vector<double>*> initial{
      {"layers.0.weight", &golden::net_initial_0_weight}, {"layers.0.bias", &golden::net_initial_0_bias},
      {"layers.1.weight", &golden::net_initial_1_weight}, {"layers.1.bias", &golden::net_initial_1_bias},
      {"layers.3.weight", &golden::net_initial_4_weight}, {"layers.3.bias", &golden::net_initial_4_bias}};
  for (auto& parameter : model.parameters()) {
    const std::vector<double>& values = *initial.at(parameter.name);
    ASSERT_EQ(parameter.value->size(), static_cast<Index>(values.size())) << parameter.name;
    for (std::size_t i = 0; i < values.size(); ++i) (*parameter.value)[static_cast<Index>(i)] = static_cast<float>(values[i]);
  }
  Tensor x({1, 16, 4}), t({1, 16, 3});
  for (std::size_t i = 0; i < golden::net_x.size(); ++i) x[static_cast<Index>(i)] = static_cast<float>(golden::net_x[i]);
  for (std::size_t i = 0; i < golden::net_t.size(); ++i) t[static_cast<Index>(i)] = static_cast<float>(golden::net_t[i]);
  const std::vector<LossSpec> losses{LossSpec{.kind = LossKind::mse}};
  const auto loss = make_loss<float>(losses);
  std::vector<double> value(1);
  double worst_loss = 0.0;
  for (std::size_t step = 0; step < 25; ++step) {
    model.forward_backward(x, *loss, Targets<float>{&t, {}}, value, ForwardContext{.mode = Mode::train, .step = static_cast<std::int64_t>(step)});
    worst_loss = std::max(worst_loss, std::abs(value[0] - golden::net_losses[step]) / golden::net_losses[step]);
    for (auto& parameter : model.parameters())
      for (Index i = 0; i < parameter.value->size(); ++i) (*parameter.value)[i] -= 0.1f * (*parameter.grad)[i];
  }
  std::printf("  25 SGD steps: loss max relative error %.2e\n", worst_loss);
  EXPECT_LE(worst_loss, 2e-3);
  const std::map<std::string, const std::vector<double>*> final_values{
      {"layers.0.weight", &golden::net_final_0_weight},       {"layers.0.bias", &golden::net_final_0_bias},
      {"layers.1.weight", &golden::net_final_1_weight},       {"layers.1.bias", &golden::net_final_1_bias},
      {"layers.1.running_mean", &golden::net_final_1_running_mean}, {"layers.1.running_var", &golden::net_final_1_running_var},
      {"layers.3.weight", &golden::net_final_4_weight},       {"layers.3.bias", &golden::net_final_4_bias}};
  std::vector<std::pair<std::string, const Tensor*>> tensors;
  for (const auto& parameter : model.parameters()) tensors.emplace_back(parameter.name, parameter.value);
  for (const auto& buffer : model.buffers())
    if (final_values.contains(buffer.name)) tensors.emplace_back(buffer.name, buffer.value);
  ASSERT_EQ(tensors.size(), final_values.size());
  for (const auto& [name, tensor] : tensors) {
    const std::vector<double>& expected = *final_values.at(name);
    double worst = 0.0;
    for (std::size_t i = 0; i < expected.size(); ++i)
      worst = std::max(worst, std::abs((*tensor)[static_cast<Index>(i)] - expected[i]) / std::max(std::abs(expected[i]), 1e-2));
    std::printf("  after 25 steps %-22s max relative error %.2e\n", name.c_str(), worst);
    EXPECT_LE(worst, 2e-3) << name << " (HINT: tests/nn/make_golden_norm.py)";
  }
  EXPECT_EQ(model.buffers()[2].value->data()[0], 25.0f);  // num_batches_tracked
  const Tensor& output = model.forward(x, ForwardContext{.mode = Mode::eval});
  double worst = 0.0;
  for (std::size_t i = 0; i < golden::net_eval_output.size(); ++i)
    worst = std::max(worst, std::abs(output[static_cast<Index>(i)] - golden::net_eval_output[i]) /
                                std::max(std::abs(golden::net_eval_output[i]), 1e-2));
  std::printf("  after 25 steps eval output max relative error %.2e\n", worst);
  EXPECT_LE(worst, 2e-3);
}

ModelSpec with_norms(double momentum, double eps) {
  ModelSpec spec{.inputs = 4,
                 .layers = {dense(5), norm(LayerKind::batchnorm, ActivationKind::tanh), dense(4),
                            norm(LayerKind::layernorm, ActivationKind::sigmoid), dense(3)}};
  spec.layers[0].bias = false;  // batch norm removes a bias before it: its gradient is 0
  spec.layers[1].momentum = momentum;
  spec.layers[1].eps = eps;
  spec.layers[3].eps = eps;
  spec.layers[3].activation.steepness = 2.0;
  return spec;
}

TEST(NormModel, GradientsThroughBothNormsAndTheirActivationsMatchFiniteDifferences) {
  const std::vector<ModelSpec> specs{with_norms(0.1, 1e-5), with_norms(0.6, 1e-2)};
  const std::vector<std::uint64_t> seeds{3, 4};
  Sequential<double> model(specs, seeds, false);
  EXPECT_TRUE(model.trains_differently());
  EXPECT_EQ(model.parameter_count(), 4 * 5 + 2 * 5 + 5 * 4 + 4 + 2 * 4 + 4 * 3 + 3);
  check_model_gradients(model, random_tensor({1, 6, 4}, 8), {.tolerance = 1e-5});
  check_model_gradients(model, random_tensor({2, 6, 4}, 9), {.tolerance = 1e-5});
  testing::check_model_input_gradients(model, random_tensor({1, 6, 4}, 8), {.tolerance = 1e-5});
  testing::check_model_input_gradients(model, random_tensor({2, 6, 4}, 9), {.tolerance = 1e-5});
}

TEST(NormModel, NamesBuffersAndShowsTheLayersInTheSummary) {
  const std::vector<ModelSpec> specs{with_norms(0.1, 1e-5), with_norms(0.3, 1e-5)};
  const std::vector<std::uint64_t> seeds{3, 4};
  Sequential<float> model(specs, seeds, false);
  std::vector<std::string> names;
  for (const auto& buffer : model.buffers()) names.push_back(buffer.name + " " + to_string(buffer.value->shape()));
  EXPECT_EQ(names, (std::vector<std::string>{"layers.1.running_mean [2, 5]", "layers.1.running_var [2, 5]",
                                             "layers.1.num_batches_tracked [2]"}));
  std::vector<std::string> parameters;
  for (const auto& parameter : model.parameters()) parameters.push_back(parameter.name);
  EXPECT_EQ(parameters.size(), 9u);
  EXPECT_EQ(parameters[5], "layers.3.weight");
  std::string summary = model.summary();  // runs of spaces squeezed to one
  summary.erase(std::unique(summary.begin(), summary.end(), [](char a, char b) { return a == ' ' && b == ' '; }), summary.end());
  EXPECT_NE(summary.find("layers.1 (batchnorm) tanh, momentum per member (None, 5) 10"), std::string::npos) << summary;
  EXPECT_NE(summary.find("layers.3 (layernorm) sigmoid(k=2) (None, 4) 8"), std::string::npos) << summary;

  const std::vector<ModelSpec> layer_norm_only{{.inputs = 3, .layers = {norm(LayerKind::layernorm), dense(2)}}};
  const std::vector<std::uint64_t> one_seed{1};
  EXPECT_FALSE(Sequential<float>(layer_norm_only, one_seed, false).trains_differently()) << "layer norm trains as it evaluates";
}

TEST(NormModel, SpecChecksNameTheKey) {
  const std::vector<std::uint64_t> seeds{1};
  const auto message = [&](ModelSpec spec) {
    const std::vector<ModelSpec> specs{std::move(spec)};
    try {
      Sequential<float> model(specs, seeds, false);
    } catch (const std::invalid_argument& error) {
      return std::string(error.what());
    }
    return std::string("accepted");
  };
  EXPECT_EQ(message(with_norms(1.5, 1e-5)), "model.layers.1.momentum: must be in [0, 1], got 1.5");
  EXPECT_EQ(message(with_norms(0.1, 0.0)), "model.layers.1.eps: must be finite and > 0, got 0");
  ModelSpec dropout_relu{.inputs = 3, .layers = {LayerSpec{.kind = LayerKind::dropout, .rate = 0.1}, dense(2)}};
  dropout_relu.layers[0].activation.kind = ActivationKind::relu;
  EXPECT_EQ(message(dropout_relu), "model.layers.0.activation: dropout takes no activation (got relu)");
  // Members may differ in momentum and eps, not in the activation of a norm layer.
  ModelSpec other = with_norms(0.1, 1e-5);
  other.layers[1].activation.kind = ActivationKind::relu;
  const std::vector<ModelSpec> two{with_norms(0.1, 1e-5), other};
  const std::vector<std::uint64_t> two_seeds{1, 2};
  EXPECT_THROW(Sequential<float>(two, two_seeds, false), std::invalid_argument);
}

}  // namespace
}  // namespace nnlab
