#include "nn/model.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "gradient_check.hpp"
#include "nn/activation.hpp"

namespace nnlab {
namespace {

using testing::check_model_gradients;
using testing::random_tensor;

ModelSpec mlp(Index inputs, std::vector<Index> units, ActivationKind hidden = ActivationKind::sigmoid,
              ActivationKind last = ActivationKind::softmax) {
  ModelSpec spec{.inputs = inputs, .layers = {}};
  for (std::size_t i = 0; i < units.size(); ++i) {
    LayerSpec layer;
    layer.units = units[i];
    layer.activation.kind = i + 1 == units.size() ? last : hidden;
    spec.layers.push_back(layer);
  }
  return spec;
}

Index count_parameters(const ModelSpec& spec) {
  const std::vector<ModelSpec> specs{spec};
  const std::vector<std::uint64_t> seeds{1};
  return Sequential<float>(specs, seeds, false).parameter_count();
}

TEST(Sequential, ParameterCounts) {
  EXPECT_EQ(count_parameters(mlp(784, {300, 10})), 238510);
  EXPECT_EQ(count_parameters(mlp(784, {10, 10, 10})), 8070);
  EXPECT_EQ(count_parameters(mlp(784, {20, 20, 10})), 16330);
  ModelSpec no_bias = mlp(6, {2, 1});
  no_bias.layers[0].bias = false;
  EXPECT_EQ(count_parameters(no_bias), 6 * 2 + 2 * 1 + 1);
}

TEST(Sequential, SummaryIsAKerasStyleTable) {
  const std::vector<ModelSpec> specs{mlp(784, {300, 10})};
  const std::vector<std::uint64_t> seeds{1};
  const std::string text = Sequential<float>(specs, seeds, true).summary();
  EXPECT_NE(text.find("238,510"), std::string::npos) << text;
  EXPECT_NE(text.find("235,500"), std::string::npos) << text;
  EXPECT_NE(text.find("3,010"), std::string::npos) << text;
  EXPECT_NE(text.find("(None, 300)"), std::string::npos) << text;
  EXPECT_NE(text.find("(None, 10)"), std::string::npos) << text;
  EXPECT_NE(text.find("softmax"), std::string::npos)
      << text;  // the config's activation, even when folded into the loss
}

TEST(Sequential, ParametersAreNamedByConfigIndex) {
  ModelSpec spec = mlp(3, {4, 2}, ActivationKind::identity, ActivationKind::sigmoid);
  spec.layers[1].bias = false;
  const std::vector<ModelSpec> specs(2, spec);
  const std::vector<std::uint64_t> seeds{1, 2};
  Sequential<double> model(specs, seeds, false);
  const auto parameters = model.parameters();
  ASSERT_EQ(parameters.size(), 3u);
  EXPECT_EQ(parameters[0].name, "layers.0.weight");
  EXPECT_EQ(parameters[0].value->shape(), (Shape{2, 4, 3}));
  EXPECT_EQ(parameters[1].name, "layers.0.bias");
  EXPECT_EQ(parameters[1].value->shape(), (Shape{2, 4}));
  EXPECT_EQ(parameters[2].name, "layers.1.weight");
  EXPECT_EQ(parameters[2].layer_index, 1);
  EXPECT_EQ(model.inputs(), 3);
  EXPECT_EQ(model.outputs(), 2);
  EXPECT_EQ(model.population(), 2);
}

// 2-2-1 with constant weights, by hand: h = σ(0.5 (1 + 2) + 0.1) = σ(1.6); y = tanh(−h − h + 0.2).
TEST(Sequential, ForwardByHand) {
  ModelSpec spec = mlp(2, {2, 1}, ActivationKind::sigmoid, ActivationKind::tanh);
  spec.layers[0].weight_init = {.kind = InitKind::constant, .value = 0.5};
  spec.layers[0].bias_init = {.kind = InitKind::constant, .value = 0.1};
  spec.layers[1].weight_init = {.kind = InitKind::constant, .value = -1.0};
  spec.layers[1].bias_init = {.kind = InitKind::constant, .value = 0.2};
  const std::vector<ModelSpec> specs{spec};
  const std::vector<std::uint64_t> seeds{1};
  Sequential<double> model(specs, seeds, false);
  const TensorD& y = model.forward(TensorD({1, 1, 2}, {1, 2}), {});
  const double h = 1 / (1 + std::exp(-1.6));
  EXPECT_NEAR(y[0], std::tanh(-2 * h + 0.2), 1e-15);
  const auto outputs = model.layer_outputs();
  ASSERT_EQ(outputs.size(), 2u);
  EXPECT_NEAR((*outputs[0])[0], h, 1e-15);
  EXPECT_NEAR((*outputs[0])[1], h, 1e-15);
  EXPECT_EQ(outputs[1], &y);
}

TEST(Sequential, FoldedSoftmaxReturnsLogits) {
  const std::vector<ModelSpec> specs{mlp(4, {5, 3}, ActivationKind::relu, ActivationKind::softmax)};
  const std::vector<std::uint64_t> seeds{3};
  Sequential<double> with(specs, seeds, false), without(specs, seeds, true);
  const TensorD input = random_tensor({1, 2, 4}, 9);
  const TensorD probabilities = with.forward(input, {});
  TensorD logits = without.forward(input, {});
  Activation<double> softmax({ActivationSpec{.kind = ActivationKind::softmax}});
  const TensorD& recovered = softmax.forward(logits, {});
  for (Index i = 0; i < probabilities.size(); ++i) EXPECT_NEAR(recovered[i], probabilities[i], 1e-15);
  EXPECT_EQ(without.layer_outputs().back(), &without.forward(input, {}));
  // A softmax that is not last is never folded.
  const std::vector<ModelSpec> middle{mlp(4, {5, 3}, ActivationKind::softmax, ActivationKind::identity)};
  Sequential<double> kept(middle, seeds, true);
  const TensorD& hidden = *(kept.forward(input, {}), kept.layer_outputs()[0]);
  double row_sum = 0;
  for (Index j = 0; j < 5; ++j) row_sum += hidden[j];
  EXPECT_NEAR(row_sum, 1.0, 1e-15);
}

TEST(Sequential, RejectsBadSpecs) {
  const std::vector<std::uint64_t> one_seed{1}, two_seeds{1, 2};
  const auto build = [](std::vector<ModelSpec> specs, const std::vector<std::uint64_t>& seeds) {
    Sequential<float> model(specs, seeds, false);
  };
  EXPECT_THROW(build({mlp(0, {2})}, one_seed), std::invalid_argument);
  EXPECT_THROW(build({mlp(3, {0})}, one_seed), std::invalid_argument);
  EXPECT_THROW(build({ModelSpec{.inputs = 3, .layers = {}}}, one_seed), std::invalid_argument);
  ModelSpec flat = mlp(3, {2}, ActivationKind::sigmoid, ActivationKind::sigmoid);
  flat.layers[0].activation.steepness = 0.0;
  EXPECT_THROW(build({flat}, one_seed), std::invalid_argument);
  EXPECT_THROW(build({mlp(3, {2}), mlp(3, {3})}, two_seeds), std::invalid_argument);  // units differ
  EXPECT_THROW(build({mlp(3, {2}), mlp(3, {2}, ActivationKind::tanh, ActivationKind::tanh)}, two_seeds),
               std::invalid_argument);
  EXPECT_THROW(build({mlp(3, {2}), mlp(3, {2})}, one_seed), std::invalid_argument);  // seed count
  ModelSpec binary = mlp(3, {2, 1}, ActivationKind::step, ActivationKind::sigmoid), sign = binary;
  sign.layers[0].activation.levels = StepLevels::sign;
  try {  // a step's levels are structure
    build({binary, sign}, two_seeds);
    FAIL() << "members with different step levels accepted";
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("model.layers.0.levels: member 1 has sign but member 0 has binary"),
              std::string::npos)
        << error.what();
  }
  try {
    build({mlp(3, {2, 0})}, one_seed);
    FAIL() << "units 0 accepted";
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("model.layers.1.units"), std::string::npos) << error.what();
  }
  // Scalars may differ between members.
  const ModelSpec plain = mlp(3, {2, 2}, ActivationKind::sigmoid, ActivationKind::sigmoid);
  ModelSpec steep = plain;
  steep.layers[0].activation.steepness = 4.0;
  steep.layers[1].weight_init = {.kind = InitKind::zeros};
  EXPECT_NO_THROW(build({plain, steep}, two_seeds));
}

// Noise layers between dense ones: per-member rates, the drawn noise fixed by the step, so the
// whole model's gradient is checked through the masks; the summary lists them with 0 parameters.
TEST(Sequential, NoiseLayersTrainThroughTheirDrawsAndShowInTheSummary) {
  ModelSpec a = mlp(4, {5, 3}, ActivationKind::tanh, ActivationKind::identity);
  a.layers.insert(a.layers.begin() + 1, LayerSpec{.kind = LayerKind::dropout, .rate = 0.3});
  a.layers.insert(a.layers.begin() + 2, LayerSpec{.kind = LayerKind::gaussian_dropout, .rate = 0.2});
  a.layers.insert(a.layers.begin(), LayerSpec{.kind = LayerKind::gaussian_noise, .std = 0.1});
  ModelSpec b = a;
  b.layers[2].rate = 0.6;
  const std::vector<ModelSpec> specs{a, b};
  const std::vector<std::uint64_t> seeds{5, 6};
  Sequential<double> model(specs, seeds, false);
  EXPECT_TRUE(model.trains_differently());
  EXPECT_EQ(model.parameter_count(), 4 * 5 + 5 + 5 * 3 + 3);
  EXPECT_EQ(model.outputs(), 3);
  check_model_gradients(model, random_tensor({1, 3, 4}, 8));
  check_model_gradients(model, random_tensor({2, 3, 4}, 9));
  const std::string summary = model.summary();
  const auto line_of = [&](const std::string& start) {
    const std::size_t at = summary.find(start);
    return at == std::string::npos ? std::string() : summary.substr(at, summary.find('\n', at) - at);
  };
  const auto squeezed = [](std::string text) {  // runs of spaces as one
    text.erase(std::unique(text.begin(), text.end(), [](char a, char b) { return a == ' ' && b == ' '; }), text.end());
    return text;
  };
  EXPECT_EQ(squeezed(line_of("layers.0 ")), "layers.0 (gaussian_noise) std=0.1 (None, 4) 0");
  EXPECT_EQ(squeezed(line_of("layers.2 ")), "layers.2 (dropout) rate per member (None, 5) 0");
  EXPECT_EQ(squeezed(line_of("layers.3 ")), "layers.3 (gaussian_dropout) rate=0.2 (None, 5) 0");
  EXPECT_EQ(squeezed(line_of("layers.4 ")), "layers.4 (Dense) identity (None, 3) 18");
}

// End to end: a 3-layer population with per-member steepness and a shared input.
TEST(Sequential, GradientsMatchFiniteDifferences) {
  ModelSpec a = mlp(4, {5, 4, 3}, ActivationKind::sigmoid, ActivationKind::softmax);
  a.layers[1].activation = {.kind = ActivationKind::tanh};
  ModelSpec b = a;
  a.layers[0].activation.steepness = 0.7;
  b.layers[0].activation.steepness = 2.0;
  const std::vector<ModelSpec> specs{a, b};
  const std::vector<std::uint64_t> seeds{5, 6};
  Sequential<double> model(specs, seeds, false);
  check_model_gradients(model, random_tensor({1, 3, 4}, 8));
  check_model_gradients(model, random_tensor({2, 3, 4}, 9));
}

// A finite-difference check means nothing for a step (its true gradient is 0 almost
// everywhere). Instead: the model's gradient is that of the same network with the step's
// derivative replaced by the surrogate g in the backward pass only (the forward pass still
// thresholds), computed here by hand in double for a 3-4-2 network, step hidden units, logistic
// outputs and E = ½ Σ (y − t)², on the fused and on the layered path:
//   z = W1 x + b1, h = step(z), u = W2 h + b2, y = σ(u)
//   δu = (y − t) σ(u) (1 − σ(u)), ∂E/∂W2 = δu hᵀ, δz = (W2ᵀ δu) ⊙ g(z), ∂E/∂W1 = δz xᵀ
TEST(Sequential, StepGradientIsTheSurrogateInTheBackwardPassOnly) {
  constexpr Index members = 2, batch = 5, in = 3, hidden = 4, out = 2;
  const TensorD input = random_tensor({members, batch, in}, 11);
  TensorD targets({members, batch, out});
  for (Index i = 0; i < targets.size(); ++i) targets[i] = (i * 7 % 5) / 4.0;
  const std::vector<LossSpec> losses(members, LossSpec{.kind = LossKind::sse});
  const auto loss = make_loss<double>(losses);
  const auto logistic = [](double x) { return 1.0 / (1.0 + std::exp(-x)); };
  for (const StepLevels levels : {StepLevels::binary, StepLevels::sign})
    for (const StraightThrough surrogate : {StraightThrough::identity, StraightThrough::sigmoid, StraightThrough::hard_tanh}) {
      SCOPED_TRACE(step_levels_name(levels) + ", " + straight_through_name(surrogate));
      const double off = levels == StepLevels::binary ? 0.0 : -1.0;
      const auto g = [&](double z) {
        if (surrogate == StraightThrough::identity) return 1.0;
        if (surrogate == StraightThrough::hard_tanh) return std::abs(z) <= 1.0 ? 1.0 : 0.0;
        const double s = logistic(z);
        return (levels == StepLevels::binary ? 1.0 : 2.0) * s * (1.0 - s);
      };
      ModelSpec spec = mlp(in, {hidden, out}, ActivationKind::step, ActivationKind::sigmoid);
      spec.layers[0].activation.levels = levels;
      spec.layers[0].activation.straight_through = surrogate;
      spec.layers[0].weight_init = spec.layers[0].bias_init = {.kind = InitKind::uniform, .low = -1.5, .high = 1.5};
      const std::vector<ModelSpec> specs(members, spec);
      const std::vector<std::uint64_t> seeds{3, 4};
      Sequential<double> model(specs, seeds, false);
      ASSERT_TRUE(model.uses_small_network_kernel(LossKind::sse));
      if (levels == StepLevels::sign && surrogate == StraightThrough::sigmoid)
        EXPECT_NE(model.summary().find("step(sign, straight_through=sigmoid)"), std::string::npos) << model.summary();
      const auto parameters = model.parameters();  // layers.0.weight [P, hidden, in], .bias, layers.1.weight, .bias
      ASSERT_EQ(parameters.size(), 4u);

      // The reference, member by member.
      std::vector<TensorD> expected;
      for (const auto& parameter : parameters) expected.emplace_back(parameter.grad->shape());
      for (Index m = 0; m < members; ++m) {
        const double *w1 = parameters[0].value->slice(m), *b1 = parameters[1].value->slice(m),
                     *w2 = parameters[2].value->slice(m), *b2 = parameters[3].value->slice(m);
        double *dw1 = expected[0].slice(m), *db1 = expected[1].slice(m), *dw2 = expected[2].slice(m),
               *db2 = expected[3].slice(m);
        for (Index b = 0; b < batch; ++b) {
          const double* x = input.slice(m) + b * in;
          double z[hidden], h[hidden], du[out];
          for (Index j = 0; j < hidden; ++j) {
            z[j] = b1[j];
            for (Index i = 0; i < in; ++i) z[j] += w1[j * in + i] * x[i];
            h[j] = z[j] > 0 ? 1.0 : off;
          }
          for (Index k = 0; k < out; ++k) {
            double u = b2[k];
            for (Index j = 0; j < hidden; ++j) u += w2[k * hidden + j] * h[j];
            const double y = logistic(u);
            du[k] = (y - targets.slice(m)[b * out + k]) * y * (1.0 - y);
            db2[k] += du[k];
            for (Index j = 0; j < hidden; ++j) dw2[k * hidden + j] += du[k] * h[j];
          }
          for (Index j = 0; j < hidden; ++j) {
            double dh = 0.0;
            for (Index k = 0; k < out; ++k) dh += w2[k * hidden + j] * du[k];
            const double dz = dh * g(z[j]);
            db1[j] += dz;
            for (Index i = 0; i < in; ++i) dw1[j * in + i] += dz * x[i];
          }
        }
      }
      double largest = 0.0;
      for (Index i = 0; i < expected[0].size(); ++i) largest = std::max(largest, std::abs(expected[0][i]));
      EXPECT_GT(largest, 1e-3) << "the surrogate should carry a gradient into layer 0";

      std::vector<double> values(members);
      model.forward_backward(input, *loss, Targets<double>{&targets, {}}, values, {});
      for (std::size_t p = 0; p < parameters.size(); ++p)
        for (Index i = 0; i < expected[p].size(); ++i)
          EXPECT_NEAR((*parameters[p].grad)[i], expected[p][i], 1e-12) << "fused " << parameters[p].name << "[" << i << "]";
      model.zero_grad();
      TensorD grad_output;
      loss->evaluate(model.forward(input, {}), Targets<double>{&targets, {}}, values, &grad_output);
      model.backward(grad_output);
      for (std::size_t p = 0; p < parameters.size(); ++p)
        for (Index i = 0; i < expected[p].size(); ++i)
          EXPECT_NEAR((*parameters[p].grad)[i], expected[p][i], 1e-12) << "layered " << parameters[p].name << "[" << i << "]";
    }
}

bool same_bits(const float* a, const float* b, Index count) {
  return std::memcmp(a, b, static_cast<std::size_t>(count) * sizeof(float)) == 0;
}

// Member 2 of a P = 4 population computes the same floats as a P = 1 model with its spec and seed.
TEST(Sequential, PopulationInvariance) {
  std::vector<ModelSpec> specs;
  for (int m = 0; m < 4; ++m) {
    ModelSpec spec = mlp(30, {40, 20, 10}, ActivationKind::sigmoid, ActivationKind::softmax);
    spec.layers[0].activation.steepness = 0.5 + m;
    spec.layers[1].activation = {.kind = ActivationKind::elu, .alpha = 0.5 * (m + 1)};
    spec.layers[0].weight_init = {.kind = m % 2 ? InitKind::he_normal : InitKind::xavier_uniform};
    specs.push_back(spec);
  }
  const std::vector<std::uint64_t> seeds{100, 101, 102, 103};
  constexpr Index member = 2, batch = 17;
  const std::vector<ModelSpec> alone_spec{specs[member]};
  const std::vector<std::uint64_t> alone_seed{seeds[member]};

  for (const bool shared : {true, false}) {
    SCOPED_TRACE(shared ? "shared input" : "per-member input");
    Sequential<float> population(specs, seeds, true), alone(alone_spec, alone_seed, true);
    CounterRng rng(1, RngPurpose::data);
    Tensor input({shared ? 1 : 4, batch, 30}), grad({4, batch, 10});
    for (float& x : input.span()) x = static_cast<float>(rng.normal());
    for (float& g : grad.span()) g = static_cast<float>(rng.normal());
    Tensor alone_input({1, batch, 30}), alone_grad({1, batch, 10});
    std::copy_n(input.slice(shared ? 0 : member), alone_input.size(), alone_input.data());
    std::copy_n(grad.slice(member), alone_grad.size(), alone_grad.data());

    population.zero_grad();
    alone.zero_grad();
    const Tensor& y = population.forward(input, {});
    const Tensor& y_alone = alone.forward(alone_input, {});
    EXPECT_TRUE(same_bits(y.slice(member), y_alone.data(), y_alone.size()));
    population.backward(grad);
    alone.backward(alone_grad);
    const auto mine = population.parameters(), theirs = alone.parameters();
    ASSERT_EQ(mine.size(), theirs.size());
    for (std::size_t p = 0; p < mine.size(); ++p) {
      EXPECT_TRUE(same_bits(mine[p].value->slice(member), theirs[p].value->data(), theirs[p].value->size()))
          << mine[p].name;
      EXPECT_TRUE(same_bits(mine[p].grad->slice(member), theirs[p].grad->data(), theirs[p].grad->size()))
          << mine[p].name;
    }
    const auto outputs = population.layer_outputs(), alone_outputs = alone.layer_outputs();
    for (std::size_t i = 0; i < outputs.size(); ++i)
      EXPECT_TRUE(same_bits(outputs[i]->slice(member), alone_outputs[i]->data(), alone_outputs[i]->size()))
          << "layer " << i;
  }
}

}  // namespace
}  // namespace nnlab
