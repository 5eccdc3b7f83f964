// SGD with momentum, dampening, Nesterov and coupled weight decay, as torch.optim.SGD:
//   d = g + wd p
//   b = d                              on the member's first update
//   b = momentum b + (1 - dampening) d  afterwards
//   d = d + momentum b  (Nesterov)  or  d = b
//   p = p - lr d
#include "core/simd_dispatch.hpp"
#include "optim/update_rules.hpp"

namespace nnlab {

void sgd_update(const MemberSlice& slice, const MemberStep& step) {
  const OptimizerOptions& options = step.options;
  const auto weight_decay = static_cast<float>(options.weight_decay);
  const auto momentum = static_cast<float>(step.momentum);
  const auto keep = static_cast<float>(1.0 - options.dampening);
  const auto minus_lr = static_cast<float>(-step.lr);
  const bool first = step.step == 1;
  float* const value = slice.value;
  const float* const grad = slice.grad;
  float* const buffer = slice.state[0];

  // The element loop compiled for the SIMD target (core/simd_dispatch.hpp), one loop per
  // combination of options; each element is updated by the same scalar expression on every target.
  with_simd_target_and_flags(
      [&](auto decay_flag, auto momentum_flag, auto nesterov_flag) {
        constexpr bool decay = decltype(decay_flag)::value, use_momentum = decltype(momentum_flag)::value;
        constexpr bool nesterov = decltype(nesterov_flag)::value;
        for (Index i = 0; i < slice.count; ++i) {
          float direction = grad[i];
          if constexpr (decay) direction = direction + weight_decay * value[i];
          if constexpr (use_momentum) {
            const float b = first ? direction : buffer[i] * momentum + keep * direction;
            buffer[i] = b;
            direction = nesterov ? direction + momentum * b : b;
          }
          value[i] = value[i] + minus_lr * direction;
        }
      },
      options.weight_decay != 0, step.momentum != 0, options.nesterov);
}

}  // namespace nnlab
