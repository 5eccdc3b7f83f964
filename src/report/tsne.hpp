// Exact t-SNE (van der Maaten & Hinton 2008): a 2-D (or 3-D) map of high-dimensional points
// (hidden activations, images) that keeps neighbours together. O(N^2) time and memory, fine for a
// few thousand points. Deterministic: seeded by CounterRng, the same floats for any thread count.
#pragma once

#include <cstdint>
#include <vector>

#include "report/chart_data.hpp"

namespace nnlab {

struct TsneOptions {
  int dimensions = 2;
  double perplexity = 30.0;  // effective number of neighbours; lowered to (N - 1) / 3 for few points
  int iterations = 1000;
  double learning_rate = 0.0;  // 0 = automatic: max(N / early_exaggeration / 4, 50) (Belkina et al. 2019)
  double early_exaggeration = 12.0;
  int exaggeration_iterations = 250;  // P is multiplied by early_exaggeration for these first iterations
  double initial_momentum = 0.5;
  double final_momentum = 0.8;
  int momentum_switch = 250;  // iteration from which final_momentum applies
  double min_gain = 0.01;
  std::uint64_t seed = 1;
  int kl_every = 50;  // record KL(P || Q) every this many iterations (and after the last)
};

struct KlRecord {
  int iteration = 0;  // iterations completed
  double divergence = 0.0;
};

struct TsneResult {
  Matrix embedding;          // [N, dimensions]
  std::vector<KlRecord> kl;  // KL(P || Q) with the true (not exaggerated) P
};

// `points` is [N, features], one point per row. Bad options -> InputError "tsne.<option>: <reason>".
TsneResult tsne(const Matrix& points, const TsneOptions& options = {});

// The input affinities, exposed for inspection and tests. Row i of the conditional matrix holds
// p_{j|i}, a Gaussian around point i whose width gives the row the perplexity exp(H) asked for;
// the joint matrix is (p_{j|i} + p_{i|j}) / 2N, floored at 1e-12 off the diagonal.
Matrix tsne_conditional_probabilities(const Matrix& points, double perplexity);
Matrix tsne_joint_probabilities(const Matrix& points, double perplexity);

}  // namespace nnlab
