// Runs a kernel compiled for the SIMD target in use (core/simd.hpp), from a baseline build:
//
//   with_simd_target([&]<int lanes>(std::integral_constant<int, lanes>) {
//     run_block<T, lanes>(...);          // generic code; `lanes` floats per vector
//   });
//
// Each target's entry point carries the compiler's target attribute and `flatten`, so the
// generic body and everything it calls are inlined into it and compiled for that instruction
// set; the body itself is written once. `lanes` is the target's float width (16, 8, 4, 1),
// for kernels whose vectors hold one member per lane. The body must not rely on anything but
// IEEE arithmetic: results are then the same on every target.
#pragma once

#include <type_traits>

#include "core/simd.hpp"

namespace nnlab {

namespace simd_detail {

#if defined(__x86_64__) || defined(__i386__)
template <typename Body>
[[gnu::target("avx512f,avx512vl,avx512bw,avx512dq"), gnu::flatten]] inline void on_avx512(Body& body) {
  body(std::integral_constant<int, 16>{});
}
template <typename Body>
[[gnu::target("avx2"), gnu::flatten]] inline void on_avx2(Body& body) {
  body(std::integral_constant<int, 8>{});
}
template <typename Body>
[[gnu::target("sse4.2"), gnu::flatten]] inline void on_sse4(Body& body) {
  body(std::integral_constant<int, 4>{});
}
#endif
template <typename Body>
[[gnu::flatten]] inline void on_scalar(Body& body) {
  body(std::integral_constant<int, 1>{});
}

// The same entry points kept out of line: a kernel calls a hot inner loop through them so that
// the loop is compiled as its own function (for the same target) instead of being flattened
// into the caller (measured: the small-network kernel ran 3.4x slower with its activation
// loops flattened into it).
#if defined(__x86_64__) || defined(__i386__)
template <typename Body>
[[gnu::target("avx512f,avx512vl,avx512bw,avx512dq"), gnu::flatten, gnu::noinline]] void outlined_avx512(Body& body) {
  body(std::integral_constant<int, 16>{});
}
template <typename Body>
[[gnu::target("avx2"), gnu::flatten, gnu::noinline]] void outlined_avx2(Body& body) {
  body(std::integral_constant<int, 8>{});
}
template <typename Body>
[[gnu::target("sse4.2"), gnu::flatten, gnu::noinline]] void outlined_sse4(Body& body) {
  body(std::integral_constant<int, 4>{});
}
#endif
template <typename Body>
[[gnu::flatten, gnu::noinline]] void outlined_scalar(Body& body) {
  body(std::integral_constant<int, 1>{});
}

}  // namespace simd_detail

// Inside a kernel compiled for the target of `lanes` (a with_simd_target body): calls `body`
// as a separate function compiled for that same target.
template <int lanes, typename Body>
inline void outlined_for_lanes(Body&& body) {
#if defined(__x86_64__) || defined(__i386__)
  if constexpr (lanes == 16) return simd_detail::outlined_avx512(body);
  if constexpr (lanes == 8) return simd_detail::outlined_avx2(body);
  if constexpr (lanes == 4) return simd_detail::outlined_sse4(body);
#endif
  if constexpr (lanes == 1) return simd_detail::outlined_scalar(body);
}

// Calls body(std::bool_constant<flag>...) for run-time flags, one instantiation per
// combination: an element loop that tests its options inside has control flow the compiler
// will not vectorise (measured: the SGD update ran scalar), while each combination's loop has
// none. Inside a with_simd_target body every instantiation is compiled for that target.
template <typename Body>
inline void with_flags(Body&& body) {
  body();
}
template <typename Body, typename... Flags>
inline void with_flags(Body&& body, bool flag, Flags... flags) {
  if (flag) {
    with_flags([&](auto... rest) { body(std::true_type{}, rest...); }, flags...);
  } else {
    with_flags([&](auto... rest) { body(std::false_type{}, rest...); }, flags...);
  }
}

// `target` must be supported (simd_target() always is); a kernel that sizes buffers from the
// target's lanes passes the target it read, so both agree.
template <typename Body>
void with_simd_target(SimdTarget target, Body&& body) {
#if defined(__x86_64__) || defined(__i386__)
  switch (target) {
    case SimdTarget::avx512: return simd_detail::on_avx512(body);
    case SimdTarget::avx2: return simd_detail::on_avx2(body);
    case SimdTarget::sse4: return simd_detail::on_sse4(body);
    case SimdTarget::scalar: break;
  }
#endif
  simd_detail::on_scalar(body);
}

template <typename Body>
void with_simd_target(Body&& body) {
  with_simd_target(simd_target(), body);
}

// An element loop compiled for the SIMD target in use, once per combination of its options:
// with_simd_target around with_flags.
template <typename Body, typename... Flags>
void with_simd_target_and_flags(Body&& body, Flags... flags) {
  with_simd_target([&](auto) { with_flags(body, flags...); });
}

}  // namespace nnlab
