// How many threads nnlab's kernels use. Results never depend on it (tested): work is
// split over members, rows or output features, never over a sum.
#pragma once

#include <cstdint>

namespace nnlab {

void set_thread_count(int threads);  // 0 = all cores
int thread_count();
// OpenBLAS runs on the calling thread only (and its idle pool is stopped); set_thread_count and
// core/gemm call it.
void use_single_threaded_blas();

// body(i) for i in [0, count), over the threads when `worth_threads`, else in a plain loop: an
// OpenMP region costs about a microsecond even when its `if` clause keeps it on one thread,
// which per-epoch bookkeeping of a one-member run pays thousands of times. Each i must be
// independent of the others (then threads cannot change a result).
template <typename Body>
void parallel_for(std::int64_t count, bool worth_threads, const Body& body) {
  if (worth_threads && count > 1) {
#pragma omp parallel for schedule(static)
    for (std::int64_t i = 0; i < count; ++i) body(i);
  } else {
    for (std::int64_t i = 0; i < count; ++i) body(i);
  }
}

}  // namespace nnlab
