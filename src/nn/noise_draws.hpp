// The random numbers of the noise layers (dropout, gaussian_noise, gaussian_dropout): one per
// element of a member's [B, F] block, keyed by (member seed, RngPurpose::dropout, config layer
// index, optimiser step). Element e comes from word e mod 4 of counter block e / 4, so any
// thread may draw any element and a member draws the same numbers alone or in a population
// (DESIGN: "randomness is keyed, never shared").
#pragma once

#include <cmath>
#include <cstdint>
#include <numbers>
#include <stdexcept>

#include "core/rng.hpp"
#include "core/tensor.hpp"

namespace nnlab {

struct NoiseKey {
  std::uint64_t seed = 0;
  int layer = 0;          // the config layer index
  std::int64_t step = 0;  // the optimiser step (ForwardContext::step)
};

// Calls visit(e, block, j) for the elements e in [begin, begin + count): `block` is e's Philox
// block (e / 4) and j = e mod 4 its word.
template <typename Visit>
void for_each_block_word(const NoiseKey& key, Index begin, Index count, const Visit& visit) {
  if (count <= 0) return;
  if ((begin + count - 1) / 4 > Index{UINT32_MAX}) throw std::length_error("noise layer: more than 2^34 elements per member");
  for (Index e = begin; e < begin + count;) {
    const auto block = counter_block(key.seed, RngPurpose::dropout, static_cast<std::uint32_t>(key.layer),
                                     static_cast<std::uint64_t>(key.step), static_cast<std::uint32_t>(e / 4));
    for (Index j = e % 4; j < 4 && e < begin + count; ++j, ++e) visit(e, block, static_cast<std::size_t>(j));
  }
}

// Calls draw(e, word) with each element's 32 random bits.
template <typename Draw>
void for_each_word(const NoiseKey& key, Index begin, Index count, const Draw& draw) {
  for_each_block_word(key, begin, count, [&](Index e, const auto& block, std::size_t j) { draw(e, block[j]); });
}

// Calls draw(e, z) with z ~ N(0, 1) for the elements in [begin, begin + count): Box–Muller on
// the block's word pairs, (w0, w1) -> elements 4k and 4k + 1, (w2, w3) -> 4k + 2 and 4k + 3.
// Uniforms of 32 bits in double (tails to 6.7 sigma); libm in double, so every SIMD target
// draws the same floats.
template <typename Draw>
void for_each_normal(const NoiseKey& key, Index begin, Index count, const Draw& draw) {
  for_each_block_word(key, begin, count, [&](Index e, const auto& block, std::size_t j) {
    const std::size_t pair = j / 2 * 2;
    const double u1 = (static_cast<double>(block[pair]) + 1.0) * 0x1.0p-32;  // (0, 1]: log is finite
    const double u2 = static_cast<double>(block[pair + 1]) * 0x1.0p-32;
    const double radius = std::sqrt(-2.0 * std::log(u1)), angle = 2.0 * std::numbers::pi * u2;
    draw(e, j % 2 == 0 ? radius * std::cos(angle) : radius * std::sin(angle));
  });
}

// A word as a uniform number in [0, 1) with 24 bits (exact in float).
inline double uniform_of(std::uint32_t word) { return static_cast<double>(word >> 8) * 0x1.0p-24; }

}  // namespace nnlab
