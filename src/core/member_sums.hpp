// Per-member sums over [P, count] tensors, 16 members at a time in SIMD lanes. Each member's sum
// is accumulated in double over its elements in ascending order, exactly as the scalar loop
//   double sum = 0; for (i) sum += (double)x[i] * x[i];
// does, so the results never depend on P or on which lane a member used.
#pragma once

#include "core/tensor.hpp"

namespace nnlab {

// sums[m] = Σ_i x[m, i]²
void sum_squares_per_member(const float* x, Index members, Index count, double* sums);
// sums[m] = Σ_i |x[m, i]|
void sum_abs_per_member(const float* x, Index members, Index count, double* sums);
// sums[m] = Σ_i (a[m, i] − b[m, i])², the difference taken in double
void sum_squared_differences_per_member(const float* a, const float* b, Index members, Index count, double* sums);

}  // namespace nnlab
