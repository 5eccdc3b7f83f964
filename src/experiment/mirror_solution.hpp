// Does a 6-2-1 network's solution of the mirror-symmetry task look like Rumelhart,
// Hinton & Williams' (1986, Fig. 1)? Each hidden unit weighs mirrored inputs equally and
// oppositely, in magnitudes 1:2:4 from the middle out; the two hidden units have
// opposite signs; hidden biases are negative and the output bias positive.
#pragma once

#include <optional>
#include <span>

namespace nnlab {

struct MirrorSolution {
  bool mirrored = false;             // w[i] ≈ −w[5−i] for both hidden units (within 20 % of the pair's size)
  bool ratio_1_2_4 = false;          // pair magnitudes inner:middle:outer ≈ 1:2:4 in some order (within 25 %)
  bool hidden_opposite = false;      // the hidden units' weights have opposite signs, input by input
  bool hidden_biases_negative = false;
  bool output_bias_positive = false;
  bool matches_paper() const { return mirrored && ratio_1_2_4 && hidden_opposite && hidden_biases_negative && output_bias_positive; }
};

// hidden_weights [2, 6] row-major, hidden_biases [2], output_weights [1, 2], output_bias [1].
MirrorSolution check_mirror_solution(std::span<const float> hidden_weights, std::span<const float> hidden_biases,
                                     std::span<const float> output_weights, std::span<const float> output_bias);

}  // namespace nnlab
