// RAdam (Liu et al. 2020) as torch.optim.RAdam, with coupled weight decay:
//   g = g + wd p
//   m = beta1 m + (1 - beta1) g;  v = beta2 v + (1 - beta2) g^2
//   rho_inf = 2 / (1 - beta2) - 1;  rho_t = rho_inf - 2 t beta2^t / (1 - beta2^t)
//   rho_t > 5:  r = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t))
//               p = p - m / (1 - beta1^t) * lr * sqrt(1 - beta2^t) / (sqrt(v) + eps) * r
//   otherwise:  p = p - m / (1 - beta1^t) * lr          (momentum SGD while the variance is unreliable)
#include "core/simd_dispatch.hpp"
#include "optim/update_rules.hpp"

#include <cmath>

namespace nnlab {

void radam_update(const MemberSlice& slice, const MemberStep& step) {
  const OptimizerOptions& options = step.options;
  const auto weight_decay = static_cast<float>(options.weight_decay);
  const bool decay = options.weight_decay != 0;
  const auto beta1 = static_cast<float>(step.momentum), beta2 = static_cast<float>(options.beta2);
  const auto one_minus_beta1 = static_cast<float>(1.0 - step.momentum);
  const auto one_minus_beta2 = static_cast<float>(1.0 - options.beta2);
  const auto eps = static_cast<float>(options.eps);
  // Scalars in double, in PyTorch's order of operations.
  const auto t = static_cast<double>(step.step);
  const double beta2_power = std::pow(options.beta2, t);
  const double bias_correction1 = 1.0 - std::pow(step.momentum, t);
  const double bias_correction2 = 1.0 - beta2_power;
  const double rho_inf = 2.0 / (1.0 - options.beta2) - 1.0;
  const double rho_t = rho_inf - 2.0 * t * beta2_power / bias_correction2;
  const bool rectified = rho_t > 5.0;
  const double rect =
      rectified ? std::sqrt((rho_t - 4.0) * (rho_t - 2.0) * rho_inf / ((rho_inf - 4.0) * (rho_inf - 2.0) * rho_t))
                : 0.0;
  const auto bias_correction1_f = static_cast<float>(bias_correction1);
  const auto lr = static_cast<float>(step.lr);
  const auto rect_f = static_cast<float>(rect);
  const auto bias_correction2_sqrt = static_cast<float>(std::sqrt(bias_correction2));
  float* const value = slice.value;
  const float* const grad = slice.grad;
  float* const exp_avg = slice.state[0];
  float* const exp_avg_sq = slice.state[1];

  // The element loop compiled for the SIMD target (core/simd_dispatch.hpp), one loop per
  // combination of options; each element is updated by the same scalar expression on every target.
  with_simd_target_and_flags(
      [&](auto decay_flag, auto rectified_flag) {
        constexpr bool decay = decltype(decay_flag)::value;
        constexpr bool rectified = decltype(rectified_flag)::value;
        for (Index i = 0; i < slice.count; ++i) {
          float g = grad[i];
          if constexpr (decay) g = g + weight_decay * value[i];
          exp_avg[i] = exp_avg[i] * beta1 + one_minus_beta1 * g;
          exp_avg_sq[i] = exp_avg_sq[i] * beta2 + one_minus_beta2 * g * g;
          const float corrected = exp_avg[i] / bias_correction1_f;
          float update = corrected * lr;
          if constexpr (rectified) {
            // PyTorch forms the scalar-over-tensor quotient as reciprocal(x) * scalar.
            const float adaptive_lr = 1.0f / (std::sqrt(exp_avg_sq[i]) + eps) * bias_correction2_sqrt;
            update = update * adaptive_lr * rect_f;
          }
          value[i] = value[i] - update;
        }
      },
      decay, rectified);
}

}  // namespace nnlab
