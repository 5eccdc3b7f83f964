#include "nn/init.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <numeric>
#include <vector>

#include "nn/model.hpp"

namespace nnlab {
namespace {

constexpr Index rows = 300, cols = 784;  // a 784 -> 300 layer: fan_out 300, fan_in 784

std::vector<double> weight(const InitSpec& spec, std::uint64_t seed = 7, int layer = 0, Index out = rows,
                           Index in = cols) {
  std::vector<double> values(static_cast<std::size_t>(out * in));
  init_weight<double>(spec, seed, layer, out, in, values);
  return values;
}

struct Moments {
  double mean, variance, largest;
};

Moments moments(const std::vector<double>& values) {
  const double n = static_cast<double>(values.size());
  const double mean = std::accumulate(values.begin(), values.end(), 0.0) / n;
  double squares = 0.0, largest = 0.0;
  for (const double v : values) {
    squares += (v - mean) * (v - mean);
    largest = std::max(largest, std::abs(v));
  }
  return {mean, squares / n, largest};
}

struct MomentCase {
  const char* name;
  InitSpec spec;
  double mean, std;  // expected
  double bound;      // uniform kinds: every |value| <= bound (0 = unbounded)
};

class InitMoments : public ::testing::TestWithParam<MomentCase> {};

// n = 235,200 samples: the sample mean is within 5 standard errors, the variance within 2 %.
TEST_P(InitMoments, MatchFormula) {
  const MomentCase c = GetParam();
  const Moments m = moments(weight(c.spec));
  const double n = static_cast<double>(rows * cols);
  EXPECT_NEAR(m.mean, c.mean, 5 * c.std / std::sqrt(n) + 1e-15);
  EXPECT_NEAR(m.variance, c.std * c.std, 0.02 * c.std * c.std + 1e-15);
  if (c.bound > 0) {
    EXPECT_LE(m.largest, c.bound);
    EXPECT_GT(m.largest, 0.999 * c.bound);  // the whole range is used
  }
}

const double in = cols, out = rows;
// A uniform on [−a, a] has standard deviation a / √3.
MomentCase uniform_case(const char* name, InitSpec spec, double bound) {
  return {name, spec, 0.0, bound / std::sqrt(3.0), bound};
}

INSTANTIATE_TEST_SUITE_P(
    Kinds, InitMoments,
    ::testing::Values(
        uniform_case("torch_default", {.kind = InitKind::torch_default}, 1 / std::sqrt(in)),
        MomentCase{"uniform", {.kind = InitKind::uniform, .low = -0.3, .high = 0.5}, 0.1, 0.8 / std::sqrt(12.0), 0.5},
        MomentCase{"normal", {.kind = InitKind::normal, .mean = 0.25, .std = 0.1}, 0.25, 0.1, 0},
        uniform_case("xavier_uniform", {.kind = InitKind::xavier_uniform, .gain = 2.0}, 2 * std::sqrt(6 / (in + out))),
        MomentCase{
            "xavier_normal", {.kind = InitKind::xavier_normal, .gain = 0.5}, 0, 0.5 * std::sqrt(2 / (in + out)), 0},
        uniform_case("he_uniform", {.kind = InitKind::he_uniform}, std::sqrt(6 / in)),
        MomentCase{"he_normal", {.kind = InitKind::he_normal}, 0, std::sqrt(2 / in), 0},
        uniform_case("lecun_uniform", {.kind = InitKind::lecun_uniform, .gain = 3.0}, 3 * std::sqrt(3 / in)),
        MomentCase{"lecun_normal", {.kind = InitKind::lecun_normal}, 0, std::sqrt(1 / in), 0},
        // Entries of a random orthogonal 300 x 784 matrix: mean 0, variance 1 / 784 (rows have unit norm).
        MomentCase{"orthogonal", {.kind = InitKind::orthogonal}, 0, std::sqrt(1 / in), 0}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(Init, ConstantAndZeros) {
  for (const double v : weight({.kind = InitKind::constant, .value = 0.125}, 1, 0, 3, 4)) EXPECT_EQ(v, 0.125);
  for (const double v : weight({.kind = InitKind::zeros}, 1, 0, 3, 4)) EXPECT_EQ(v, 0.0);
}

// max |(A Aᵀ)_ij − gain² δ_ij| for A [r, c] row-major.
double gram_error(const std::vector<double>& a, Index r, Index c, double gain) {
  double worst = 0.0;
  for (Index i = 0; i < r; ++i)
    for (Index j = 0; j < r; ++j) {
      double dot = 0.0;
      for (Index k = 0; k < c; ++k)
        dot += a[static_cast<std::size_t>(i * c + k)] * a[static_cast<std::size_t>(j * c + k)];
      worst = std::max(worst, std::abs(dot - (i == j ? gain * gain : 0.0)));
    }
  return worst;
}

std::vector<double> transpose(const std::vector<double>& a, Index r, Index c) {
  std::vector<double> t(a.size());
  for (Index i = 0; i < r; ++i)
    for (Index j = 0; j < c; ++j) t[static_cast<std::size_t>(j * r + i)] = a[static_cast<std::size_t>(i * c + j)];
  return t;
}

TEST(Init, OrthogonalRowsOrColumnsAreOrthonormal) {
  // Wide (rows <= cols): W Wᵀ = I. Tall: Wᵀ W = I. With gain g: g² I.
  const std::vector<double> wide = weight({.kind = InitKind::orthogonal}, 3, 0, rows, cols);
  EXPECT_LT(gram_error(wide, rows, cols, 1.0), 1e-12);
  const std::vector<double> tall = weight({.kind = InitKind::orthogonal, .gain = 2.0}, 3, 0, cols, rows);
  EXPECT_LT(gram_error(transpose(tall, cols, rows), rows, cols, 2.0), 1e-12);
  const std::vector<double> square = weight({.kind = InitKind::orthogonal}, 4, 0, 50, 50);
  EXPECT_LT(gram_error(square, 50, 50, 1.0), 1e-12);
  EXPECT_LT(gram_error(transpose(square, 50, 50), 50, 50, 1.0), 1e-12);
  // Float storage: orthonormal to float precision.
  std::vector<float> single(static_cast<std::size_t>(20 * 30));
  init_weight<float>({.kind = InitKind::orthogonal}, 3, 0, 20, 30, single);
  EXPECT_LT(gram_error(std::vector<double>(single.begin(), single.end()), 20, 30, 1.0), 1e-6);
}

TEST(Init, BiasUsesTheWeightFanInAndItsOwnStream) {
  std::vector<double> bias(300);
  init_bias<double>({.kind = InitKind::torch_default}, 7, 0, 300, 784, bias);
  const Moments m = moments(bias);
  EXPECT_LE(m.largest, 1 / std::sqrt(784.0));
  EXPECT_GT(m.largest, 0.9 / std::sqrt(784.0));
  // The bias stream (step 1) is not the weight stream (step 0).
  const std::vector<double> w = weight({.kind = InitKind::torch_default}, 7, 0, 300, 784);
  EXPECT_NE(bias[0], w[0]);
  EXPECT_THROW(init_bias<double>({.kind = InitKind::orthogonal}, 7, 0, 300, 784, bias), std::invalid_argument);
}

TEST(Init, DependsOnlyOnSeedLayerAndSpec) {
  const InitSpec spec{.kind = InitKind::he_normal};
  EXPECT_EQ(weight(spec, 11, 2, 5, 6), weight(spec, 11, 2, 5, 6));
  EXPECT_NE(weight(spec, 11, 2, 5, 6), weight(spec, 11, 3, 5, 6));
  EXPECT_NE(weight(spec, 11, 2, 5, 6), weight(spec, 12, 2, 5, 6));
  EXPECT_EQ(weight({.kind = InitKind::orthogonal}, 11, 1, 6, 9), weight({.kind = InitKind::orthogonal}, 11, 1, 6, 9));
}

TEST(Init, RejectsBadValues) {
  std::vector<double> values(6);
  EXPECT_THROW(init_weight<double>({.kind = InitKind::uniform, .low = 1, .high = 0}, 1, 0, 2, 3, values),
               std::invalid_argument);
  EXPECT_THROW(init_weight<double>({.kind = InitKind::normal, .std = -1}, 1, 0, 2, 3, values), std::invalid_argument);
  EXPECT_THROW(init_weight<double>({.kind = InitKind::zeros}, 1, 0, 3, 3, values),
               std::invalid_argument);  // wrong size
}

// Member m of a P = 5 model starts from the same weights as a P = 1 model with its seed.
TEST(Init, MemberWeightsDoNotDependOnPopulation) {
  ModelSpec spec{.inputs = 6, .layers = std::vector<LayerSpec>(2)};
  spec.layers[0].units = 4;
  spec.layers[0].activation.kind = ActivationKind::tanh;
  spec.layers[1].units = 3;
  spec.layers[1].weight_init.kind = InitKind::orthogonal;
  spec.layers[1].bias_init.kind = InitKind::normal;
  const std::vector<ModelSpec> specs(5, spec);
  const std::vector<std::uint64_t> seeds{10, 11, 12, 13, 14};
  Sequential<float> population(specs, seeds, false);
  for (std::size_t m = 0; m < seeds.size(); ++m) {
    const std::vector<ModelSpec> one{spec};
    const std::vector<std::uint64_t> seed{seeds[m]};
    Sequential<float> alone(one, seed, false);
    const auto mine = population.parameters(), theirs = alone.parameters();
    ASSERT_EQ(mine.size(), theirs.size());
    for (std::size_t p = 0; p < mine.size(); ++p) {
      const Index block = theirs[p].value->size();
      ASSERT_EQ(mine[p].value->slice_size(), block);
      EXPECT_EQ(0, std::memcmp(mine[p].value->slice(static_cast<Index>(m)), theirs[p].value->data(),
                               static_cast<std::size_t>(block) * sizeof(float)))
          << mine[p].name << " member " << m;
    }
  }
}

}  // namespace
}  // namespace nnlab
