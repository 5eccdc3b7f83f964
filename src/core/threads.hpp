// How many threads nnlab's kernels use. Results never depend on it (tested): work is
// split over members, rows or output features, never over a sum.
#pragma once

namespace nnlab {

void set_thread_count(int threads);  // 0 = all cores
int thread_count();
// OpenBLAS runs on the calling thread only (and its idle pool is stopped); set_thread_count and
// core/gemm call it.
void use_single_threaded_blas();

}  // namespace nnlab
