// Matrix products through CBLAS (OpenBLAS), row-major. The one dispatch point for GEMM.
#pragma once

#include "core/tensor.hpp"

namespace nnlab {

enum class Transpose { no, yes };

// C[m, n] = alpha * op(A)[m, k] * op(B)[k, n] + beta * C[m, n]; lda/ldb/ldc are row strides.
void gemm(Transpose transpose_a, Transpose transpose_b, Index m, Index n, Index k, float alpha, const float* a, Index lda,
          const float* b, Index ldb, float beta, float* c, Index ldc);
void gemm(Transpose transpose_a, Transpose transpose_b, Index m, Index n, Index k, double alpha, const double* a, Index lda,
          const double* b, Index ldb, double beta, double* c, Index ldc);

}  // namespace nnlab
