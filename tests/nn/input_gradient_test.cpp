// d loss / d input (Sequential::backward(g, &grad_input), used by adversarial examples) by
// finite differences through the layer kinds skip_test.cpp and norm_model_test.cpp do not reach:
// max and average pooling, dropout (evaluation, and training with its mask fixed by the step),
// and weight-normalised dense and conv2d layers. Each for per-member and shared inputs.
#include <gtest/gtest.h>

#include "gradient_check.hpp"
#include "nn/model.hpp"

namespace nnlab {
namespace {

using testing::check_model_input_gradients;
using testing::random_tensor;

LayerSpec dense(Index units, ActivationKind activation = ActivationKind::identity, bool weight_norm = false) {
  LayerSpec layer{.units = units};
  layer.activation.kind = activation;
  layer.weight_norm = weight_norm;
  return layer;
}

// conv2d (3 filters, 3×3, tanh) -> pool -> flatten -> dense 3 over [2, 6, 6] inputs.
ModelSpec pooled_cnn(LayerKind pool, bool weight_norm = false) {
  ModelSpec spec{.inputs = 2 * 6 * 6};
  spec.input_shape = {2, 6, 6};
  spec.layers = {LayerSpec{.kind = LayerKind::conv2d, .filters = 3, .kernel = {3, 3}, .stride = {1, 1}},
                 LayerSpec{.kind = pool, .kernel = {2, 2}, .stride = {2, 2}}, LayerSpec{.kind = LayerKind::flatten},
                 dense(3, ActivationKind::identity, weight_norm)};
  spec.layers[0].activation.kind = ActivationKind::tanh;
  spec.layers[0].weight_norm = weight_norm;
  return spec;
}

void check_both_input_forms(Sequential<double>& model, Index inputs, testing::GradientCheckOptions options = {}) {
  options.tolerance = 1e-5;
  {
    SCOPED_TRACE("per-member input");
    check_model_input_gradients(model, random_tensor({model.population(), 5, inputs}, 41), options);
  }
  {
    SCOPED_TRACE("shared input");
    check_model_input_gradients(model, random_tensor({1, 5, inputs}, 42), options);
  }
}

TEST(InputGradient, ThroughMaxPoolingMatchesFiniteDifferences) {
  const std::vector<ModelSpec> specs{pooled_cnn(LayerKind::maxpool2d), pooled_cnn(LayerKind::maxpool2d)};
  const std::vector<std::uint64_t> seeds{5, 6};
  Sequential<double> model(specs, seeds, false);
  check_both_input_forms(model, 72);
}

TEST(InputGradient, ThroughAveragePoolingMatchesFiniteDifferences) {
  const std::vector<ModelSpec> specs{pooled_cnn(LayerKind::avgpool2d), pooled_cnn(LayerKind::avgpool2d)};
  const std::vector<std::uint64_t> seeds{7, 8};
  Sequential<double> model(specs, seeds, false);
  check_both_input_forms(model, 72);
}

ModelSpec with_dropout(double rate) {
  return ModelSpec{.inputs = 6,
                   .layers = {LayerSpec{.kind = LayerKind::dropout, .rate = rate}, dense(5, ActivationKind::sigmoid),
                              LayerSpec{.kind = LayerKind::dropout, .rate = rate}, dense(3)}};
}

TEST(InputGradient, ThroughDropoutInEvaluationMatchesFiniteDifferences) {
  const std::vector<ModelSpec> specs{with_dropout(0.5), with_dropout(0.3)};
  const std::vector<std::uint64_t> seeds{9, 10};
  Sequential<double> model(specs, seeds, false);
  check_both_input_forms(model, 6, {.mode = Mode::eval});
}

// A training forward at one step draws the same masks each time, so the objective is smooth in
// the input and its gradient flows through the mask only.
TEST(InputGradient, ThroughDropoutInTrainingAtAFixedStepMatchesFiniteDifferences) {
  const std::vector<ModelSpec> specs{with_dropout(0.5), with_dropout(0.3)};
  const std::vector<std::uint64_t> seeds{9, 10};
  Sequential<double> model(specs, seeds, false);
  check_both_input_forms(model, 6, {.mode = Mode::train});
}

TEST(InputGradient, ThroughWeightNormalisedDenseLayersMatchesFiniteDifferences) {
  const ModelSpec spec{.inputs = 7, .layers = {dense(6, ActivationKind::tanh, true), dense(4, ActivationKind::identity, true)}};
  const std::vector<ModelSpec> specs{spec, spec};
  const std::vector<std::uint64_t> seeds{11, 12};
  Sequential<double> model(specs, seeds, false);
  check_both_input_forms(model, 7);
}

TEST(InputGradient, ThroughWeightNormalisedConvolutionAndPoolingMatchesFiniteDifferences) {
  for (const LayerKind pool : {LayerKind::maxpool2d, LayerKind::avgpool2d}) {
    const std::vector<ModelSpec> specs{pooled_cnn(pool, true), pooled_cnn(pool, true)};
    const std::vector<std::uint64_t> seeds{13, 14};
    Sequential<double> model(specs, seeds, false);
    check_both_input_forms(model, 72);
  }
}

}  // namespace
}  // namespace nnlab
