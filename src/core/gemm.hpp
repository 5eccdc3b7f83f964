// Matrix products through CBLAS (OpenBLAS), row-major. The one dispatch point for GEMM.
#pragma once

#include "core/tensor.hpp"

namespace nnlab {

enum class Transpose { no, yes };

// C[m, n] = alpha * op(A)[m, k] * op(B)[k, n] + beta * C[m, n]; lda/ldb/ldc are row strides.
// With column_bias, C[i, j] += column_bias[j] afterwards (a dense layer's bias), on each output
// tile while it is still in cache and on the thread that computed it: the same floats as a
// separate pass over C, without the pass.
void gemm(Transpose transpose_a, Transpose transpose_b, Index m, Index n, Index k, float alpha, const float* a, Index lda,
          const float* b, Index ldb, float beta, float* c, Index ldc, const float* column_bias = nullptr);
void gemm(Transpose transpose_a, Transpose transpose_b, Index m, Index n, Index k, double alpha, const double* a, Index lda,
          const double* b, Index ldb, double beta, double* c, Index ldc, const double* column_bias = nullptr);

}  // namespace nnlab
