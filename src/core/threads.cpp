#include "core/threads.hpp"

#include <omp.h>

#include <algorithm>
#include <thread>

extern "C" void openblas_set_num_threads(int);
// OpenBLAS (pthreads build) stops its idle thread pool; weak, as other builds may lack it.
extern "C" int blas_thread_shutdown_() __attribute__((weak));

namespace nnlab {
namespace {
int configured_threads = 0;
}

void use_single_threaded_blas() {
  openblas_set_num_threads(1);
  // The pool OpenBLAS starts at load time spins (sched_yield) for ~0.1 s of CPU before it
  // sleeps, on the cores our own threads need; single-threaded BLAS never uses it.
  static const bool pool_stopped = [] {
    if (blas_thread_shutdown_ != nullptr) blas_thread_shutdown_();
    return true;
  }();
  (void)pool_stopped;
}

void set_thread_count(int threads) {
  const int available = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  configured_threads = threads <= 0 ? available : threads;
  omp_set_num_threads(configured_threads);
  // OpenBLAS's own threads would make results depend on the thread count; core/gemm
  // spreads fixed-shape tiles over OpenMP threads instead.
  use_single_threaded_blas();
}

int thread_count() {
  if (configured_threads == 0) set_thread_count(0);
  return configured_threads;
}

}  // namespace nnlab
