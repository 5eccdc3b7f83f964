// Seeded permutations (Fisher–Yates), shared by epoch orders, splits, subsets and label noise.
#pragma once

#include <span>
#include <vector>

#include "core/rng.hpp"
#include "core/tensor.hpp"

namespace nnlab {

// Shuffles `items` in place: every permutation equally likely, driven by `rng` only.
void shuffle_in_place(std::span<Index> items, CounterRng& rng);

// A uniformly random permutation of 0..count-1.
std::vector<Index> random_permutation(Index count, CounterRng& rng);

}  // namespace nnlab
