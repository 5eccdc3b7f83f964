// Adagrad as torch.optim.Adagrad (Duchi et al. 2011), eps outside the square root:
//   g = g + wd p
//   clr = lr / (1 + (t - 1) lr_decay)          (double, t = the member's update count)
//   s = s + g^2                                 (s starts at initial_accumulator_value)
//   p = p - clr g / (sqrt(s) + eps)
#include "core/simd_dispatch.hpp"
#include "optim/update_rules.hpp"

#include <cmath>

namespace nnlab {

void adagrad_update(const MemberSlice& slice, const MemberStep& step) {
  const OptimizerOptions& options = step.options;
  const double clr = step.lr / (1.0 + static_cast<double>(step.step - 1) * options.lr_decay);
  const auto minus_clr = static_cast<float>(-clr);
  const auto weight_decay = static_cast<float>(options.weight_decay);
  const auto eps = static_cast<float>(options.eps);
  const bool decay = options.weight_decay != 0;
  float* const value = slice.value;
  const float* const grad = slice.grad;
  float* const sum = slice.state[0];

  // The element loop compiled for the SIMD target (core/simd_dispatch.hpp), one loop per
  // combination of options; each element is updated by the same scalar expression on every target.
  with_simd_target_and_flags(
      [&](auto decay_flag) {
        constexpr bool decay = decltype(decay_flag)::value;
        for (Index i = 0; i < slice.count; ++i) {
          float g = grad[i];
          if constexpr (decay) g = g + weight_decay * value[i];
          sum[i] = sum[i] + g * g;
          const float std = std::sqrt(sum[i]) + eps;
          value[i] = value[i] + minus_clr * g / std;
        }
      },
      decay);
}

}  // namespace nnlab
