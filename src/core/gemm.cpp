#include "core/gemm.hpp"

#include <cblas.h>

#include <algorithm>

#include "core/threads.hpp"

namespace nnlab {
namespace {

CBLAS_TRANSPOSE to_cblas(Transpose transpose) { return transpose == Transpose::yes ? CblasTrans : CblasNoTrans; }

// Output tiles: a fixed function of (m, n, k), never of the thread count, so every element of
// C is produced by the same BLAS call (same shape, full K) however many threads run.
// That is what makes results bit-identical for any --threads (OpenBLAS's own threading
// is not: it is switched off in threads.cpp). Tiles are equal in size and at most 512 x 512
// (OpenBLAS runs near its peak on such calls; 128-wide ones lose ~20 % to packing); a product
// worth two threads gets an even number of them, so two cores share it evenly.
constexpr Index largest_tile = 512;
constexpr Index worth_two_threads = Index{1} << 22;  // multiply-adds

struct Tiling {
  Index row_tiles, col_tiles, tile_rows, tile_cols;
};

Tiling tiling(Index m, Index n, Index k) {
  Index row_tiles = (m + largest_tile - 1) / largest_tile, col_tiles = (n + largest_tile - 1) / largest_tile;
  if ((row_tiles * col_tiles) % 2 == 1 && m * n * k >= worth_two_threads) {
    if (m >= n && m >= 2 * 16) {
      ++row_tiles;
    } else if (n >= 2 * 16) {
      ++col_tiles;
    }
  }
  return {row_tiles, col_tiles, (m + row_tiles - 1) / row_tiles, (n + col_tiles - 1) / col_tiles};
}

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
                T* c, Index ldc, const T* column_bias) {
  if (m == 0 || n == 0) return;
  // Also when nobody called set_thread_count (a library user, a test).
  static const bool blas_single_threaded = [] {
    use_single_threaded_blas();
    return true;
  }();
  (void)blas_single_threaded;
  const Tiling t = tiling(m, n, k);
  const Index tiles = t.row_tiles * t.col_tiles;
#pragma omp parallel for schedule(static) if (tiles > 1)
  for (Index tile = 0; tile < tiles; ++tile) {
    const Index row = (tile / t.col_tiles) * t.tile_rows, col = (tile % t.col_tiles) * t.tile_cols;
    const Index rows = std::min(t.tile_rows, m - row), cols = std::min(t.tile_cols, n - col);
    if (rows <= 0 || cols <= 0) continue;
    T* const tile_c = c + row * ldc + col;
    call_blas(ta, tb, rows, cols, k, alpha, offset(a, ta, row, 0, lda), lda, offset(b, tb, 0, col, ldb), ldb, beta, tile_c, ldc);
    if (column_bias != nullptr)
      for (Index r = 0; r < rows; ++r)
        for (Index j = 0; j < cols; ++j) tile_c[r * ldc + j] += column_bias[col + j];
  }
}

}  // namespace

void gemm(Transpose transpose_a, Transpose transpose_b, Index m, Index n, Index k, float alpha, const float* a, Index lda,
          const float* b, Index ldb, float beta, float* c, Index ldc, const float* column_bias) {
  tiled_gemm(transpose_a, transpose_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, column_bias);
}

void gemm(Transpose transpose_a, Transpose transpose_b, Index m, Index n, Index k, double alpha, const double* a, Index lda,
          const double* b, Index ldb, double beta, double* c, Index ldc, const double* column_bias) {
  tiled_gemm(transpose_a, transpose_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, column_bias);
}

}  // namespace nnlab
