#include "experiment/mirror_solution.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace nnlab {

bool in_ratio_1_2_4(double a, double b, double c) {
  std::array<double, 3> magnitude = {std::abs(a), std::abs(b), std::abs(c)};
  std::sort(magnitude.begin(), magnitude.end());
  const double unit = magnitude[0];
  const auto near = [](double ratio, double target) { return std::abs(ratio - target) <= mirror_ratio_tolerance * target; };
  return unit > 0 && near(magnitude[1] / unit, 2.0) && near(magnitude[2] / unit, 4.0);
}

MirrorSolution check_mirror_solution(std::span<const float> hidden_weights, std::span<const float> hidden_biases,
                                     std::span<const float> output_weights, std::span<const float> output_bias) {
  (void)output_weights;
  MirrorSolution result;
  result.mirrored = true;
  result.ratio_1_2_4 = true;
  for (int unit = 0; unit < 2; ++unit) {
    const float* w = hidden_weights.data() + unit * 6;
    std::array<double, 3> magnitude{};
    for (int i = 0; i < 3; ++i) {
      const double a = w[i], b = w[5 - i];
      const double size = std::max(std::abs(a), std::abs(b));
      // Equal in size, opposite in sign: their sum is small against their size.
      if (!(a * b < 0 && std::abs(a + b) <= mirror_pair_tolerance * size)) result.mirrored = false;
      magnitude[static_cast<std::size_t>(i)] = (std::abs(a) + std::abs(b)) / 2;
    }
    if (!in_ratio_1_2_4(magnitude[0], magnitude[1], magnitude[2])) result.ratio_1_2_4 = false;
  }
  result.hidden_opposite = true;
  for (int i = 0; i < 6; ++i)
    if (!(hidden_weights[static_cast<std::size_t>(i)] * hidden_weights[static_cast<std::size_t>(6 + i)] < 0)) result.hidden_opposite = false;
  result.hidden_biases_negative = hidden_biases[0] < 0 && hidden_biases[1] < 0;
  result.output_bias_positive = output_bias[0] > 0;
  return result;
}

}  // namespace nnlab
