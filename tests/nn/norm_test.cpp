// Batch norm and layer norm against torch.nn in float64 (golden_norm.hpp, from make_golden_norm.py),
// finite differences in training and evaluation, per-member scalars that keep a member's floats
// the same alone or in a population, and the inputs they refuse.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <span>
#include <vector>

#include "golden_norm.hpp"
#include "gradient_check.hpp"
#include "nn/batchnorm.hpp"
#include "nn/layernorm.hpp"

namespace nnlab {
namespace {

namespace golden = golden_norm;
using testing::check_layer_gradients;
using testing::random_tensor;

constexpr ForwardContext training{.mode = Mode::train, .step = 0};
constexpr ForwardContext evaluation{.mode = Mode::eval, .step = 0};

template <typename T>
TensorT<T> tensor_of(Shape shape, const std::vector<double>& values) {
  TensorT<T> result(std::move(shape));
  for (std::size_t i = 0; i < values.size(); ++i) result[static_cast<Index>(i)] = static_cast<T>(values[i]);
  return result;
}

// Largest |actual − expected| / max(|expected|, 1e-3) (absolute near zero); fails above `tolerance`.
template <typename T>
double expect_near_golden(const char* what, const TensorT<T>& actual, const std::vector<double>& expected, double tolerance) {
  EXPECT_EQ(actual.size(), static_cast<Index>(expected.size())) << what;
  double worst = 0.0;
  for (std::size_t i = 0; i < expected.size() && static_cast<Index>(i) < actual.size(); ++i)
    worst = std::max(worst, std::abs(actual[static_cast<Index>(i)] - expected[i]) / std::max(std::abs(expected[i]), 1e-3));
  EXPECT_LE(worst, tolerance) << what << " (HINT: golden values from tests/nn/make_golden_norm.py, torch "
                              << golden::torch_version << ")";
  std::printf("  %-26s max relative error %.2e\n", what, worst);
  return worst;
}

template <typename T>
BatchNorm<T> golden_batchnorm() {
  BatchNorm<T> layer(3, 1, {0.3}, {1e-3}, 0);
  layer.weight() = tensor_of<T>({1, 3}, golden::bn_weight);
  layer.bias() = tensor_of<T>({1, 3}, golden::bn_bias);
  return layer;
}

template <typename T>
void batchnorm_training_matches_torch(double tolerance) {
  BatchNorm<T> layer = golden_batchnorm<T>();
  const TensorT<T> x = tensor_of<T>({1, 5, 3}, golden::bn_x);
  expect_near_golden("bn train y", layer.forward(x, training), golden::bn_train_y, tolerance);
  expect_near_golden("bn train running_mean", layer.running_mean(), golden::bn_train_running_mean, tolerance);
  expect_near_golden("bn train running_var", layer.running_var(), golden::bn_train_running_var, tolerance);
  EXPECT_EQ(layer.batches_tracked()[0], T{1});
  for (auto& parameter : layer.parameters()) parameter.grad->zero();
  expect_near_golden("bn train dx", layer.backward(tensor_of<T>({1, 5, 3}, golden::bn_g), true), golden::bn_train_dx, tolerance);
  expect_near_golden("bn train dweight", *layer.parameters()[0].grad, golden::bn_train_dweight, tolerance);
  expect_near_golden("bn train dbias", *layer.parameters()[1].grad, golden::bn_train_dbias, tolerance);
}

TEST(BatchNorm, TrainingMatchesTorchInDouble) { batchnorm_training_matches_torch<double>(1e-9); }
TEST(BatchNorm, TrainingMatchesTorchInFloat) { batchnorm_training_matches_torch<float>(1e-4); }

template <typename T>
void batchnorm_evaluation_matches_torch(double tolerance) {
  BatchNorm<T> layer = golden_batchnorm<T>();
  for (const auto* batch : {&golden::bn_more_0, &golden::bn_more_1, &golden::bn_more_2})
    layer.forward(tensor_of<T>({1, 5, 3}, *batch), training);
  expect_near_golden("bn eval running_mean", layer.running_mean(), golden::bn_eval_running_mean, tolerance);
  expect_near_golden("bn eval running_var", layer.running_var(), golden::bn_eval_running_var, tolerance);
  EXPECT_EQ(layer.batches_tracked()[0], static_cast<T>(golden::bn_eval_batches_tracked));
  const TensorT<T> x = tensor_of<T>({1, 5, 3}, golden::bn_x);
  expect_near_golden("bn eval y", layer.forward(x, evaluation), golden::bn_eval_y, tolerance);
  for (auto& parameter : layer.parameters()) parameter.grad->zero();
  expect_near_golden("bn eval dx", layer.backward(tensor_of<T>({1, 5, 3}, golden::bn_g), true), golden::bn_eval_dx, tolerance);
  expect_near_golden("bn eval dweight", *layer.parameters()[0].grad, golden::bn_eval_dweight, tolerance);
  expect_near_golden("bn eval dbias", *layer.parameters()[1].grad, golden::bn_eval_dbias, tolerance);
  EXPECT_EQ(layer.batches_tracked()[0], static_cast<T>(golden::bn_eval_batches_tracked)) << "evaluation counts no batch";
}

TEST(BatchNorm, EvaluationWithRunningStatisticsMatchesTorchInDouble) { batchnorm_evaluation_matches_torch<double>(1e-9); }
TEST(BatchNorm, EvaluationWithRunningStatisticsMatchesTorchInFloat) { batchnorm_evaluation_matches_torch<float>(1e-4); }

template <typename T>
void layernorm_matches_torch(double tolerance) {
  LayerNorm<T> layer(5, {1e-4}, 2);
  layer.weight() = tensor_of<T>({1, 5}, golden::ln_weight);
  layer.bias() = tensor_of<T>({1, 5}, golden::ln_bias);
  const TensorT<T> x = tensor_of<T>({1, 4, 5}, golden::ln_x);
  for (const ForwardContext& context : {training, evaluation}) {
    expect_near_golden("ln y", layer.forward(x, context), golden::ln_y, tolerance);
    for (auto& parameter : layer.parameters()) parameter.grad->zero();
    expect_near_golden("ln dx", layer.backward(tensor_of<T>({1, 4, 5}, golden::ln_g), true), golden::ln_dx, tolerance);
    expect_near_golden("ln dweight", *layer.parameters()[0].grad, golden::ln_dweight, tolerance);
    expect_near_golden("ln dbias", *layer.parameters()[1].grad, golden::ln_dbias, tolerance);
  }
}

TEST(LayerNorm, MatchesTorchInDouble) { layernorm_matches_torch<double>(1e-9); }
TEST(LayerNorm, MatchesTorchInFloat) { layernorm_matches_torch<float>(1e-4); }

// Channels of S values (a conv layer's [C, H, W] flattened): each channel is normalised over B · S.
TEST(BatchNorm, NormalisesEachChannelOverBatchAndPositions) {
  BatchNorm<double> layer(2, 3, {0.1}, {1e-5}, 0);
  const TensorD x = random_tensor({1, 4, 6}, 3, 2.0);
  const TensorD& y = layer.forward(x, training);
  for (Index c = 0; c < 2; ++c) {
    double sum = 0.0, squares = 0.0;
    for (Index b = 0; b < 4; ++b)
      for (Index s = 0; s < 3; ++s) {
        const double v = y[b * 6 + c * 3 + s];
        sum += v;
        squares += v * v;
      }
    EXPECT_NEAR(sum / 12.0, 0.0, 1e-12) << c;
    EXPECT_NEAR(squares / 12.0, 1.0, 1e-5) << c;  // biased variance, minus eps's share
  }
}

TEST(BatchNorm, GradientsMatchFiniteDifferences) {
  for (const Index spatial : {Index{1}, Index{3}}) {
    SCOPED_TRACE(spatial);
    BatchNorm<double> layer(2, spatial, {0.1, 0.5}, {1e-5, 1e-2}, 1);
    for (Index m = 0; m < 2; ++m)
      for (Index c = 0; c < 2; ++c) {
        layer.weight().slice(m)[c] = 0.5 + static_cast<double>(m + c);
        layer.bias().slice(m)[c] = 0.1 * static_cast<double>(c - m);
      }
    TensorD shared = random_tensor({1, 5, 2 * spatial}, 11, 1.5);
    check_layer_gradients(layer, shared, {.tolerance = 1e-5});
    TensorD own = random_tensor({2, 4, 2 * spatial}, 12);
    check_layer_gradients(layer, own, {.tolerance = 1e-5});
  }
}

// Evaluation uses the running statistics: x̂ is affine in x there.
TEST(BatchNorm, EvaluationGradientsMatchFiniteDifferences) {
  BatchNorm<double> layer(3, 1, {0.4, 0.9}, {1e-5, 1e-3}, 0);
  layer.forward(random_tensor({2, 6, 3}, 21, 3.0), training);  // running statistics away from 0 and 1
  layer.weight().fill(1.7);
  TensorD input = random_tensor({2, 6, 3}, 22);
  struct Evaluating final : Layer<double> {
    BatchNorm<double>& inner;
    explicit Evaluating(BatchNorm<double>& layer) : inner(layer) {}
    std::string kind() const override { return "eval"; }
    Index population() const override { return inner.population(); }
    Index output_features(Index f) const override { return f; }
    const TensorD& forward(const TensorD& x, const ForwardContext&) override { return inner.forward(x, evaluation); }
    const TensorD& backward(const TensorD& g, bool need) override { return inner.backward(g, need); }
    std::vector<ParameterRef<double>> parameters() override { return inner.parameters(); }
  } evaluating(layer);
  check_layer_gradients(evaluating, input, {.tolerance = 1e-6});
}

TEST(LayerNorm, GradientsMatchFiniteDifferences) {
  LayerNorm<double> layer(7, {1e-5, 0.1}, 0);
  for (Index i = 0; i < layer.weight().size(); ++i) layer.weight()[i] = 0.3 + 0.1 * static_cast<double>(i);
  TensorD shared = random_tensor({1, 3, 7}, 31, 2.0);
  check_layer_gradients(layer, shared, {.tolerance = 1e-5});
  TensorD own = random_tensor({2, 3, 7}, 32);
  check_layer_gradients(layer, own, {.tolerance = 1e-5});
}

bool same_bits(const Tensor& a, const float* b, Index count) { return std::memcmp(a.data(), b, static_cast<std::size_t>(count) * sizeof(float)) == 0; }

// Member 1 of a population with per-member momentum and eps computes the floats it computes alone:
// outputs, gradients and running statistics over several steps (with enough rows for threads).
TEST(BatchNorm, AMemberComputesTheSameFloatsAloneAndInAPopulation) {
  const std::vector<double> momenta{0.1, 0.7, 0.0}, eps{1e-5, 1e-2, 1e-3};
  BatchNorm<float> population(40, 1, momenta, eps, 0), alone(40, 1, {0.7}, {1e-2}, 0);
  LayerNorm<float> population_ln(40, eps, 1), alone_ln(40, {1e-2}, 1);
  for (int step = 0; step < 3; ++step) {
    Tensor x({3, 600, 40});
    CounterRng rng(5, RngPurpose::data, static_cast<std::uint64_t>(step));
    for (float& v : x.span()) v = static_cast<float>(rng.normal() * 2.0 + 1.0);
    const Tensor x1 = Tensor::view({1, 600, 40}, x.slice(1));
    const Tensor g = x;  // any gradient will do
    const Tensor g1 = Tensor::view({1, 600, 40}, g.slice(1));
    for (const bool train : {true, false}) {
      const ForwardContext context{.mode = train ? Mode::train : Mode::eval, .step = step};
      const Tensor& y = population.forward(x, context);
      const Tensor& y1 = alone.forward(x1, context);
      EXPECT_TRUE(same_bits(y1, y.slice(1), y1.size())) << step << train;
      const Tensor& dx = population.backward(g, true);
      const Tensor& dx1 = alone.backward(g1, true);
      EXPECT_TRUE(same_bits(dx1, dx.slice(1), dx1.size())) << step << train;
      EXPECT_TRUE(same_bits(alone.running_var(), population.running_var().slice(1), 40));
      EXPECT_TRUE(same_bits(alone.running_mean(), population.running_mean().slice(1), 40));
      const Tensor& z = population_ln.forward(x, context);
      const Tensor& z1 = alone_ln.forward(x1, context);
      EXPECT_TRUE(same_bits(z1, z.slice(1), z1.size()));
      const Tensor& dz = population_ln.backward(g, true);
      const Tensor& dz1 = alone_ln.backward(g1, true);
      EXPECT_TRUE(same_bits(dz1, dz.slice(1), dz1.size()));
    }
  }
  EXPECT_TRUE(same_bits(*alone.parameters()[0].grad, population.parameters()[0].grad->slice(1), 40));
  EXPECT_TRUE(same_bits(*alone_ln.parameters()[1].grad, population_ln.parameters()[1].grad->slice(1), 40));
  EXPECT_EQ(population.batches_tracked()[1], 3.0f);
  EXPECT_NE(population.running_mean()[0], 0.0f);
  EXPECT_EQ(population.running_mean().slice(2)[0], 0.0f) << "momentum 0 keeps the initial statistics";
}

// A member the trainer stopped keeps its running statistics: training forwards update only the
// members context.active marks.
TEST(BatchNorm, OnlyActiveMembersUpdateTheirRunningStatistics) {
  BatchNorm<float> layer(2, 1, {0.5, 0.5}, {1e-5, 1e-5}, 0);
  const std::vector<std::uint8_t> active{1, 0};
  layer.forward(Tensor({1, 3, 2}, {1, 2, 3, 4, 5, 9}), ForwardContext{.mode = Mode::train, .step = 0, .active = active});
  EXPECT_EQ(layer.running_mean()[0], 1.5f);  // 0.5 · 0 + 0.5 · 3
  EXPECT_EQ(layer.running_mean().slice(1)[0], 0.0f);
  EXPECT_EQ(layer.running_var().slice(1)[1], 1.0f);
  EXPECT_EQ(layer.batches_tracked()[0], 1.0f);
  EXPECT_EQ(layer.batches_tracked()[1], 0.0f);
}

TEST(BatchNorm, RefusesOneValuePerChannelInTrainingAndBadScalars) {
  BatchNorm<float> layer(3, 1, {0.1}, {1e-5}, 4);
  const Tensor one_row({1, 1, 3}, {1, 2, 3});
  try {
    layer.forward(one_row, training);
    FAIL() << "a batch of 1 was normalised";
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("layers.4 (batchnorm): expected more than 1 value per channel when training"),
              std::string::npos)
        << error.what();
  }
  EXPECT_NO_THROW(layer.forward(one_row, evaluation));  // running statistics need no batch
  BatchNorm<float> positions(1, 3, {0.1}, {1e-5}, 0);
  EXPECT_NO_THROW(positions.forward(one_row, training)) << "one example of 3 positions is 3 values";
  EXPECT_THROW(BatchNorm<float>(3, 1, {1.5}, {1e-5}, 0), std::invalid_argument);
  EXPECT_THROW(BatchNorm<float>(3, 1, {-0.1}, {1e-5}, 0), std::invalid_argument);
  EXPECT_THROW(BatchNorm<float>(3, 1, {0.1}, {0.0}, 0), std::invalid_argument);
  EXPECT_THROW(LayerNorm<float>(3, {-1e-5}, 0), std::invalid_argument);
  EXPECT_THROW(layer.forward(Tensor({1, 4, 5}), training), std::invalid_argument);  // 5 features, not 3
}

TEST(BatchNorm, NamesParametersAndBuffersLikeTorchsStateDict) {
  BatchNorm<float> layer(3, 1, {0.1, 0.2}, {1e-5, 1e-5}, 2);
  std::vector<std::string> names;
  for (const auto& parameter : layer.parameters()) names.push_back(parameter.name);
  for (const auto& buffer : layer.buffers()) names.push_back(buffer.name);
  EXPECT_EQ(names, (std::vector<std::string>{"layers.2.weight", "layers.2.bias", "layers.2.running_mean", "layers.2.running_var",
                                             "layers.2.num_batches_tracked"}));
  EXPECT_EQ(layer.buffers()[2].value->shape(), (Shape{2}));
  EXPECT_EQ(layer.running_var()[5], 1.0f);
  EXPECT_EQ(layer.weight()[4], 1.0f);
  EXPECT_EQ(layer.bias()[4], 0.0f);
}

}  // namespace
}  // namespace nnlab
