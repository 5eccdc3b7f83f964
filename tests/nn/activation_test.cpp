#include "nn/activation.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "core/rng.hpp"
#include "core/simd.hpp"

#include "gradient_check.hpp"

namespace nnlab {
namespace {

using testing::check_layer_gradients;

ActivationSpec spec(ActivationKind kind) { return ActivationSpec{.kind = kind}; }

// f(x) for one member with `activation`, evaluated as a [1, 1, 1] forward.
double apply(const ActivationSpec& activation, double x) {
  Activation<double> layer({activation});
  return layer.forward(TensorD({1, 1, 1}, {x}), {})[0];
}

// f'(x) from the layer's backward with dy = 1.
double derivative(const ActivationSpec& activation, double x) {
  Activation<double> layer({activation});
  const TensorD input({1, 1, 1}, {x});
  layer.forward(input, {});
  return layer.backward(TensorD({1, 1, 1}, {1.0}), true)[0];
}

// Reference values from Python's math module, e.g. 1 / (1 + math.exp(-0.4)).
TEST(Activation, ForwardMatchesClosedForms) {
  EXPECT_DOUBLE_EQ(apply({.kind = ActivationKind::sigmoid, .steepness = 0.4}, 1.0), 0.598687660112452);
  EXPECT_DOUBLE_EQ(apply({.kind = ActivationKind::sigmoid, .steepness = 2.5}, -0.8), 0.11920292202211755);
  EXPECT_DOUBLE_EQ(apply(spec(ActivationKind::tanh), 0.5), 0.46211715726000974);
  EXPECT_DOUBLE_EQ(apply(spec(ActivationKind::identity), -7.25), -7.25);
  EXPECT_DOUBLE_EQ(apply(spec(ActivationKind::relu), -1.0), 0.0);
  EXPECT_DOUBLE_EQ(apply(spec(ActivationKind::relu), 2.5), 2.5);
  EXPECT_DOUBLE_EQ(apply({.kind = ActivationKind::leaky_relu, .slope = 0.1}, -2.0), -0.2);
  EXPECT_DOUBLE_EQ(apply({.kind = ActivationKind::leaky_relu, .slope = 0.1}, 3.0), 3.0);
  EXPECT_DOUBLE_EQ(apply({.kind = ActivationKind::elu, .alpha = 1.5}, -1.0), -0.9481808382428365);
  EXPECT_DOUBLE_EQ(apply({.kind = ActivationKind::elu, .alpha = 1.5}, 0.7), 0.7);
  EXPECT_DOUBLE_EQ(apply(spec(ActivationKind::silu), 1.0), 0.7310585786300049);
  EXPECT_DOUBLE_EQ(apply(spec(ActivationKind::silu), -2.0), -0.2384058440442351);
  EXPECT_DOUBLE_EQ(apply(spec(ActivationKind::hard_sigmoid), 1.0), 4.0 / 6.0);
  EXPECT_DOUBLE_EQ(apply(spec(ActivationKind::hard_sigmoid), -3.0), 0.0);
  EXPECT_DOUBLE_EQ(apply(spec(ActivationKind::hard_sigmoid), 3.5), 1.0);
  EXPECT_DOUBLE_EQ(apply(spec(ActivationKind::hard_tanh), 2.0), 1.0);
  EXPECT_DOUBLE_EQ(apply(spec(ActivationKind::hard_tanh), -0.3), -0.3);
}

TEST(Activation, DerivativesAtChosenPoints) {
  // k y (1 − y) with y = σ(0.4)
  const double y = 0.598687660112452;
  EXPECT_NEAR(derivative({.kind = ActivationKind::sigmoid, .steepness = 0.4}, 1.0), 0.4 * y * (1 - y), 1e-15);
  EXPECT_NEAR(derivative(spec(ActivationKind::tanh), 0.5), 1 - 0.46211715726000974 * 0.46211715726000974, 1e-15);
  EXPECT_DOUBLE_EQ(derivative({.kind = ActivationKind::elu, .alpha = 1.5}, -1.0), 1.5 * std::exp(-1.0));
  EXPECT_DOUBLE_EQ(derivative(spec(ActivationKind::hard_sigmoid), 0.5), 1.0 / 6.0);
  EXPECT_DOUBLE_EQ(derivative(spec(ActivationKind::hard_tanh), 0.5), 1.0);
}

// PyTorch's choices at the kinks.
TEST(Activation, DerivativesAtKinksFollowPyTorch) {
  EXPECT_EQ(derivative(spec(ActivationKind::relu), 0.0), 0.0);
  EXPECT_EQ(derivative({.kind = ActivationKind::leaky_relu, .slope = 0.2}, 0.0), 0.2);
  EXPECT_EQ(derivative({.kind = ActivationKind::elu, .alpha = 1.5}, 0.0), 1.5);
  EXPECT_EQ(derivative(spec(ActivationKind::hard_sigmoid), 3.0), 0.0);
  EXPECT_EQ(derivative(spec(ActivationKind::hard_sigmoid), -3.0), 0.0);
  EXPECT_EQ(derivative(spec(ActivationKind::hard_tanh), 1.0), 0.0);
  EXPECT_EQ(derivative(spec(ActivationKind::hard_tanh), -1.0), 0.0);
}

ActivationSpec step(StepLevels levels, StraightThrough surrogate = StraightThrough::identity) {
  return {.kind = ActivationKind::step, .levels = levels, .straight_through = surrogate};
}

// Off at 0 and −0 (torch.heaviside(x, values=0); for sign levels −1 where torch.sign(0) = 0),
// on for the smallest positive inputs, off for a NaN.
TEST(Activation, StepForwardAtAndAroundZero) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (const auto& [levels, off] : {std::pair{StepLevels::binary, 0.0}, std::pair{StepLevels::sign, -1.0}}) {
    SCOPED_TRACE(step_levels_name(levels));
    for (const double x : {0.0, -0.0, -1e-300, -std::numeric_limits<double>::denorm_min(), -2.0, -1e300, nan})
      EXPECT_EQ(apply(step(levels), x), off) << x;
    for (const double x : {std::numeric_limits<double>::denorm_min(), 1e-300, 0.5, 2.0, 1e300})
      EXPECT_EQ(apply(step(levels), x), 1.0) << x;
    Activation<float> layer({step(levels)});
    const Tensor& y = layer.forward(Tensor({1, 1, 4}, {0.0f, -0.0f, 1e-45f, -1e-45f}), {});
    EXPECT_EQ(y[0], static_cast<float>(off));
    EXPECT_EQ(y[1], static_cast<float>(off));
    EXPECT_EQ(y[2], 1.0f);
    EXPECT_EQ(y[3], static_cast<float>(off));
  }
}

// The step's backward is dy times the chosen surrogate slope, never its true derivative (0).
// σ'(x) = σ(x) (1 − σ(x)) from Python's math module:
//   s = 1 / (1 + math.exp(-x)); s * (1 - s)       (and 2 * s * (1 - s) for sign levels)
TEST(Activation, StepBackwardIsTheStraightThroughSurrogate) {
  for (const StepLevels levels : {StepLevels::binary, StepLevels::sign}) {
    SCOPED_TRACE(step_levels_name(levels));
    const double scale = levels == StepLevels::binary ? 1.0 : 2.0;
    for (const double x : {-5.0, -0.0, 0.0, 0.3, 7.0})
      EXPECT_EQ(derivative(step(levels, StraightThrough::identity), x), 1.0) << x;
    const ActivationSpec sigmoid = step(levels, StraightThrough::sigmoid);
    EXPECT_EQ(derivative(sigmoid, 0.0), 0.25 * scale);
    EXPECT_NEAR(derivative(sigmoid, 1.5), scale * 0.14914645207033286, 1e-15);
    EXPECT_NEAR(derivative(sigmoid, -0.7), scale * 0.22171287329310907, 1e-15);
    EXPECT_NEAR(derivative(sigmoid, 4.0), scale * 0.017662706213291107, 1e-15);
    // 1{|x| <= 1}: the ends included, unlike hard_tanh's own slope
    const ActivationSpec hard_tanh = step(levels, StraightThrough::hard_tanh);
    for (const double x : {-1.0, -0.5, 0.0, 0.999, 1.0}) EXPECT_EQ(derivative(hard_tanh, x), 1.0) << x;
    for (const double x : {-1.0000001, 1.0000001, -3.0, 40.0}) EXPECT_EQ(derivative(hard_tanh, x), 0.0) << x;
  }
  // dy scales the surrogate: dx = dy g(x), per element, members with their own inputs.
  Activation<double> layer({step(StepLevels::sign, StraightThrough::hard_tanh), step(StepLevels::sign, StraightThrough::hard_tanh)});
  const TensorD input({2, 1, 2}, {0.5, 2.0, -1.0, 0.0});  // kept alive: backward reads it
  layer.forward(input, {});
  const TensorD& dx = layer.backward(TensorD({2, 1, 2}, {3.0, 3.0, -0.25, 1.5}), true);
  EXPECT_EQ(dx[0], 3.0);
  EXPECT_EQ(dx[1], 0.0);
  EXPECT_EQ(dx[2], -0.25);
  EXPECT_EQ(dx[3], 1.5);
}

TEST(Activation, SigmoidIsStableForLargeInputs) {
  for (const double x : {-1000.0, -300.0, 300.0, 1000.0}) {
    // σ(−3000) underflows to 0; σ(−900) ≈ 1e-391 is 0 in double too; σ(large) rounds to 1.
    const double value = apply({.kind = ActivationKind::sigmoid, .steepness = 3.0}, x);
    EXPECT_EQ(value, x > 0 ? 1.0 : 0.0) << x;
    const double slope = derivative({.kind = ActivationKind::sigmoid, .steepness = 3.0}, x);
    EXPECT_TRUE(std::isfinite(slope) && slope >= 0 && slope < 1e-100) << x;
  }
  // Float: exp(88+) overflows a float; the stable form must still give 0 and 1.
  Activation<float> layer({spec(ActivationKind::sigmoid)});
  const Tensor& y = layer.forward(Tensor({1, 1, 2}, {-200.0f, 200.0f}), {});
  EXPECT_EQ(y[0], 0.0f);
  EXPECT_EQ(y[1], 1.0f);
  EXPECT_EQ(apply(spec(ActivationKind::silu), -1000.0), -0.0);
}

TEST(Activation, SoftmaxRowsSumToOneAndSurviveLargeInputs) {
  Activation<double> layer({spec(ActivationKind::softmax)});
  const TensorD input({1, 2, 3}, {1000, 1000, 999, -3, 0.5, 2});
  const TensorD& y = layer.forward(input, {});
  // e^0 / (2 + e^−1) and e^−1 / (2 + e^−1), from Python's math module
  EXPECT_DOUBLE_EQ(y[0], 0.4223187982515182);
  EXPECT_DOUBLE_EQ(y[1], 0.4223187982515182);
  EXPECT_DOUBLE_EQ(y[2], 0.15536240349696362);
  for (int row = 0; row < 2; ++row) EXPECT_NEAR(y[row * 3] + y[row * 3 + 1] + y[row * 3 + 2], 1.0, 1e-15);
  Activation<float> single({spec(ActivationKind::softmax)});
  const Tensor& yf = single.forward(Tensor({1, 1, 2}, {1000.0f, -1000.0f}), {});
  EXPECT_EQ(yf[0], 1.0f);
  EXPECT_EQ(yf[1], 0.0f);
}

TEST(Activation, MembersUseTheirOwnParameters) {
  Activation<double> layer(
      {{.kind = ActivationKind::sigmoid, .steepness = 0.4}, {.kind = ActivationKind::sigmoid, .steepness = 2.5}});
  const TensorD& y = layer.forward(TensorD({1, 1, 1}, {1.0}), {});  // shared input
  ASSERT_EQ(y.shape(), (Shape{2, 1, 1}));
  EXPECT_DOUBLE_EQ(y[0], 0.598687660112452);
  EXPECT_DOUBLE_EQ(y[1], 1.0 / (1.0 + std::exp(-2.5)));
}

TEST(Activation, RejectsBadSpecs) {
  EXPECT_THROW(Activation<double>({{.kind = ActivationKind::sigmoid, .steepness = 0.0}}), std::invalid_argument);
  EXPECT_THROW(Activation<double>({spec(ActivationKind::relu), spec(ActivationKind::tanh)}), std::invalid_argument);
  EXPECT_THROW(Activation<double>(std::vector<ActivationSpec>{}), std::invalid_argument);
  // A step's levels and estimator are structure: every member has the same.
  EXPECT_THROW(Activation<double>({step(StepLevels::binary), step(StepLevels::sign)}), std::invalid_argument);
  EXPECT_THROW(Activation<double>({step(StepLevels::binary), step(StepLevels::binary, StraightThrough::sigmoid)}),
               std::invalid_argument);
  EXPECT_EQ(Activation<float>({spec(ActivationKind::leaky_relu)}).kind(), "leaky_relu");
}

// The element loops are compiled for every SIMD target (core/simd_dispatch.hpp): each target's
// forward and backward, over 2 x 100 x 400 floats (threaded in pieces) spanning the forms' ranges
// with their edge values, are the scalar target's bit for bit (a NaN: a NaN).
TEST(Activation, EveryElementwiseFormGivesTheSameFloatsOnEverySimdTarget) {
  Tensor input({2, 100, 400}), grad_output({2, 100, 400});
  CounterRng rng(5, RngPurpose::data);
  for (Index i = 0; i < input.size(); ++i) {
    input[i] = static_cast<float>(rng.uniform(-25.0, 25.0) * (i % 3 == 0 ? 0.01 : 1.0));
    grad_output[i] = static_cast<float>(rng.normal());
  }
  const float edges[] = {0.0f, -0.0f, 1e-30f, -1e-30f, 0.625f, -0.625f, 3.0f, -3.0f, 89.0f, -104.0f,
                         std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity(),
                         std::numeric_limits<float>::quiet_NaN()};
  for (std::size_t e = 0; e < std::size(edges); ++e) input[static_cast<Index>(e)] = edges[e];
  const auto run = [&](const ActivationSpec& form) {
    ActivationSpec scaled = form;
    scaled.steepness = 0.7;
    scaled.slope = 0.1;
    scaled.alpha = 1.3;
    Activation<float> layer({scaled, form});
    std::pair<Tensor, Tensor> result{layer.forward(input, {}), Tensor()};
    result.second = layer.backward(grad_output, true);
    return result;
  };
  // Bit for bit, except that a NaN need only be a NaN: which operand's NaN x86 propagates, and
  // so its sign, follows the order the compiler picked for a commutative product.
  const auto same_bits = [](const Tensor& a, const Tensor& b) {
    if (a.size() != b.size()) return false;
    for (Index i = 0; i < a.size(); ++i)
      if (std::memcmp(&a[i], &b[i], sizeof(float)) != 0 && !(std::isnan(a[i]) && std::isnan(b[i]))) return false;
    return true;
  };
  std::vector<ActivationSpec> forms;
  for (const ActivationKind kind : {ActivationKind::sigmoid, ActivationKind::tanh, ActivationKind::relu, ActivationKind::leaky_relu,
                                    ActivationKind::elu, ActivationKind::silu, ActivationKind::hard_sigmoid, ActivationKind::hard_tanh})
    forms.push_back(spec(kind));
  for (const StepLevels levels : {StepLevels::binary, StepLevels::sign})
    for (const StraightThrough surrogate : {StraightThrough::identity, StraightThrough::sigmoid, StraightThrough::hard_tanh})
      forms.push_back(step(levels, surrogate));
  for (const ActivationSpec& form : forms) {
    const std::string name = activation_name(form.kind) +
                             (form.kind == ActivationKind::step ? "(" + step_levels_name(form.levels) + ", " +
                                                                      straight_through_name(form.straight_through) + ")"
                                                                : std::string());
    set_simd_target(SimdTarget::scalar);
    const auto reference = run(form);
    for (const SimdTarget target : supported_simd_targets()) {
      set_simd_target(target);
      const auto result = run(form);
      EXPECT_TRUE(same_bits(reference.first, result.first)) << name << " forward on " << simd_target_name(target);
      EXPECT_TRUE(same_bits(reference.second, result.second)) << name << " backward on " << simd_target_name(target);
    }
  }
  set_simd_target(best_simd_target());
}

// Inputs for the gradient check: Gaussian, but pushed at least `margin` away from every kink.
// (Not for step: its true gradient is 0 almost everywhere, and its backward is a surrogate by
// design; StepBackwardIsTheStraightThroughSurrogate and model_test.cpp check that instead.)
TensorD input_away_from(const Shape& shape, std::vector<double> kinks, double margin, std::uint64_t seed) {
  TensorD input = testing::random_tensor(shape, seed, 2.0);
  for (double& x : input.span())
    for (const double kink : kinks)
      if (std::abs(x - kink) < margin) x = kink + (x < kink ? -margin : margin);
  return input;
}

struct ActivationCase {
  ActivationKind kind;
  std::vector<double> kinks;
};

class ActivationGradient : public ::testing::TestWithParam<ActivationCase> {};

// P = 3 with different k / slope / alpha per member; per-member input and shared input.
TEST_P(ActivationGradient, MatchesFiniteDifferences) {
  const ActivationCase c = GetParam();
  std::vector<ActivationSpec> members{{.kind = c.kind, .steepness = 0.4, .slope = 0.01, .alpha = 1.0},
                                      {.kind = c.kind, .steepness = 1.0, .slope = 0.2, .alpha = 0.5},
                                      {.kind = c.kind, .steepness = 2.5, .slope = -0.3, .alpha = 2.0}};
  for (const Index inputs : {Index{3}, Index{1}}) {
    SCOPED_TRACE("Q = " + std::to_string(inputs));
    Activation<double> layer(members);
    TensorD input = input_away_from({inputs, 4, 5}, c.kinks, 0.05, 21 + static_cast<std::uint64_t>(inputs));
    check_layer_gradients(layer, input);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Kinds, ActivationGradient,
    ::testing::Values(ActivationCase{ActivationKind::identity, {}}, ActivationCase{ActivationKind::sigmoid, {}},
                      ActivationCase{ActivationKind::tanh, {}}, ActivationCase{ActivationKind::relu, {0.0}},
                      ActivationCase{ActivationKind::leaky_relu, {0.0}}, ActivationCase{ActivationKind::elu, {0.0}},
                      ActivationCase{ActivationKind::silu, {}},
                      ActivationCase{ActivationKind::hard_sigmoid, {-3.0, 3.0}},
                      ActivationCase{ActivationKind::hard_tanh, {-1.0, 1.0}},
                      ActivationCase{ActivationKind::softmax, {}}),
    [](const auto& info) { return activation_name(info.param.kind); });

}  // namespace
}  // namespace nnlab
