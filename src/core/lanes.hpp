// A lane vector: L values (one per population member, or L consecutive elements) handled as one
// SIMD value through the GCC/Clang vector extension; L follows the SIMD target a kernel is
// compiled for (core/simd_dispatch.hpp: 16 on AVX-512, 8 on AVX2, 4 on SSE4, 1 scalar).
// Arithmetic is lane-wise IEEE, so every lane computes exactly what the same scalar expression
// computes (no FMA contraction: -ffp-contract=off), whatever L is. Used where auto-vectorised
// loops keep accumulators in memory instead of registers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <utility>

namespace nnlab {

template <typename T, int L>
struct LaneVector {
  static_assert(L == 1 || L == 4 || L == 8 || L == 16, "a power of two up to one AVX-512 register of floats");
  typedef T type __attribute__((vector_size(L * sizeof(T))));
};
template <typename T, int L>
using Lanes = typename LaneVector<T, L>::type;

// The lane count of a lane vector type.
template <typename Vector>
inline constexpr int lanes_of = static_cast<int>(sizeof(Vector) / sizeof(Vector{}[0]));

// The same vector at T's alignment, allowed to alias T: loads and stores through it are one
// unaligned vector move (measured as fast as the memcpy it replaced, which compilers also
// turn into one move; this spelling does not depend on that).
template <typename T, int L>
struct UnalignedLaneVector {
  typedef T type __attribute__((vector_size(L * sizeof(T)), aligned(alignof(T)), may_alias));
};

template <int L, typename T>
inline Lanes<T, L> load_lanes(const T* from) {
  return *reinterpret_cast<const typename UnalignedLaneVector<T, L>::type*>(from);
}

template <typename Vector, typename T>
inline void store_lanes(T* to, const Vector& lanes) {
  *reinterpret_cast<typename UnalignedLaneVector<T, lanes_of<Vector>>::type*>(to) = lanes;
}

namespace detail {
template <typename T, int L>
struct LaneIndex {  // an integer lane vector of T's width, for shuffle masks
  using Integer = std::conditional_t<sizeof(T) == 4, std::int32_t, std::int64_t>;
  typedef Integer type __attribute__((vector_size(L * sizeof(T))));
};

// Butterfly stage of an L x L transpose: rows r and r + width exchange their blocks of
// `width` lanes (a's lanes with bit `width` set go to b, b's with it clear go to a).
template <typename T, int L, int width, bool second, std::size_t... lane>
constexpr typename LaneIndex<T, L>::type exchange_mask(std::index_sequence<lane...>) {
  using Integer = typename LaneIndex<T, L>::Integer;
  using Mask = typename LaneIndex<T, L>::type;
  return Mask{static_cast<Integer>(
      second ? ((static_cast<int>(lane) & width) ? static_cast<int>(lane) + L : static_cast<int>(lane) + width)
             : ((static_cast<int>(lane) & width) ? static_cast<int>(lane) - width + L : static_cast<int>(lane)))...};
}

template <typename T, int L, int width>
inline void exchange_blocks(Lanes<T, L> (&rows)[L]) {
  constexpr auto first_mask = exchange_mask<T, L, width, false>(std::make_index_sequence<L>{});
  constexpr auto second_mask = exchange_mask<T, L, width, true>(std::make_index_sequence<L>{});
  for (int r = 0; r < L; ++r) {
    if (r & width) continue;
    const Lanes<T, L> a = rows[r], b = rows[r + width];
    rows[r] = __builtin_shuffle(a, b, first_mask);
    rows[r + width] = __builtin_shuffle(a, b, second_mask);
  }
}

template <typename T, int L, std::size_t... lane>
inline Lanes<T, L> broadcast(T value, std::index_sequence<lane...>) {
  return Lanes<T, L>{((void)lane, value)...};
}
}  // namespace detail

// Every lane = value. Compiled with -march=native this is one vbroadcastss; inside GCC 12's
// target-attribute kernels (core/simd_dispatch.hpp) a braced list, a loop over the lanes,
// value * ones and __builtin_shuffle all became L masked inserts (and __builtin_shufflevector
// from one lane avoided them but spilled: 2.5x slower), so hot loops there keep values they
// would broadcast already spread in memory and load them instead (nn/small_network).
template <int L, typename T>
inline Lanes<T, L> broadcast_lanes(T value) {
  return detail::broadcast<T, L>(value, std::make_index_sequence<L>{});
}

// Lane-wise conversion, rounding as static_cast does.
template <typename To, typename Vector>
inline Lanes<To, lanes_of<Vector>> convert_lanes(const Vector& lanes) {
  return __builtin_convertvector(lanes, Lanes<To, lanes_of<Vector>>);
}

// rows[r][l] -> rows[l][r]: L lane vectors transposed in registers (log2 L butterfly stages of
// shuffles), to turn member-minor data back into member-major rows.
template <typename T, int L>
inline void transpose_lanes(Lanes<T, L> (&rows)[L]) {
#if defined(__clang__)
  Lanes<T, L> copy[L];
  std::memcpy(copy, rows, sizeof copy);
  for (int r = 0; r < L; ++r)
    for (int l = 0; l < L; ++l) rows[r][l] = copy[l][r];
#else
  if constexpr (L >= 16) detail::exchange_blocks<T, L, 8>(rows);
  if constexpr (L >= 8) detail::exchange_blocks<T, L, 4>(rows);
  if constexpr (L >= 4) {
    detail::exchange_blocks<T, L, 2>(rows);
    detail::exchange_blocks<T, L, 1>(rows);
  }
#endif
}

}  // namespace nnlab
