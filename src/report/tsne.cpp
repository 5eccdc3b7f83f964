#include "report/tsne.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <string>

#include "core/error.hpp"
#include "core/rng.hpp"

namespace nnlab {

namespace {

constexpr double min_probability = 1e-12;  // floor for P and Q: keeps log and division finite
constexpr double initial_spread = 1e-4;    // standard deviation of the random initial map
constexpr double entropy_tolerance = 1e-5;
constexpr int max_bisection_steps = 200;

std::string to_text(double value) {
  std::string text = std::to_string(value);
  text.erase(text.find_last_not_of('0') + 1);
  if (text.back() == '.') text.pop_back();
  return text;
}

void validate(const Matrix& points, const TsneOptions& options) {
  if (points.values.size() != points.rows * points.columns) throw std::invalid_argument("tsne: matrix size mismatch");
  const auto fail = [](const std::string& option, const std::string& reason) {
    throw InputError("tsne." + option + ": " + reason);
  };
  if (options.dimensions < 1 || options.dimensions > 3)
    fail("dimensions", "must be 1, 2 or 3, got " + std::to_string(options.dimensions));
  if (options.iterations < 1) fail("iterations", "must be >= 1, got " + std::to_string(options.iterations));
  if (!(options.perplexity > 0)) fail("perplexity", "must be > 0, got " + to_text(options.perplexity));
  if (!(options.learning_rate >= 0))
    fail("learning_rate", "must be >= 0 (0 = automatic), got " + to_text(options.learning_rate));
  if (!(options.early_exaggeration >= 1))
    fail("early_exaggeration", "must be >= 1, got " + to_text(options.early_exaggeration));
  if (!(options.min_gain > 0)) fail("min_gain", "must be > 0, got " + to_text(options.min_gain));
  if (options.kl_every < 1) fail("kl_every", "must be >= 1, got " + std::to_string(options.kl_every));
  for (const double value : points.values) {
    if (!std::isfinite(value)) fail("points", "contain NaN or Inf");
  }
}

// Squared Euclidean distances between all rows, [N * N].
std::vector<double> squared_distances(const Matrix& points) {
  const auto count = static_cast<std::ptrdiff_t>(points.rows);
  const std::size_t features = points.columns;
  std::vector<double> distances(points.rows * points.rows, 0.0);
#pragma omp parallel for schedule(static) if (count >= 256)  // small sets: a parallel region costs more than it saves
  for (std::ptrdiff_t i = 0; i < count; ++i) {
    const double* a = &points.values[static_cast<std::size_t>(i) * features];
    for (std::ptrdiff_t j = 0; j < count; ++j) {
      const double* b = &points.values[static_cast<std::size_t>(j) * features];
      double sum = 0;
#pragma omp simd reduction(+ : sum)
      for (std::size_t f = 0; f < features; ++f) sum += (a[f] - b[f]) * (a[f] - b[f]);
      distances[static_cast<std::size_t>(i * count + j)] = sum;
    }
  }
  return distances;
}

// Row i of the conditional probabilities p_{j|i} = exp(-beta_i d_ij) / sum_k exp(-beta_i d_ik), with
// beta_i found by bisection so that the row's entropy H = log(perplexity) (natural log).
void conditional_row(const double* distances, std::size_t count, std::size_t i, double perplexity, double* row) {
  const double target_entropy = std::log(perplexity);
  // Shifting by the nearest distance leaves p unchanged and keeps exp from underflowing for far-off points.
  double nearest = std::numeric_limits<double>::infinity();
  for (std::size_t j = 0; j < count; ++j) {
    if (j != i) nearest = std::min(nearest, distances[j]);
  }
  double beta = 1.0;
  double beta_low = 0.0;
  double beta_high = std::numeric_limits<double>::infinity();
  for (int step = 0; step < max_bisection_steps; ++step) {
    double sum = 0;
    double weighted = 0;  // sum_j d_j exp(-beta d_j), shifted distances
    for (std::size_t j = 0; j < count; ++j) {
      row[j] = j == i ? 0.0 : std::exp(-beta * (distances[j] - nearest));
      sum += row[j];
      weighted += row[j] * (distances[j] - nearest);
    }
    // H = log(sum) + beta * E[d]: the entropy of the normalised row.
    const double entropy = std::log(sum) + beta * weighted / sum;
    const double difference = entropy - target_entropy;
    for (std::size_t j = 0; j < count; ++j) row[j] /= sum;
    if (std::abs(difference) < entropy_tolerance) break;
    if (difference > 0) {  // too flat: sharpen
      beta_low = beta;
      beta = std::isinf(beta_high) ? beta * 2 : (beta + beta_high) / 2;
    } else {
      beta_high = beta;
      beta = (beta + beta_low) / 2;
    }
  }
}

std::vector<double> conditional_probabilities(const Matrix& points, double perplexity) {
  const std::size_t count = points.rows;
  const std::vector<double> distances = squared_distances(points);
  std::vector<double> conditional(count * count, 0.0);
#pragma omp parallel for schedule(static) if (count >= 256)  // small sets: a parallel region costs more than it saves
  for (std::ptrdiff_t i = 0; i < static_cast<std::ptrdiff_t>(count); ++i) {
    const auto row = static_cast<std::size_t>(i);
    conditional_row(&distances[row * count], count, row, perplexity, &conditional[row * count]);
  }
  return conditional;
}

// Symmetric joint probabilities p_ij = (p_{j|i} + p_{i|j}) / 2N, floored at min_probability.
std::vector<double> joint_probabilities(const Matrix& points, double perplexity) {
  const std::size_t count = points.rows;
  const std::vector<double> conditional = conditional_probabilities(points, perplexity);
  std::vector<double> joint(count * count, 0.0);
  const double scale = 1.0 / (2.0 * static_cast<double>(count));
  for (std::size_t i = 0; i < count; ++i) {
    for (std::size_t j = 0; j < count; ++j) {
      joint[i * count + j] =
          i == j ? 0.0 : std::max((conditional[i * count + j] + conditional[j * count + i]) * scale, min_probability);
    }
  }
  return joint;
}

// The map as one array per dimension, coordinates[d][i], so the loops over pairs read memory in order.
using Coordinates = std::array<std::vector<double>, 3>;  // dimensions beyond the map's stay empty

// Coordinate pointers for a map of `Dims` dimensions; unused ones alias dimension 0 so they stay valid.
template <int Dims>
std::array<const double*, 3> coordinate_pointers(const Coordinates& map) {
  return {map[0].data(), Dims > 1 ? map[1].data() : map[0].data(), Dims > 2 ? map[2].data() : map[0].data()};
}

// One pass over all pairs gives the gradient of KL(P || Q) and the normaliser Z:
//   w_ij = 1 / (1 + |y_i - y_j|^2),   q_ij = w_ij / Z,   Z = sum_{i != j} w_ij,
//   dC/dy_i = 4 sum_j (e p_ij - q_ij) w_ij (y_i - y_j)
//           = 4 (e sum_j p_ij w_ij (y_i - y_j)  -  (1 / Z) sum_j w_ij^2 (y_i - y_j)),
// with e the early exaggeration. Written the second way, Z is needed only after the pass. Each row is
// summed by one thread and the rows' sums are added in order, so no result depends on the thread count.
template <int Dims>
void gradient_pass(const std::vector<double>& joint, const Coordinates& map, std::size_t count, double exaggeration,
                   Coordinates& gradient) {
  const std::array<const double*, 3> coordinates = coordinate_pointers<Dims>(map);
  const double* const y0 = coordinates[0];  // plain names, not a structured binding: lambdas below capture them
  const double* const y1 = coordinates[1];
  const double* const y2 = coordinates[2];
  std::vector<double> row_sums(count, 0.0);
  Coordinates repulsion;
  for (int d = 0; d < Dims; ++d) repulsion[static_cast<std::size_t>(d)].assign(count, 0.0);
#pragma omp parallel for schedule(static) if (count >= 256)  // small sets: a parallel region costs more than it saves
  for (std::ptrdiff_t signed_row = 0; signed_row < static_cast<std::ptrdiff_t>(count); ++signed_row) {
    const auto i = static_cast<std::size_t>(signed_row);
    const double* p = &joint[i * count];
    const double own0 = y0[i];
    const double own1 = y1[i];
    const double own2 = y2[i];
    double sum = 0, pull0 = 0, pull1 = 0, pull2 = 0, push0 = 0, push1 = 0, push2 = 0;
#pragma omp simd reduction(+ : sum, pull0, pull1, pull2, push0, push1, push2)
    for (std::size_t j = 0; j < count; ++j) {
      const double d0 = own0 - y0[j];
      const double d1 = Dims > 1 ? own1 - y1[j] : 0.0;
      const double d2 = Dims > 2 ? own2 - y2[j] : 0.0;
      const double w = 1.0 / (1.0 + d0 * d0 + d1 * d1 + d2 * d2);
      const double attraction = p[j] * w;
      const double repulsion_weight = w * w;
      sum += w;
      pull0 += attraction * d0;
      pull1 += attraction * d1;
      pull2 += attraction * d2;
      push0 += repulsion_weight * d0;
      push1 += repulsion_weight * d1;
      push2 += repulsion_weight * d2;
    }
    row_sums[i] = sum - 1.0;  // w_ii = 1 is no pair; its zero difference added nothing to the other sums
    const std::array<double, 3> pulls = {pull0, pull1, pull2};
    const std::array<double, 3> pushes = {push0, push1, push2};
    for (std::size_t d = 0; d < static_cast<std::size_t>(Dims); ++d) {
      gradient[d][i] = exaggeration * pulls[d];
      repulsion[d][i] = pushes[d];
    }
  }
  double normaliser = 0;
  for (const double sum : row_sums) normaliser += sum;
  for (std::size_t d = 0; d < static_cast<std::size_t>(Dims); ++d) {
    for (std::size_t i = 0; i < count; ++i) gradient[d][i] = 4 * (gradient[d][i] - repulsion[d][i] / normaliser);
  }
}

// KL(P || Q) = sum_{i != j} p_ij log(p_ij / q_ij), with q_ij floored like p_ij.
template <int Dims>
double kl_divergence(const std::vector<double>& joint, const Coordinates& map, std::size_t count) {
  const std::array<const double*, 3> coordinates = coordinate_pointers<Dims>(map);
  const double* const y0 = coordinates[0];  // plain names, not a structured binding: lambdas below capture them
  const double* const y1 = coordinates[1];
  const double* const y2 = coordinates[2];
  const auto kernel = [&](std::size_t i, std::size_t j) {
    const double d0 = y0[i] - y0[j];
    const double d1 = Dims > 1 ? y1[i] - y1[j] : 0.0;
    const double d2 = Dims > 2 ? y2[i] - y2[j] : 0.0;
    return 1.0 / (1.0 + d0 * d0 + d1 * d1 + d2 * d2);
  };
  std::vector<double> row_sums(count, 0.0);
  std::vector<double> row_divergences(count, 0.0);
#pragma omp parallel for schedule(static) if (count >= 256)  // small sets: a parallel region costs more than it saves
  for (std::ptrdiff_t signed_row = 0; signed_row < static_cast<std::ptrdiff_t>(count); ++signed_row) {
    const auto i = static_cast<std::size_t>(signed_row);
    for (std::size_t j = 0; j < count; ++j) row_sums[i] += j == i ? 0.0 : kernel(i, j);
  }
  double normaliser = 0;
  for (const double sum : row_sums) normaliser += sum;
#pragma omp parallel for schedule(static) if (count >= 256)  // small sets: a parallel region costs more than it saves
  for (std::ptrdiff_t signed_row = 0; signed_row < static_cast<std::ptrdiff_t>(count); ++signed_row) {
    const auto i = static_cast<std::size_t>(signed_row);
    for (std::size_t j = 0; j < count; ++j) {
      if (j == i) continue;
      const double p = joint[i * count + j];
      row_divergences[i] += p * std::log(p / std::max(kernel(i, j) / normaliser, min_probability));
    }
  }
  double divergence = 0;
  for (const double row : row_divergences) divergence += row;
  return divergence;
}

// Gradient descent with momentum and per-coordinate gains on the map; records KL along the way.
template <int Dims>
std::vector<KlRecord> optimise(const std::vector<double>& joint, Coordinates& map, std::size_t count,
                               const TsneOptions& options, double learning_rate) {
  std::vector<KlRecord> history;
  Coordinates gradient;
  Coordinates update;
  Coordinates gains;
  for (std::size_t d = 0; d < static_cast<std::size_t>(Dims); ++d) {
    gradient[d].assign(count, 0.0);
    update[d].assign(count, 0.0);
    gains[d].assign(count, 1.0);
  }
  for (int iteration = 0; iteration < options.iterations; ++iteration) {
    const double exaggeration = iteration < options.exaggeration_iterations ? options.early_exaggeration : 1.0;
    const double momentum = iteration < options.momentum_switch ? options.initial_momentum : options.final_momentum;
    gradient_pass<Dims>(joint, map, count, exaggeration, gradient);
    for (std::size_t d = 0; d < static_cast<std::size_t>(Dims); ++d) {
      // Adaptive gains (Jacobs 1988): grow a coordinate's step while it keeps its direction, shrink it when the
      // gradient turns against the last step (a step goes against the gradient, so equal signs = a turn).
      for (std::size_t i = 0; i < count; ++i) {
        const bool turning = (gradient[d][i] > 0) == (update[d][i] > 0);
        gains[d][i] = std::max(turning ? gains[d][i] * 0.8 : gains[d][i] + 0.2, options.min_gain);
        update[d][i] = momentum * update[d][i] - learning_rate * gains[d][i] * gradient[d][i];
        map[d][i] += update[d][i];
      }
      // The cost ignores translation; keeping the map centred keeps the numbers small.
      double mean = 0;
      for (const double value : map[d]) mean += value;
      mean /= static_cast<double>(count);
      for (double& value : map[d]) value -= mean;
    }
    const int completed = iteration + 1;
    if (completed % options.kl_every == 0 || completed == options.iterations) {
      history.push_back({completed, kl_divergence<Dims>(joint, map, count)});
    }
  }
  return history;
}

}  // namespace

Matrix tsne_conditional_probabilities(const Matrix& points, double perplexity) {
  validate(points, TsneOptions{.perplexity = perplexity});
  return {.rows = points.rows, .columns = points.rows, .values = conditional_probabilities(points, perplexity)};
}

Matrix tsne_joint_probabilities(const Matrix& points, double perplexity) {
  validate(points, TsneOptions{.perplexity = perplexity});
  return {.rows = points.rows, .columns = points.rows, .values = joint_probabilities(points, perplexity)};
}

TsneResult tsne(const Matrix& points, const TsneOptions& options) {
  validate(points, options);
  const std::size_t count = points.rows;
  const auto dims = static_cast<std::size_t>(options.dimensions);
  TsneResult result;
  result.embedding = Matrix{.rows = count, .columns = dims, .values = std::vector<double>(count * dims, 0.0)};
  if (count < 2) return result;

  // Too few points for the requested neighbourhood: use the largest one the data can give.
  const double perplexity = std::max(1.0, std::min(options.perplexity, static_cast<double>(count - 1) / 3));
  const std::vector<double> joint = joint_probabilities(points, perplexity);
  const double learning_rate = options.learning_rate > 0
                                   ? options.learning_rate
                                   : std::max(static_cast<double>(count) / options.early_exaggeration / 4, 50.0);
  // Initial map: small Gaussian noise, drawn point by point (row-major) from the seed.
  Coordinates map;
  for (std::size_t d = 0; d < dims; ++d) map[d].resize(count);
  CounterRng rng(options.seed, RngPurpose::init);  // t-SNE's only randomness
  for (std::size_t i = 0; i < count; ++i) {
    for (std::size_t d = 0; d < dims; ++d) map[d][i] = rng.normal() * initial_spread;
  }
  switch (options.dimensions) {
    case 1:
      result.kl = optimise<1>(joint, map, count, options, learning_rate);
      break;
    case 2:
      result.kl = optimise<2>(joint, map, count, options, learning_rate);
      break;
    default:
      result.kl = optimise<3>(joint, map, count, options, learning_rate);
      break;
  }
  for (std::size_t i = 0; i < count; ++i) {
    for (std::size_t d = 0; d < dims; ++d) result.embedding.values[i * dims + d] = map[d][i];
  }
  return result;
}

}  // namespace nnlab
