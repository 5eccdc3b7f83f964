// core/gemm against a double-precision loop, for every transpose and for products that are cut
// into tiles; the same floats on 1 and 2 threads; the fused bias as a separate pass would add it.
#include "core/gemm.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <tuple>
#include <vector>

#include "core/rng.hpp"
#include "core/threads.hpp"

namespace nnlab {
namespace {

std::vector<float> random_values(Index count, std::uint64_t seed) {
  CounterRng rng(seed, RngPurpose::data);
  std::vector<float> values(static_cast<std::size_t>(count));
  for (float& v : values) v = static_cast<float>(rng.normal());
  return values;
}

struct Product {
  Transpose ta, tb;
  Index m, n, k;
  std::vector<float> a, b;
  Index lda() const { return ta == Transpose::no ? k : m; }
  Index ldb() const { return tb == Transpose::no ? n : k; }
  float at_a(Index i, Index p) const { return ta == Transpose::no ? a[static_cast<std::size_t>(i * k + p)] : a[static_cast<std::size_t>(p * m + i)]; }
  float at_b(Index p, Index j) const { return tb == Transpose::no ? b[static_cast<std::size_t>(p * n + j)] : b[static_cast<std::size_t>(j * k + p)]; }
};

Product product(Transpose ta, Transpose tb, Index m, Index n, Index k) {
  return {ta, tb, m, n, k, random_values(m * k, 1), random_values(k * n, 2)};
}

std::vector<float> run(const Product& p, float beta, std::vector<float> c, const float* bias = nullptr) {
  gemm(p.ta, p.tb, p.m, p.n, p.k, 1.0f, p.a.data(), p.lda(), p.b.data(), p.ldb(), beta, c.data(), p.n, bias);
  return c;
}

TEST(Gemm, MatchesADoubleLoopForEveryTransposeAndTiling) {
  // 1100 x 600 is cut into 3 x 2 tiles (equal, at most 512 x 512); 3 x 5 is one call.
  for (const auto& [m, n, k] : {std::tuple<Index, Index, Index>{1100, 600, 37}, {3, 5, 2}, {64, 300, 96}})
    for (const Transpose ta : {Transpose::no, Transpose::yes})
      for (const Transpose tb : {Transpose::no, Transpose::yes}) {
        const Product p = product(ta, tb, m, n, k);
        const std::vector<float> start = random_values(m * n, 3);
        const std::vector<float> c = run(p, 0.5f, start);
        double worst = 0;
        for (Index i = 0; i < m; i += 7)
          for (Index j = 0; j < n; ++j) {
            double exact = 0.5 * start[static_cast<std::size_t>(i * n + j)];
            for (Index q = 0; q < k; ++q) exact += static_cast<double>(p.at_a(i, q)) * p.at_b(q, j);
            worst = std::max(worst, std::abs(exact - c[static_cast<std::size_t>(i * n + j)]));
          }
        EXPECT_LT(worst, 1e-4 * static_cast<double>(k)) << m << "x" << n << "x" << k;
      }
}

TEST(Gemm, SameFloatsOnOneAndTwoThreads) {
  const Product p = product(Transpose::yes, Transpose::no, 300, 784, 1000);  // a dense layer's weight gradient
  const std::vector<float> zero(static_cast<std::size_t>(300 * 784), 0.0f);
  set_thread_count(1);
  const std::vector<float> one = run(p, 0.0f, zero);
  set_thread_count(2);
  const std::vector<float> two = run(p, 0.0f, zero);
  set_thread_count(0);
  EXPECT_EQ(one, two);
}

TEST(Gemm, FusedBiasIsTheSeparatePass) {
  // 1000 x 600 is 2 x 2 tiles: the second column of tiles must read the bias from column 300 on.
  for (const Index m : {Index{1000}, Index{7}}) {
    constexpr Index n = 600;
    const Product p = product(Transpose::no, Transpose::yes, m, n, 784);  // a dense layer's forward
    const std::vector<float> bias = random_values(n, 4), zero(static_cast<std::size_t>(m * n), 0.0f);
    std::vector<float> separate = run(p, 0.0f, zero);
    for (Index i = 0; i < m; ++i)
      for (Index j = 0; j < n; ++j) separate[static_cast<std::size_t>(i * n + j)] += bias[static_cast<std::size_t>(j)];
    EXPECT_EQ(run(p, 0.0f, zero, bias.data()), separate) << m;
  }
}

}  // namespace
}  // namespace nnlab
