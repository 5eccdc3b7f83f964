// Adadelta as torch.optim.Adadelta (Zeiler 2012), eps inside both square roots:
//   g = g + wd p
//   v = rho v + (1 - rho) g^2
//   delta = sqrt(u + eps) / sqrt(v + eps) * g
//   u = rho u + (1 - rho) delta^2
//   p = p - lr delta
#include "core/simd_dispatch.hpp"
#include "optim/update_rules.hpp"

#include <cmath>

namespace nnlab {

void adadelta_update(const MemberSlice& slice, const MemberStep& step) {
  const OptimizerOptions& options = step.options;
  const auto rho = static_cast<float>(options.rho);
  const auto one_minus_rho = static_cast<float>(1.0 - options.rho);
  const auto eps = static_cast<float>(options.eps);
  const auto minus_lr = static_cast<float>(-step.lr);
  const auto weight_decay = static_cast<float>(options.weight_decay);
  const bool decay = options.weight_decay != 0;
  float* const value = slice.value;
  const float* const grad = slice.grad;
  float* const square_avg = slice.state[0];
  float* const acc_delta = slice.state[1];

  // The element loop compiled for the SIMD target (core/simd_dispatch.hpp), one loop per
  // combination of options; each element is updated by the same scalar expression on every target.
  with_simd_target_and_flags(
      [&](auto decay_flag) {
        constexpr bool decay = decltype(decay_flag)::value;
        for (Index i = 0; i < slice.count; ++i) {
          float g = grad[i];
          if constexpr (decay) g = g + weight_decay * value[i];
          square_avg[i] = square_avg[i] * rho + one_minus_rho * g * g;
          const float std = std::sqrt(square_avg[i] + eps);
          const float delta = std::sqrt(acc_delta[i] + eps) / std * g;
          acc_delta[i] = acc_delta[i] * rho + one_minus_rho * delta * delta;
          value[i] = value[i] + minus_lr * delta;
        }
      },
      decay);
}

}  // namespace nnlab
