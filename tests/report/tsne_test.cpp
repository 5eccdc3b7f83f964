// t-SNE: calibrated affinities, separated clusters, falling KL divergence, determinism.
#include "report/tsne.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "core/threads.hpp"

namespace nnlab {
namespace {

constexpr std::size_t cluster_size = 50;

// Three Gaussian clusters (unit spread) in 50-D whose centres lie 12 apart along different axes.
Matrix three_clusters(std::vector<int>& labels) {
  constexpr std::size_t features = 50;
  Matrix points{.rows = 3 * cluster_size, .columns = features};
  CounterRng rng(42, RngPurpose::data);
  for (int cluster = 0; cluster < 3; ++cluster) {
    for (std::size_t i = 0; i < cluster_size; ++i) {
      for (std::size_t f = 0; f < features; ++f) {
        const double centre = f == static_cast<std::size_t>(cluster) ? 12.0 / std::sqrt(2.0) : 0.0;
        points.values.push_back(centre + rng.normal());
      }
      labels.push_back(cluster);
    }
  }
  return points;
}

// Share of points whose nearest other point in the embedding has the same label.
double nearest_neighbour_agreement(const Matrix& embedding, const std::vector<int>& labels) {
  std::size_t agreeing = 0;
  for (std::size_t i = 0; i < embedding.rows; ++i) {
    double nearest = std::numeric_limits<double>::infinity();
    std::size_t neighbour = i;
    for (std::size_t j = 0; j < embedding.rows; ++j) {
      if (j == i) continue;
      double squared = 0;
      for (std::size_t d = 0; d < embedding.columns; ++d)
        squared += std::pow(embedding.at(i, d) - embedding.at(j, d), 2);
      if (squared < nearest) {
        nearest = squared;
        neighbour = j;
      }
    }
    agreeing += labels[i] == labels[neighbour];
  }
  return static_cast<double>(agreeing) / static_cast<double>(embedding.rows);
}

TEST(Tsne, ConditionalRowsHaveTheAskedPerplexity) {
  std::vector<int> labels;
  const Matrix points = three_clusters(labels);
  const Matrix conditional = tsne_conditional_probabilities(points, 20);
  for (std::size_t i = 0; i < points.rows; i += 17) {
    double sum = 0;
    double entropy = 0;  // natural log, so perplexity = exp(H)
    for (std::size_t j = 0; j < points.rows; ++j) {
      const double p = conditional.at(i, j);
      sum += p;
      if (p > 0) entropy -= p * std::log(p);
    }
    EXPECT_NEAR(sum, 1.0, 1e-12) << i;
    EXPECT_NEAR(std::exp(entropy), 20.0, 20.0 * 1e-4) << i;
    EXPECT_EQ(conditional.at(i, i), 0.0);
  }
}

TEST(Tsne, JointProbabilitiesAreSymmetricAndSumToOne) {
  std::vector<int> labels;
  const Matrix points = three_clusters(labels);
  const Matrix joint = tsne_joint_probabilities(points, 30);
  double sum = 0;
  for (std::size_t i = 0; i < joint.rows; ++i) {
    for (std::size_t j = 0; j < joint.columns; ++j) {
      sum += joint.at(i, j);
      EXPECT_EQ(joint.at(i, j), joint.at(j, i));
    }
  }
  EXPECT_NEAR(sum, 1.0, 1e-6);  // up to the 1e-12 floors
}

TEST(Tsne, EquidistantPointsGiveUniformAffinities) {
  // The corners of a regular simplex (unit vectors): every pair is sqrt(2) apart, so p_ij = 1 / (N (N - 1)).
  Matrix corners{.rows = 4, .columns = 4, .values = {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1}};
  const Matrix joint = tsne_joint_probabilities(corners, 1);
  for (std::size_t i = 0; i < 4; ++i) {
    for (std::size_t j = 0; j < 4; ++j) EXPECT_NEAR(joint.at(i, j), i == j ? 0.0 : 1.0 / 12, 1e-12);
  }
}

TEST(Tsne, SeparatesThreeClustersAndLowersKl) {
  std::vector<int> labels;
  const Matrix points = three_clusters(labels);
  const TsneResult result = tsne(points, {.iterations = 750});
  ASSERT_EQ(result.embedding.rows, points.rows);
  ASSERT_EQ(result.embedding.columns, 2u);
  for (const double value : result.embedding.values) ASSERT_TRUE(std::isfinite(value));
  EXPECT_GT(nearest_neighbour_agreement(result.embedding, labels), 0.95);

  // Recorded every 50 iterations and after the last.
  ASSERT_EQ(result.kl.size(), 15u);
  EXPECT_EQ(result.kl.front().iteration, 50);
  EXPECT_EQ(result.kl.back().iteration, 750);
  EXPECT_LT(result.kl.back().divergence, result.kl.front().divergence);
  // Once the early exaggeration ends (250 iterations) plain gradient descent on KL keeps lowering it.
  for (std::size_t i = 0; i < result.kl.size(); ++i) {
    if (result.kl[i].iteration <= 300) continue;
    EXPECT_LE(result.kl[i].divergence, result.kl[i - 1].divergence * 1.001)
        << "at iteration " << result.kl[i].iteration;
  }
  EXPECT_GT(result.kl.back().divergence, 0);
}

TEST(Tsne, SameSeedSameMapWhateverTheThreadCount) {
  std::vector<int> labels;
  const Matrix points = three_clusters(labels);
  const TsneOptions options{.perplexity = 10, .iterations = 120, .seed = 3};
  set_thread_count(1);
  const TsneResult single = tsne(points, options);
  set_thread_count(2);
  const TsneResult two = tsne(points, options);
  set_thread_count(0);
  EXPECT_EQ(single.embedding.values, two.embedding.values);
  EXPECT_EQ(single.kl.back().divergence, two.kl.back().divergence);
  const TsneResult other_seed = tsne(points, {.perplexity = 10, .iterations = 120, .seed = 4});
  EXPECT_NE(single.embedding.values, other_seed.embedding.values);
}

TEST(Tsne, TinyInputs) {
  EXPECT_EQ(tsne(Matrix{}).embedding.rows, 0u);
  const TsneResult one = tsne(Matrix{.rows = 1, .columns = 3, .values = {1, 2, 3}});
  EXPECT_EQ(one.embedding.values, (std::vector<double>{0, 0}));
  // Five points with the default perplexity 30: lowered to what five points allow.
  const TsneResult five = tsne(Matrix{.rows = 5, .columns = 1, .values = {0, 1, 2, 10, 11}}, {.iterations = 300});
  for (const double value : five.embedding.values) EXPECT_TRUE(std::isfinite(value));
}

TEST(Tsne, BadOptionsNameTheOption) {
  const Matrix points{.rows = 3, .columns = 1, .values = {0, 1, 2}};
  try {
    tsne(points, {.iterations = 0});
    FAIL() << "expected InputError";
  } catch (const InputError& error) {
    EXPECT_STREQ(error.what(), "tsne.iterations: must be >= 1, got 0");
  }
  EXPECT_THROW(tsne(points, {.perplexity = -1}), InputError);
  EXPECT_THROW(tsne(points, {.dimensions = 4}), InputError);
  const Matrix with_nan{.rows = 2, .columns = 1, .values = {0, std::nan("")}};
  EXPECT_THROW(tsne(with_nan), InputError);
}

}  // namespace
}  // namespace nnlab
