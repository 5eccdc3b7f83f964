// Dropout and the Gaussian noise layers: the identity in evaluation, PyTorch's / Keras' noise in
// training, masks keyed by (member seed, layer, step) so a member draws the same numbers alone or
// in a population, and gradients through the drawn noise.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "nn/dropout.hpp"
#include "nn/gaussian_noise.hpp"

#include "gradient_check.hpp"

namespace nnlab {
namespace {

using testing::check_layer_gradients;
using testing::random_tensor;

constexpr ForwardContext train_at(std::int64_t step) { return ForwardContext{.mode = Mode::train, .step = step}; }
constexpr ForwardContext evaluation{.mode = Mode::eval, .step = 0};

TEST(Dropout, EvaluationIsTheIdentityAndSpreadsASharedInput) {
  Dropout<float> layer({0.5, 0.3}, {1, 2}, 0);
  const Tensor shared({1, 3, 4}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
  const Tensor& out = layer.forward(shared, evaluation);
  ASSERT_EQ(out.shape(), (Shape{2, 3, 4}));
  for (Index m = 0; m < 2; ++m)
    for (Index i = 0; i < 12; ++i) EXPECT_EQ(out.slice(m)[i], shared[i]);
  const Tensor own({2, 3, 4});
  EXPECT_EQ(&layer.forward(own, evaluation), &own) << "evaluation passes a full input through untouched";
}

// Each element is 0 or x / (1 − p); the kept fraction is 1 − p within 5 standard deviations.
TEST(Dropout, TrainingKeepsOneMinusRateAndScalesByItsInverse) {
  for (const double rate : {0.1, 0.5, 0.8}) {
    SCOPED_TRACE(rate);
    Dropout<float> layer({rate}, {7}, 3);
    const Index n = 200'000;
    Tensor input({1, 1000, 200});
    for (Index i = 0; i < n; ++i) input[i] = 1.0f + static_cast<float>(i % 7);
    const Tensor& out = layer.forward(input, train_at(11));
    const auto scale = static_cast<float>(1.0 / (1.0 - rate));
    Index kept = 0;
    for (Index i = 0; i < n; ++i) {
      if (out[i] == 0.0f) continue;
      ++kept;
      ASSERT_EQ(out[i], input[i] * scale) << i;
    }
    const double expected = (1.0 - rate) * static_cast<double>(n), sd = std::sqrt(rate * (1.0 - rate) * static_cast<double>(n));
    EXPECT_NEAR(static_cast<double>(kept), expected, 5 * sd);
  }
}

TEST(Dropout, RateZeroIsAnExactCopyInTraining) {
  Dropout<float> layer({0.0}, {3}, 0);
  const Tensor input({1, 4, 5}, -0.0f);
  const Tensor& out = layer.forward(input, train_at(5));
  EXPECT_EQ(std::memcmp(out.data(), input.data(), 20 * sizeof(float)), 0);
}

// The mask is a function of (seed, layer, step): not of P, the member's place, or a previous call.
TEST(Dropout, MasksAreKeyedByMemberSeedLayerAndStep) {
  const Tensor input = Tensor({1, 8, 64}, 1.0f);
  Dropout<float> alone({0.5}, {42}, 2);
  const Tensor lone = alone.forward(input, train_at(9));
  Dropout<float> population({0.2, 0.5, 0.7}, {5, 42, 6}, 2);
  const Tensor& together = population.forward(input, train_at(9));
  EXPECT_EQ(std::memcmp(lone.data(), together.slice(1), 512 * sizeof(float)), 0) << "member 1 draws as it would alone";
  EXPECT_EQ(std::memcmp(alone.forward(input, train_at(9)).data(), lone.data(), 512 * sizeof(float)), 0) << "repeatable";
  EXPECT_NE(std::memcmp(alone.forward(input, train_at(10)).data(), lone.data(), 512 * sizeof(float)), 0) << "a new step";
  Dropout<float> other_layer({0.5}, {42}, 3);
  EXPECT_NE(std::memcmp(other_layer.forward(input, train_at(9)).data(), lone.data(), 512 * sizeof(float)), 0) << "a new layer";
}

TEST(Dropout, GradientFlowsThroughTheMaskOnly) {
  Dropout<double> layer({0.4, 0.6}, {1, 2}, 0);
  TensorD input = random_tensor({2, 5, 7}, 3);
  check_layer_gradients(layer, input);
  TensorD shared = random_tensor({1, 5, 7}, 4);
  check_layer_gradients(layer, shared);
}

TEST(Dropout, RejectsRatesOutsideTheUnitInterval) {
  EXPECT_THROW(Dropout<float>({1.0}, {1}, 0), std::invalid_argument);
  EXPECT_THROW(Dropout<float>({-0.1}, {1}, 0), std::invalid_argument);
  EXPECT_THROW(Dropout<float>({std::nan("")}, {1}, 0), std::invalid_argument);
  EXPECT_THROW(Dropout<float>({0.5}, {1, 2}, 0), std::invalid_argument);
  Dropout<float> layer({0.5}, {1}, 0);
  EXPECT_THROW(layer.forward(Tensor({2, 3, 4}), train_at(0)), std::invalid_argument);
}

// Additive noise: x + σ z with z ~ N(0, 1): mean 0 and variance σ² of the added part.
TEST(GaussianNoise, AddsZeroMeanNoiseOfTheGivenStdInTrainingOnly) {
  GaussianNoise<float> layer(NoiseMode::additive, {0.5}, {9}, 1);
  const Index n = 200'000;
  const Tensor input({1, 1000, 200}, 2.0f);
  const Tensor& out = layer.forward(input, train_at(3));
  double sum = 0, squares = 0;
  for (Index i = 0; i < n; ++i) {
    const double added = static_cast<double>(out[i]) - 2.0;
    sum += added;
    squares += added * added;
  }
  const double mean = sum / static_cast<double>(n), variance = squares / static_cast<double>(n) - mean * mean;
  EXPECT_NEAR(mean, 0.0, 5 * 0.5 / std::sqrt(static_cast<double>(n)));
  EXPECT_NEAR(variance, 0.25, 5 * 0.25 * std::sqrt(2.0 / static_cast<double>(n)));
  const Tensor& evaluated = layer.forward(input, evaluation);
  for (Index i = 0; i < n; i += 997) EXPECT_EQ(evaluated[i], 2.0f);
}

// Multiplicative noise (Keras GaussianDropout): x · n with n ~ N(1, p / (1 − p)).
TEST(GaussianNoise, GaussianDropoutMultipliesByNoiseOfMeanOne) {
  const double rate = 0.3, variance_expected = rate / (1.0 - rate);
  GaussianNoise<float> layer(NoiseMode::multiplicative, {rate}, {9}, 1);
  const Index n = 200'000;
  const Tensor input({1, 1000, 200}, 3.0f);
  const Tensor& out = layer.forward(input, train_at(3));
  double sum = 0, squares = 0;
  for (Index i = 0; i < n; ++i) {
    const double factor = static_cast<double>(out[i]) / 3.0;
    sum += factor;
    squares += factor * factor;
  }
  const double mean = sum / static_cast<double>(n), variance = squares / static_cast<double>(n) - mean * mean;
  EXPECT_NEAR(mean, 1.0, 5 * std::sqrt(variance_expected / static_cast<double>(n)));
  EXPECT_NEAR(variance, variance_expected, 5 * variance_expected * std::sqrt(2.0 / static_cast<double>(n)));
}

TEST(GaussianNoise, DrawsAreKeyedAndGradientsMatchFiniteDifferences) {
  const Tensor input = Tensor({1, 8, 30}, 1.0f);
  GaussianNoise<float> alone(NoiseMode::additive, {0.1}, {42}, 0);
  const Tensor lone = alone.forward(input, train_at(4));
  GaussianNoise<float> population(NoiseMode::additive, {0.3, 0.1}, {5, 42}, 0);
  EXPECT_EQ(std::memcmp(lone.data(), population.forward(input, train_at(4)).slice(1), 240 * sizeof(float)), 0);

  for (const NoiseMode mode : {NoiseMode::additive, NoiseMode::multiplicative}) {
    GaussianNoise<double> layer(mode, {0.2, 0.4}, {1, 2}, 0);
    TensorD x = random_tensor({2, 4, 6}, 5);
    check_layer_gradients(layer, x);
    TensorD shared = random_tensor({1, 4, 6}, 6);
    check_layer_gradients(layer, shared);
  }
}

TEST(GaussianNoise, RejectsBadScales) {
  EXPECT_THROW(GaussianNoise<float>(NoiseMode::additive, {-0.1}, {1}, 0), std::invalid_argument);
  EXPECT_THROW(GaussianNoise<float>(NoiseMode::additive, {INFINITY}, {1}, 0), std::invalid_argument);
  EXPECT_THROW(GaussianNoise<float>(NoiseMode::multiplicative, {1.0}, {1}, 0), std::invalid_argument);
}

}  // namespace
}  // namespace nnlab
