// Small synthetic problems of the classic papers: mirror symmetry, parity, XOR, n-m-n encoders, two spirals.
#pragma once

#include <cstdint>

#include "data/dataset.hpp"

namespace nnlab {

inline constexpr int max_synthetic_bits = 20;  // 2^20 patterns is plenty for an enumerated problem
inline constexpr int max_encoder_size = 4096;
inline constexpr Index max_spiral_points = 1'000'000;

// All 2^bits bit vectors in counting order (bit i of pattern k = (k >> (bits-1-i)) & 1, as 0/1 floats);
// label 1 when the vector reads the same reversed (Rumelhart, Hinton & Williams 1986). bits in [1, 20].
Dataset make_mirror(int bits);

// All 2^bits bit vectors in counting order; label = xor of the bits. bits in [1, 20].
Dataset make_parity(int bits);

// make_parity(2), named "xor".
Dataset make_xor();

// The n-m-n encoder: n one-hot patterns, explicit targets equal to the inputs, label = the hot index. n in [2, 4096].
Dataset make_encoder(int size);

// Two interleaved spirals (Lang & Witbrock 1988): point i of `points` per spiral has angle
// phi = i * 6pi/(points-1) and radius 6.5 * (104 - i*96/(points-1)) / 104 (for 97 points exactly the
// original phi = i pi/16, r = 6.5 (104 - i)/104); spiral 0 is (r sin phi, r cos phi), spiral 1 its
// mirror through the origin. Points alternate between the spirals. Gaussian noise of std `noise` is
// added to each coordinate, drawn from CounterRng(seed, RngPurpose::data). points in [1, 10^6], noise >= 0.
Dataset make_two_spirals(Index points, double noise, std::uint64_t seed);

}  // namespace nnlab
