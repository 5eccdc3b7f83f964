// RMSprop as torch.optim.RMSprop (Hinton's lecture 6e), eps outside the square root:
//   g = g + wd p
//   v = alpha v + (1 - alpha) g^2
//   centered: a = alpha a + (1 - alpha) g;  avg = sqrt(v - a^2) + eps;  else avg = sqrt(v) + eps
//   momentum > 0: b = momentum b + g / avg;  p = p - lr b      (b starts at 0)
//   otherwise:    p = p - lr g / avg
#include "core/simd_dispatch.hpp"
#include "optim/update_rules.hpp"

#include <cmath>

namespace nnlab {

void rmsprop_update(const MemberSlice& slice, const MemberStep& step) {
  const OptimizerOptions& options = step.options;
  const auto alpha = static_cast<float>(options.alpha);
  const auto one_minus_alpha = static_cast<float>(1.0 - options.alpha);
  const auto eps = static_cast<float>(options.eps);
  const auto momentum = static_cast<float>(step.momentum);
  const auto minus_lr = static_cast<float>(-step.lr);
  const auto weight_decay = static_cast<float>(options.weight_decay);
  const bool decay = options.weight_decay != 0, centered = options.centered, use_momentum = step.momentum > 0;
  float* const value = slice.value;
  const float* const grad = slice.grad;
  float* const square_avg = slice.state[0];
  float* const momentum_buffer = slice.state[1];
  float* const grad_avg = slice.state[2];

  // The element loop compiled for the SIMD target (core/simd_dispatch.hpp), one loop per
  // combination of options; each element is updated by the same scalar expression on every target.
  with_simd_target_and_flags(
      [&](auto decay_flag, auto centered_flag, auto use_momentum_flag) {
        constexpr bool decay = decltype(decay_flag)::value;
        constexpr bool centered = decltype(centered_flag)::value;
        constexpr bool use_momentum = decltype(use_momentum_flag)::value;
        for (Index i = 0; i < slice.count; ++i) {
          float g = grad[i];
          if constexpr (decay) g = g + weight_decay * value[i];
          square_avg[i] = square_avg[i] * alpha + one_minus_alpha * g * g;
          float avg;
          if constexpr (centered) {
            grad_avg[i] = grad_avg[i] * alpha + one_minus_alpha * g;
            avg = std::sqrt(square_avg[i] - grad_avg[i] * grad_avg[i]);
          } else {
            avg = std::sqrt(square_avg[i]);
          }
          avg = avg + eps;
          if constexpr (use_momentum) {
            momentum_buffer[i] = momentum_buffer[i] * momentum + g / avg;
            value[i] = value[i] + minus_lr * momentum_buffer[i];
          } else {
            value[i] = value[i] + minus_lr * g / avg;
          }
        }
      },
      decay, centered, use_momentum);
}

}  // namespace nnlab
