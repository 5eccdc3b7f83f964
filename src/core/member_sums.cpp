#include "core/member_sums.hpp"

#include <algorithm>
#include <cmath>

#include "core/lanes.hpp"
#include "core/simd_dispatch.hpp"
#include "core/threads.hpp"

namespace nnlab {
namespace {

// tile[k][l] = rows[l][first + k] for k < min(L, count − first): L members' elements
// first.. in lanes, through a register transpose of L rows of L floats. A row shorter than L
// is read on into the next member's (ignored lanes); only reads past `end` are padded.
template <int L>
void load_columns(const float* rows, Index count, Index first, const float* end, Lanes<float, L> (&tile)[L]) {
  for (Index l = 0; l < L; ++l) {
    const float* row = rows + l * count + first;
    if (row + L <= end) {
      tile[l] = load_lanes<L>(row);
    } else {
      float padded[L] = {};
      std::copy(row, std::min(row + L, end), padded);
      tile[l] = load_lanes<L>(padded);
    }
  }
  transpose_lanes<float, L>(tile);
}

// Calls add(sum_lanes, k, tile_a, tile_b) for every element column of each full block of L
// members (L = the SIMD target's float lanes), then scalar(m) for the members past the last full block.
template <int L, typename Add, typename Scalar>
void per_member_on(const float* a, const float* b, Index members, Index count, double* sums, Add add, Scalar scalar) {
  // Rows of 1 to 3 elements: the scalar loop costs less than a 16 x 16 transpose per block.
  constexpr Index shortest_transposed = 4;
  const Index full = count < shortest_transposed ? 0 : members / L * L;
  for (Index first_member = 0; first_member < full; first_member += L) {
    Lanes<double, L> sum = broadcast_lanes<L>(0.0);
    Lanes<float, L> tile_a[L], tile_b[L] = {};  // tile_b stays zero without b
    for (Index first = 0; first < count; first += L) {
      load_columns(a + first_member * count, count, first, a + members * count, tile_a);
      if (b != nullptr) load_columns(b + first_member * count, count, first, b + members * count, tile_b);
      const Index width = std::min<Index>(L, count - first);
      for (Index k = 0; k < width; ++k) sum = add(sum, tile_a[k], tile_b[k]);
    }
    store_lanes(sums + first_member, sum);
  }
  for (Index m = full; m < members; ++m) sums[m] = scalar(m);
}

// Chunks of 256 members (a multiple of every lane count, so the blocks and the scalar tail are
// the same members as without chunks) go to threads: members are independent, so threads cannot
// change a sum. The trainer calls these on every epoch of a 1,000-member population.
template <typename Add, typename Scalar>
void per_member(const float* a, const float* b, Index members, Index count, double* sums, Add add, Scalar scalar) {
  constexpr Index chunk = 256;
  const Index chunks = (members + chunk - 1) / chunk;
  parallel_for(chunks, members * count >= (Index{1} << 14), [&](Index c) {
    const Index first = c * chunk, size = std::min(chunk, members - first);
    const auto chunk_scalar = [&](Index m) { return scalar(first + m); };
    with_simd_target([&]<int L>(std::integral_constant<int, L>) {
      per_member_on<L>(a + first * count, b == nullptr ? nullptr : b + first * count, size, count, sums + first, add, chunk_scalar);
    });
  });
}

}  // namespace

void sum_squares_per_member(const float* x, Index members, Index count, double* sums) {
  per_member(
      x, nullptr, members, count, sums,
      [](const auto& sum, const auto& value, const auto&) {
        const auto v = convert_lanes<double>(value);
        return sum + v * v;
      },
      [&](Index m) {
        const float* row = x + m * count;
        double sum = 0.0;
        for (Index i = 0; i < count; ++i) sum += static_cast<double>(row[i]) * row[i];
        return sum;
      });
}

void sum_abs_per_member(const float* x, Index members, Index count, double* sums) {
  per_member(
      x, nullptr, members, count, sums,
      [](const auto& sum, const auto& value, const auto&) {
        const auto v = convert_lanes<double>(value);
        return sum + (v < 0.0 ? -v : v);
      },
      [&](Index m) {
        const float* row = x + m * count;
        double sum = 0.0;
        for (Index i = 0; i < count; ++i) sum += std::abs(static_cast<double>(row[i]));
        return sum;
      });
}

void sum_squared_differences_per_member(const float* a, const float* b, Index members, Index count, double* sums) {
  per_member(
      a, b, members, count, sums,
      [](const auto& sum, const auto& left, const auto& right) {
        const auto d = convert_lanes<double>(left) - convert_lanes<double>(right);
        return sum + d * d;
      },
      [&](Index m) {
        const float *left = a + m * count, *right = b + m * count;
        double sum = 0.0;
        for (Index i = 0; i < count; ++i) {
          const double d = static_cast<double>(left[i]) - right[i];
          sum += d * d;
        }
        return sum;
      });
}

}  // namespace nnlab
