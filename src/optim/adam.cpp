// Adam (Kingma & Ba 2015) and AdamW (Loshchilov & Hutter 2019) as torch.optim.Adam/AdamW:
//   adam:  g = g + wd p            adamw: p = p (1 - lr wd)        (decoupled decay)
//   m = beta1 m + (1 - beta1) g
//   v = beta2 v + (1 - beta2) g^2
//   amsgrad: v_max = max(v_max, v), used for v below
//   p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
// with t the member's own update count; eps sits outside the bias-corrected square root.
#include "core/simd_dispatch.hpp"
#include "optim/update_rules.hpp"

#include <cmath>

namespace nnlab {

void adam_update(const MemberSlice& slice, const MemberStep& step) {
  const OptimizerOptions& options = step.options;
  const bool decoupled = options.kind == OptimizerKind::adamw;
  const bool coupled_decay = !decoupled && options.weight_decay != 0;
  const bool decoupled_decay = decoupled && options.weight_decay != 0;
  const auto weight_decay = static_cast<float>(options.weight_decay);
  const auto shrink = static_cast<float>(1.0 - step.lr * options.weight_decay);
  const auto beta1 = static_cast<float>(step.momentum), beta2 = static_cast<float>(options.beta2);
  const auto one_minus_beta1 = static_cast<float>(1.0 - step.momentum);
  const auto one_minus_beta2 = static_cast<float>(1.0 - options.beta2);
  // Bias corrections in double, as PyTorch computes them in Python.
  const auto t = static_cast<double>(step.step);
  const double bias_correction1 = 1.0 - std::pow(step.momentum, t);
  const double bias_correction2 = 1.0 - std::pow(options.beta2, t);
  const auto minus_step_size = static_cast<float>(-(step.lr / bias_correction1));
  const auto bias_correction2_sqrt = static_cast<float>(std::sqrt(bias_correction2));
  const auto eps = static_cast<float>(options.eps);
  const bool amsgrad = options.amsgrad;
  float* const value = slice.value;
  const float* const grad = slice.grad;
  float* const exp_avg = slice.state[0];
  float* const exp_avg_sq = slice.state[1];
  float* const max_exp_avg_sq = slice.state[2];

  // The element loop compiled for the SIMD target (core/simd_dispatch.hpp), one loop per
  // combination of options; each element is updated by the same scalar expression on every target.
  with_simd_target_and_flags(
      [&](auto coupled_decay_flag, auto decoupled_decay_flag, auto amsgrad_flag) {
        constexpr bool coupled_decay = decltype(coupled_decay_flag)::value;
        constexpr bool decoupled_decay = decltype(decoupled_decay_flag)::value;
        constexpr bool amsgrad = decltype(amsgrad_flag)::value;
        for (Index i = 0; i < slice.count; ++i) {
          float g = grad[i];
          if constexpr (coupled_decay) g = g + weight_decay * value[i];
          if constexpr (decoupled_decay) value[i] = value[i] * shrink;
          exp_avg[i] = exp_avg[i] * beta1 + one_minus_beta1 * g;
          exp_avg_sq[i] = exp_avg_sq[i] * beta2 + one_minus_beta2 * g * g;
          float second_moment = exp_avg_sq[i];
          if constexpr (amsgrad) {
            // torch.maximum propagates NaN.
            const float kept = max_exp_avg_sq[i] < second_moment || std::isnan(second_moment) ? second_moment : max_exp_avg_sq[i];
            max_exp_avg_sq[i] = kept;  // stored every time: a select, not a branch
            second_moment = kept;
          }
          const float denominator = std::sqrt(second_moment) / bias_correction2_sqrt + eps;
          value[i] = value[i] + minus_step_size * exp_avg[i] / denominator;
        }
      },
      coupled_decay, decoupled_decay, amsgrad);
}

}  // namespace nnlab
