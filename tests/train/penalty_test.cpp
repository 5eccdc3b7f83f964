// L1/L2 weight penalties: PyTorch's numbers (golden_penalty.hpp, from golden_penalty.py), a
// finite-difference check, λ = 0 changes nothing, l2 under SGD and Adam is their coupled
// weight_decay (and not AdamW's), and the element pass does not depend on threads or SIMD target.
#include "train/penalty.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "core/rng.hpp"
#include "core/simd.hpp"
#include "core/threads.hpp"
#include "golden_penalty.hpp"
#include "train/trainer.hpp"

namespace nnlab {
namespace {

namespace golden = golden_penalty;

// nnlab computes in float, PyTorch here in double: a 3-4-2 network's float forward, backward and
// three steps stay within a few float roundings (~1e-7 relative each) of the exact values.
bool close(double actual, double expected) { return std::fabs(actual - expected) <= 1e-5 * std::fabs(expected) + 1e-6; }

const char* hint() { return " (HINT: golden values from torch; re-run tests/train/golden_penalty.py)"; }

Dataset golden_data() {
  Dataset data;
  data.name = "golden";
  data.inputs = Tensor({5, 3});
  std::copy(golden::inputs.begin(), golden::inputs.end(), data.inputs.data());
  data.labels.assign(golden::labels.begin(), golden::labels.end());
  data.classes = 2;
  data.example_shape = {3};
  return data;
}

ModelSpec golden_spec(bool bias = true) {
  ModelSpec spec{.inputs = 3, .layers = {}};
  for (const auto& [units, kind] : {std::pair{Index{4}, ActivationKind::tanh}, std::pair{Index{2}, ActivationKind::identity}}) {
    LayerSpec layer;
    layer.units = units;
    layer.bias = bias;
    layer.activation.kind = kind;
    spec.layers.push_back(layer);
  }
  return spec;
}

// A P-member model of the golden network, every member starting from the golden weights.
struct GoldenModel {
  std::unique_ptr<Loss<float>> loss;
  Sequential<float> model;
  GoldenModel(const std::vector<LossSpec>& losses)
      : loss(make_loss<float>(losses)),
        model(std::vector<ModelSpec>(losses.size(), golden_spec()), std::vector<std::uint64_t>(losses.size(), 1), true) {
    const auto parameters = model.parameters();
    for (std::size_t p = 0; p < parameters.size(); ++p)
      for (Index m = 0; m < parameters[p].value->dim(0); ++m)
        for (std::size_t i = 0; i < golden::initial[p].size(); ++i)
          parameters[p].value->slice(m)[i] = static_cast<float>(golden::initial[p][i]);
  }
};

LossSpec penalised(double l1, double l2) { return LossSpec{.kind = LossKind::cross_entropy, .l1 = l1, .l2 = l2}; }

// All cases as members of one population: each member's penalty and gradient are its own.
TEST(PenaltyGolden, LossAndGradientAtTheInitialWeightsMatchTorch) {
  std::vector<LossSpec> losses;
  for (const auto& c : golden::cases()) losses.push_back(penalised(c.l1, c.l2));
  GoldenModel golden_model(losses);
  Sequential<float>& model = golden_model.model;
  const Dataset data = golden_data();
  const auto population = static_cast<Index>(losses.size());
  Tensor inputs = data.inputs, targets = encode_targets(data, 2);
  inputs.reshape({1, 5, 3});
  targets.reshape({1, 5, 2});
  std::vector<double> data_loss(losses.size());
  model.forward_backward(inputs, *golden_model.loss, Targets<float>{&targets, data.labels}, data_loss, ForwardContext{});
  const auto parameters = model.parameters();
  add_penalty_gradients(parameters, losses);
  const std::vector<double> penalty = penalty_values(parameters, losses);
  for (Index m = 0; m < population; ++m) {
    const golden::Case& c = golden::cases()[static_cast<std::size_t>(m)];
    SCOPED_TRACE(c.name);
    EXPECT_TRUE(close(data_loss[static_cast<std::size_t>(m)], c.data_loss)) << data_loss[static_cast<std::size_t>(m)] << hint();
    EXPECT_TRUE(close(penalty[static_cast<std::size_t>(m)], c.penalty)) << penalty[static_cast<std::size_t>(m)] << hint();
    for (std::size_t p = 0; p < parameters.size(); ++p)
      for (std::size_t i = 0; i < c.gradient[p].size(); ++i)
        EXPECT_TRUE(close(parameters[p].grad->slice(m)[i], c.gradient[p][i]))
            << parameters[p].name << "[" << i << "]: " << parameters[p].grad->slice(m)[i] << " vs torch " << c.gradient[p][i] << hint();
  }
}

// Full-batch training through the Trainer: the weights after each step, and the recorded data
// loss and penalty after the last.
TEST(PenaltyGolden, TrainingStepsMatchTorch) {
  const Dataset data = golden_data();
  for (const auto& c : golden::cases()) {
    SCOPED_TRACE(c.name);
    for (std::size_t steps = 1; steps <= c.steps.size(); ++steps) {
      GoldenModel golden_model({penalised(c.l1, c.l2)});
      const std::vector<OptimizerOptions> options{c.optimizer};
      const auto optimizer = make_optimizer(options);
      Trainer trainer(golden_model.model, *golden_model.loss, *optimizer, {MemberSetup{.seed = 1, .base_lr = c.optimizer.lr}},
                      TrainConfig{.epochs = static_cast<std::int64_t>(steps), .batch = 0, .order = OrderKind::fixed}, SuccessConfig{});
      const std::vector<MemberResult> results = trainer.fit(TrainingData{&data, nullptr, nullptr});
      const auto parameters = golden_model.model.parameters();
      for (std::size_t p = 0; p < parameters.size(); ++p)
        for (std::size_t i = 0; i < c.steps[steps - 1][p].size(); ++i)
          EXPECT_TRUE(close((*parameters[p].value)[static_cast<Index>(i)], c.steps[steps - 1][p][i]))
              << "step " << steps << ", " << parameters[p].name << "[" << i << "]: " << (*parameters[p].value)[static_cast<Index>(i)]
              << " vs torch " << c.steps[steps - 1][p][i] << hint();
      if (steps == c.steps.size()) {
        EXPECT_TRUE(close(results[0].final_metrics.train_loss, c.final_data_loss)) << results[0].final_metrics.train_loss << hint();
        EXPECT_TRUE(close(results[0].final_metrics.penalty, c.final_penalty)) << results[0].final_metrics.penalty << hint();
      }
    }
  }
}

// Random weights of two members, [2, 3, 50], away from 0 so that |w| is smooth around them.
std::vector<ParameterRef<float>> random_parameters(Tensor& value, Tensor& grad, Tensor& bias, Tensor& bias_grad) {
  CounterRng rng(7, RngPurpose::init);
  for (Index i = 0; i < value.size(); ++i) {
    const double u = rng.uniform(-1.0, 1.0);
    value[i] = static_cast<float>(u < 0 ? u - 0.1 : u + 0.1);
  }
  for (Index i = 0; i < bias.size(); ++i) bias[i] = static_cast<float>(rng.uniform(-1.0, 1.0));
  return {ParameterRef<float>{"layers.0.weight", &value, &grad, 0, false}, ParameterRef<float>{"layers.0.bias", &bias, &bias_grad, 0, true}};
}

// The gradient add_penalty_gradients adds is the derivative of penalty_values: central
// differences (of a double-accumulated sum over float weights) at every weight; biases get none.
TEST(Penalty, GradientIsTheDerivativeOfTheValue) {
  Tensor value({2, 3, 50}), grad({2, 3, 50}), bias({2, 3}), bias_grad({2, 3});
  const auto parameters = random_parameters(value, grad, bias, bias_grad);
  const std::vector<LossSpec> members{penalised(0.3, 0.0), penalised(0.2, 0.7)};
  add_penalty_gradients(parameters, members);
  for (Index i = 0; i < bias_grad.size(); ++i) EXPECT_EQ(bias_grad[i], 0.0f);
  constexpr float h = 1.0f / 64;  // exact steps: w ± h is a float close to the intended point
  for (Index i = 0; i < value.size(); ++i) {
    const float w = value[i];
    value[i] = w + h;
    const std::vector<double> up = penalty_values(parameters, members);
    value[i] = w - h;
    const std::vector<double> down = penalty_values(parameters, members);
    value[i] = w;
    const std::size_t m = static_cast<std::size_t>(i / value.slice_size());
    const double numeric = (up[m] - down[m]) / (static_cast<double>(w + h) - static_cast<double>(w - h));
    EXPECT_NEAR(grad[i], numeric, 1e-5 * (1 + std::fabs(numeric))) << "element " << i;
  }
}

TEST(Penalty, ZeroLambdaTouchesNothingAndMeasuresNothing) {
  Tensor value({2, 3, 50}), grad({2, 3, 50}), bias({2, 3}), bias_grad({2, 3});
  const auto parameters = random_parameters(value, grad, bias, bias_grad);
  for (Index i = 0; i < grad.size(); ++i) grad[i] = static_cast<float>(i % 7) - 3.0f;
  const Tensor before = grad;
  const std::vector<LossSpec> members{penalised(0.0, 0.0), penalised(0.0, 0.5)};
  add_penalty_gradients(parameters, members, std::vector<std::uint8_t>{1, 0});  // member 1 inactive
  EXPECT_EQ(std::memcmp(before.data(), grad.data(), static_cast<std::size_t>(grad.size()) * sizeof(float)), 0);
  const std::vector<double> penalty = penalty_values(parameters, members);
  EXPECT_TRUE(std::isnan(penalty[0]));
  EXPECT_GT(penalty[1], 0.0);
  double squares = 0;  // λ2/2 Σw² with λ2 = 0.5, over member 1's weights only
  for (Index i = value.slice_size(); i < value.size(); ++i) squares += static_cast<double>(value[i]) * value[i];
  EXPECT_DOUBLE_EQ(penalty[1], 0.25 * squares);
}

// Trains the golden network without biases, so that an optimiser's weight_decay (which PyTorch
// and nnlab apply to every parameter) and the penalty (weights only) act on the same tensors.
std::vector<Tensor> train_bias_free(const LossSpec& loss_spec, const OptimizerOptions& options, std::int64_t epochs) {
  const std::vector<LossSpec> losses{loss_spec};
  const auto loss = make_loss<float>(losses);
  const std::vector<ModelSpec> specs{golden_spec(false)};
  const std::vector<std::uint64_t> seeds{3};
  Sequential<float> model(specs, seeds, true);
  const std::vector<OptimizerOptions> members{options};
  const auto optimizer = make_optimizer(members);
  Trainer trainer(model, *loss, *optimizer, {MemberSetup{.seed = 3, .base_lr = options.lr}},
                  TrainConfig{.epochs = epochs, .batch = 2, .order = OrderKind::shuffled}, SuccessConfig{});
  const Dataset data = golden_data();
  trainer.fit(TrainingData{&data, nullptr, nullptr});
  std::vector<Tensor> weights;
  for (const auto& parameter : model.parameters()) weights.push_back(*parameter.value);
  return weights;
}

bool same_bits(const std::vector<Tensor>& a, const std::vector<Tensor>& b) {
  for (std::size_t p = 0; p < a.size(); ++p)
    if (std::memcmp(a[p].data(), b[p].data(), static_cast<std::size_t>(a[p].size()) * sizeof(float)) != 0) return false;
  return a.size() == b.size();
}

// torch.optim.SGD's and Adam's weight_decay add wd·w to the gradient: the L2 penalty's gradient,
// in the same float expression, so the trajectories agree bit for bit. AdamW decays the weights
// outside the adaptive step: a different algorithm, which is why loss.l2 is a key of its own.
TEST(Penalty, L2IsCoupledWeightDecayButNotAdamW) {
  constexpr double lambda = 0.05;
  const LossSpec plain = penalised(0.0, 0.0), l2 = penalised(0.0, lambda);
  for (const auto& options : {OptimizerOptions{.kind = OptimizerKind::sgd, .lr = 0.2},
                              OptimizerOptions{.kind = OptimizerKind::sgd, .lr = 0.2, .momentum = 0.9},
                              OptimizerOptions{.kind = OptimizerKind::adam, .lr = 0.01}}) {
    SCOPED_TRACE(optimizer_kind_name(options.kind));
    OptimizerOptions decayed = options;
    decayed.weight_decay = lambda;
    EXPECT_TRUE(same_bits(train_bias_free(l2, options, 20), train_bias_free(plain, decayed, 20)));
    EXPECT_FALSE(same_bits(train_bias_free(plain, options, 20), train_bias_free(l2, options, 20)));
  }
  const OptimizerOptions adam{.kind = OptimizerKind::adam, .lr = 0.01};
  OptimizerOptions adamw = adam;
  adamw.kind = OptimizerKind::adamw;
  adamw.weight_decay = lambda;
  EXPECT_FALSE(same_bits(train_bias_free(l2, adam, 20), train_bias_free(plain, adamw, 20)));
}

// A large weight (members cut across pieces and threads) on every SIMD target and with 1 and 2
// threads, against the scalar expression written out here.
TEST(Penalty, SameFloatsForEveryThreadCountAndSimdTarget) {
  const Index members = 5, count = 9'001;  // 45,005 elements: threads on, pieces inside and across members
  Tensor value({members, count}), grad({members, count});
  CounterRng rng(11, RngPurpose::init);
  for (Index i = 0; i < value.size(); ++i) {
    value[i] = i % 97 == 0 ? 0.0f : static_cast<float>(rng.uniform(-1.0, 1.0));
    grad[i] = static_cast<float>(rng.uniform(-1.0, 1.0));
  }
  const std::vector<LossSpec> specs{penalised(0.01, 0.0), penalised(0.0, 0.0), penalised(0.0, 0.3), penalised(0.02, 0.1),
                                    penalised(1e-4, 1e-3)};
  Tensor expected = grad;
  for (Index m = 0; m < members; ++m) {
    const auto l1 = static_cast<float>(specs[static_cast<std::size_t>(m)].l1), l2 = static_cast<float>(specs[static_cast<std::size_t>(m)].l2);
    for (Index i = m * count; i < (m + 1) * count; ++i) {
      const float w = value[i];
      if (l2 != 0) expected[i] = expected[i] + l2 * w;
      if (l1 != 0) expected[i] = expected[i] + (w > 0 ? l1 : w < 0 ? -l1 : 0.0f);
    }
  }
  for (const SimdTarget target : supported_simd_targets())
    for (const int threads : {1, 2}) {
      SCOPED_TRACE(::testing::Message() << simd_target_name(target) << ", " << threads << " thread(s)");
      set_simd_target(target);
      set_thread_count(threads);
      Tensor g = grad;
      const std::vector<ParameterRef<float>> parameters{{"layers.0.weight", &value, &g, 0, false}};
      add_penalty_gradients(parameters, specs);
      EXPECT_EQ(std::memcmp(expected.data(), g.data(), static_cast<std::size_t>(g.size()) * sizeof(float)), 0);
    }
  set_simd_target(best_simd_target());
  set_thread_count(0);
}

TEST(Penalty, NegativeOrNonFiniteLambdaIsRejected) {
  for (const double bad : {-1e-3, std::nan(""), std::numeric_limits<double>::infinity()}) {
    EXPECT_THROW(make_loss<float>(std::vector<LossSpec>{penalised(bad, 0.0)}), std::invalid_argument);
    EXPECT_THROW(make_loss<float>(std::vector<LossSpec>{penalised(0.0, bad)}), std::invalid_argument);
  }
}

}  // namespace
}  // namespace nnlab
