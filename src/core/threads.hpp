// How many threads nnlab's kernels use. Results never depend on it (tested): work is
// split over members, rows or output features, never over a sum.
#pragma once

#include <algorithm>
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

// Calls piece(m, begin, size) for pieces of at most 2^14 elements of every member's `count`,
// spread over threads when there are at least 2^16 elements in all: elements are independent,
// so threads cannot change a float (and one large member uses every core).
template <typename Piece>
void for_each_piece(std::int64_t population, std::int64_t count, const Piece& piece) {
  constexpr std::int64_t piece_elements = std::int64_t{1} << 14;
  const std::int64_t per_member = std::max<std::int64_t>(1, (count + piece_elements - 1) / piece_elements);
  parallel_for(population * per_member, population * count >= (std::int64_t{1} << 16), [&](std::int64_t p) {
    const std::int64_t begin = (p % per_member) * piece_elements;
    piece(p / per_member, begin, std::min(piece_elements, count - begin));
  });
}

}  // namespace nnlab
