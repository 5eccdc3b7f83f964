// The machine's fp32 GEMM peak as OpenBLAS reaches it: C = A B for square n x n matrices at 1
// and at 2 threads, best of several runs, in GFLOP/s (2 n^3 flops). bench/run.sh divides each
// workload's flops by this to say how far from the limit it runs.
//   sgemm_peak [n]   -> {"n": 2048, "gflops_1_thread": ..., "gflops_2_threads": ...}
#include <cblas.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

extern "C" void openblas_set_num_threads(int);

namespace {

double best_gflops(int n, int threads) {
  openblas_set_num_threads(threads);
  std::vector<float> a(static_cast<std::size_t>(n) * n, 0.5f), b(a.size(), 0.25f), c(a.size());
  double best = 0;
  for (int run = 0; run < 6; ++run) {
    const auto start = std::chrono::steady_clock::now();
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a.data(), n, b.data(), n, 0.0f, c.data(), n);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (run > 0) best = std::max(best, 2.0 * n * n * static_cast<double>(n) / seconds / 1e9);  // run 0 warms up
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 2048;
  const double one = best_gflops(n, 1), two = best_gflops(n, 2);
  std::printf("{\"n\": %d, \"gflops_1_thread\": %.1f, \"gflops_2_threads\": %.1f}\n", n, one, two);
}
