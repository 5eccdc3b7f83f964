#include "core/gemm.hpp"

#include <cblas.h>

#include <algorithm>

#include "core/threads.hpp"

namespace nnlab {
namespace {

CBLAS_TRANSPOSE to_cblas(Transpose transpose) { return transpose == Transpose::yes ? CblasTrans : CblasNoTrans; }

// Output tiles: a fixed function of (m, n), never of the thread count, so every element of
// C is produced by the same BLAS call (same shape, full K) however many threads run.
// That is what makes results bit-identical for any --threads (OpenBLAS's own threading
// is not: it is switched off in threads.cpp).
constexpr Index tile_rows = 256;
constexpr Index tile_cols = 128;

// The element at row r, column c of op(X), X row-major with leading dimension ld.
template <typename T>
const T* offset(const T* x, Transpose transpose, Index row, Index col, Index ld) {
  return transpose == Transpose::no ? x + row * ld + col : x + col * ld + row;
}

void call_blas(Transpose ta, Transpose tb, Index m, Index n, Index k, float alpha, const float* a, Index lda, const float* b,
               Index ldb, float beta, float* c, Index ldc) {
  cblas_sgemm(CblasRowMajor, to_cblas(ta), to_cblas(tb), static_cast<blasint>(m), static_cast<blasint>(n), static_cast<blasint>(k),
              alpha, a, static_cast<blasint>(lda), b, static_cast<blasint>(ldb), beta, c, static_cast<blasint>(ldc));
}

void call_blas(Transpose ta, Transpose tb, Index m, Index n, Index k, double alpha, const double* a, Index lda, const double* b,
               Index ldb, double beta, double* c, Index ldc) {
  cblas_dgemm(CblasRowMajor, to_cblas(ta), to_cblas(tb), static_cast<blasint>(m), static_cast<blasint>(n), static_cast<blasint>(k),
              alpha, a, static_cast<blasint>(lda), b, static_cast<blasint>(ldb), beta, c, static_cast<blasint>(ldc));
}

template <typename T>
void tiled_gemm(Transpose ta, Transpose tb, Index m, Index n, Index k, T alpha, const T* a, Index lda, const T* b, Index ldb, T beta,
                T* c, Index ldc) {
  if (m == 0 || n == 0) return;
  // Also when nobody called set_thread_count (a library user, a test).
  static const bool blas_single_threaded = [] {
    use_single_threaded_blas();
    return true;
  }();
  (void)blas_single_threaded;
  const Index row_tiles = (m + tile_rows - 1) / tile_rows;
  const Index col_tiles = (n + tile_cols - 1) / tile_cols;
  const Index tiles = row_tiles * col_tiles;
#pragma omp parallel for schedule(static) if (tiles > 1)
  for (Index tile = 0; tile < tiles; ++tile) {
    const Index row = (tile / col_tiles) * tile_rows, col = (tile % col_tiles) * tile_cols;
    const Index rows = std::min(tile_rows, m - row), cols = std::min(tile_cols, n - col);
    call_blas(ta, tb, rows, cols, k, alpha, offset(a, ta, row, 0, lda), lda, offset(b, tb, 0, col, ldb), ldb, beta, c + row * ldc + col,
              ldc);
  }
}

}  // namespace

void gemm(Transpose transpose_a, Transpose transpose_b, Index m, Index n, Index k, float alpha, const float* a, Index lda,
          const float* b, Index ldb, float beta, float* c, Index ldc) {
  tiled_gemm(transpose_a, transpose_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void gemm(Transpose transpose_a, Transpose transpose_b, Index m, Index n, Index k, double alpha, const double* a, Index lda,
          const double* b, Index ldb, double beta, double* c, Index ldc) {
  tiled_gemm(transpose_a, transpose_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

}  // namespace nnlab
