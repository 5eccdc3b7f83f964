// How many threads nnlab's kernels use. Results never depend on it (tested): work is
// split over members, rows or output features, never over a sum.
#pragma once

namespace nnlab {

void set_thread_count(int threads);  // 0 = all cores
int thread_count();

}  // namespace nnlab
