// Gamma and Beta variates from a CounterRng, for mixup's λ ~ Beta(α, α) (Zhang et al. 2018).
#pragma once

#include "core/rng.hpp"

namespace nnlab {

// log X for X ~ Gamma(shape, 1), shape > 0 (Marsaglia & Tsang 2000; shape < 1 by
// X = Gamma(shape + 1) · U^(1/shape), kept in logs so that tiny shapes do not underflow to 0).
double log_gamma_sample(CounterRng& rng, double shape);

// X / (X + Y) for X ~ Gamma(a), Y ~ Gamma(b) (a, b > 0): Beta(a, b), in [0, 1]. Two Gamma draws,
// X's first.
double beta_sample(CounterRng& rng, double a, double b);

}  // namespace nnlab
