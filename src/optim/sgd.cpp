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
  const auto momentum = static_cast<float>(options.momentum);
  const auto keep = static_cast<float>(1.0 - options.dampening);
  const auto minus_lr = static_cast<float>(-step.lr);
  const bool decay = options.weight_decay != 0, use_momentum = options.momentum != 0, nesterov = options.nesterov;
  const bool first = step.step == 1;
  float* const value = slice.value;
  const float* const grad = slice.grad;
  float* const buffer = slice.state[0];

  // The element loop compiled for the SIMD target (core/simd_dispatch.hpp); each element is
  // updated by the same scalar expression on every target.
  with_simd_target([&](auto) {
    for (Index i = 0; i < slice.count; ++i) {
      float direction = grad[i];
      if (decay) direction = direction + weight_decay * value[i];
      if (use_momentum) {
        buffer[i] = first ? direction : buffer[i] * momentum + keep * direction;
        direction = nesterov ? direction + momentum * buffer[i] : buffer[i];
      }
      value[i] = value[i] + minus_lr * direction;
    }
  });
}

}  // namespace nnlab
