#include "core/threads.hpp"

#include <omp.h>

#include <algorithm>
#include <thread>

extern "C" void openblas_set_num_threads(int);

namespace nnlab {
namespace {
int configured_threads = 0;
}

void set_thread_count(int threads) {
  const int available = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  configured_threads = threads <= 0 ? available : threads;
  omp_set_num_threads(configured_threads);
  // OpenBLAS's own threads would make results depend on the thread count; core/gemm
  // spreads fixed-shape tiles over OpenMP threads instead.
  openblas_set_num_threads(1);
}

int thread_count() {
  if (configured_threads == 0) set_thread_count(0);
  return configured_threads;
}

}  // namespace nnlab
