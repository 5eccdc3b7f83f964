#include "core/sampling.hpp"

#include <cmath>
#include <stdexcept>

namespace nnlab {

double log_gamma_sample(CounterRng& rng, double shape) {
  if (!(shape > 0.0) || !std::isfinite(shape)) throw std::invalid_argument("log_gamma_sample: shape must be positive");
  if (shape < 1.0) {
    const double log_boost = std::log1p(-rng.uniform()) / shape;  // log U^(1/shape), U in (0, 1]
    return log_gamma_sample(rng, shape + 1.0) + log_boost;
  }
  const double d = shape - 1.0 / 3.0, c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    double x = 0.0, v = 0.0;
    do {
      x = rng.normal();
      v = 1.0 + c * x;
    } while (v <= 0.0);
    v = v * v * v;
    const double u = 1.0 - rng.uniform();  // (0, 1]
    if (u < 1.0 - 0.0331 * x * x * x * x) return std::log(d * v);
    if (std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v))) return std::log(d * v);
  }
}

double beta_sample(CounterRng& rng, double a, double b) {
  const double log_x = log_gamma_sample(rng, a), log_y = log_gamma_sample(rng, b);
  // x / (x + y) = 1 / (1 + exp(log y − log x)), exact 0 or 1 in the limits.
  return 1.0 / (1.0 + std::exp(log_y - log_x));
}

}  // namespace nnlab
