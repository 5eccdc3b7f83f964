// Does a 6-2-1 network's solution of the mirror-symmetry task look like Rumelhart,
// Hinton & Williams' (1986, Fig. 1)? Each hidden unit weighs mirrored inputs equally and
// oppositely, the three pair magnitudes in the ratio 1:2:4; the two hidden units have
// opposite signs; hidden biases are negative and the output bias positive.
#pragma once

#include <optional>
#include <span>

namespace nnlab {

// Mirrored inputs i and 5−i "equal in magnitude and opposite in sign": |a + b| at most this
// share of max(|a|, |b|).
inline constexpr double mirror_pair_tolerance = 0.20;
// "In the ratio 1:2:4": the pair magnitudes, sorted and divided by the smallest, are within
// ±10 % of 2 and 4 (1.8–2.2 and 3.6–4.4). The paper's own weights (3.6, 7.1, 14.2) are
// 1 : 1.97 : 3.94, within 2 %; a binary code is what makes the eight half-patterns give eight
// evenly spaced sums, and 1 : 1.75 : 3.04 (outer weight 24 % short) no longer is one.
inline constexpr double mirror_ratio_tolerance = 0.10;

struct MirrorSolution {
  bool mirrored = false;             // w[i] ≈ −w[5−i] for both hidden units (mirror_pair_tolerance)
  bool ratio_1_2_4 = false;          // pair magnitudes ≈ 1:2:4 in some order (mirror_ratio_tolerance)
  bool hidden_opposite = false;      // the hidden units' weights have opposite signs, input by input
  bool hidden_biases_negative = false;
  bool output_bias_positive = false;
  bool matches_paper() const { return mirrored && ratio_1_2_4 && hidden_opposite && hidden_biases_negative && output_bias_positive; }
};

// Three magnitudes (any order) in the ratio 1:2:4 within mirror_ratio_tolerance.
bool in_ratio_1_2_4(double a, double b, double c);

// hidden_weights [2, 6] row-major, hidden_biases [2], output_weights [1, 2], output_bias [1].
MirrorSolution check_mirror_solution(std::span<const float> hidden_weights, std::span<const float> hidden_biases,
                                     std::span<const float> output_weights, std::span<const float> output_bias);

}  // namespace nnlab
