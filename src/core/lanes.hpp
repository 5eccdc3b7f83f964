// A lane vector: 16 values (one per population member) handled as one SIMD value, through the
// GCC/Clang vector extension. Arithmetic is lane-wise IEEE, so every lane computes exactly what
// the same scalar expression computes (no FMA contraction: -ffp-contract=off). Used where
// auto-vectorised loops keep accumulators in memory instead of registers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <utility>

namespace nnlab {

inline constexpr int lane_count = 16;  // one AVX-512 register of floats

template <typename T>
struct LaneVector {
  typedef T type __attribute__((vector_size(lane_count * sizeof(T))));
};
template <typename T>
using Lanes = typename LaneVector<T>::type;

template <typename T>
inline Lanes<T> load_lanes(const T* from) {
  Lanes<T> lanes;
  std::memcpy(&lanes, from, sizeof lanes);
  return lanes;
}

template <typename T>
inline void store_lanes(T* to, const Lanes<T>& lanes) {
  std::memcpy(to, &lanes, sizeof lanes);
}

namespace detail {
template <typename T>
struct LaneIndex {  // an integer lane vector of T's width, for shuffle masks
  using Integer = std::conditional_t<sizeof(T) == 4, std::int32_t, std::int64_t>;
  typedef Integer type __attribute__((vector_size(lane_count * sizeof(T))));
};

// Butterfly stage of a 16 x 16 transpose: rows r and r + width exchange their blocks of
// `width` lanes (a's lanes with bit `width` set go to b, b's with it clear go to a).
template <typename T, int width, bool second, std::size_t... lane>
constexpr typename LaneIndex<T>::type exchange_mask(std::index_sequence<lane...>) {
  using Integer = typename LaneIndex<T>::Integer;
  using Mask = typename LaneIndex<T>::type;
  constexpr int n = lane_count;
  return Mask{static_cast<Integer>(
      second ? ((static_cast<int>(lane) & width) ? static_cast<int>(lane) + n : static_cast<int>(lane) + width)
             : ((static_cast<int>(lane) & width) ? static_cast<int>(lane) - width + n : static_cast<int>(lane)))...};
}

template <typename T, int width>
inline void exchange_blocks(Lanes<T> (&rows)[lane_count]) {
  constexpr auto first_mask = exchange_mask<T, width, false>(std::make_index_sequence<lane_count>{});
  constexpr auto second_mask = exchange_mask<T, width, true>(std::make_index_sequence<lane_count>{});
  for (int r = 0; r < lane_count; ++r) {
    if (r & width) continue;
    const Lanes<T> a = rows[r], b = rows[r + width];
    rows[r] = __builtin_shuffle(a, b, first_mask);
    rows[r + width] = __builtin_shuffle(a, b, second_mask);
  }
}

template <typename T, std::size_t... lane>
inline Lanes<T> broadcast(T value, std::index_sequence<lane...>) {
  return Lanes<T>{((void)lane, value)...};
}
}  // namespace detail

// Every lane = value (one vbroadcastss; a loop over lanes compiles to 16 masked inserts).
template <typename T>
inline Lanes<T> broadcast_lanes(T value) {
  return detail::broadcast(value, std::make_index_sequence<lane_count>{});
}

// Lane-wise conversion, rounding as static_cast does.
template <typename To, typename Vector>
inline Lanes<To> convert_lanes(const Vector& lanes) {
  return __builtin_convertvector(lanes, Lanes<To>);
}

// rows[r][l] -> rows[l][r]: 16 lane vectors transposed in registers (64 shuffles), to turn
// member-minor data back into member-major rows.
template <typename T>
inline void transpose_lanes(Lanes<T> (&rows)[lane_count]) {
  static_assert(lane_count == 16, "four butterfly stages");
#if defined(__clang__)
  Lanes<T> copy[lane_count];
  std::memcpy(copy, rows, sizeof copy);
  for (int r = 0; r < lane_count; ++r)
    for (int l = 0; l < lane_count; ++l) rows[r][l] = copy[l][r];
#else
  detail::exchange_blocks<T, 8>(rows);
  detail::exchange_blocks<T, 4>(rows);
  detail::exchange_blocks<T, 2>(rows);
  detail::exchange_blocks<T, 1>(rows);
#endif
}

}  // namespace nnlab
