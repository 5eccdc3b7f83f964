// Magnitude pruning's mask selection (Frankle & Carbin 2019, train.prune; train/prune.hpp): of
// the weights a mask still keeps, the round(rate × remaining) smallest in magnitude are pruned.
// Nn-free: a layer is one member's weights and mask, flat.
#pragma once

#include <cstdint>
#include <span>

namespace nnlab {

// One member's weights of one layer and its mask over them (1 kept, 0 pruned), of one size.
struct MaskedWeights {
  std::span<const float> weights;
  std::span<float> mask;
};

// Prunes round(rate × remaining) of the weights `layers` still keep, ranked together across
// all of them by |w|, the smallest first (ties: the earlier layer, then the lower index), by
// setting their mask to 0. One layer ranks alone (scope layer); several rank globally.
// Returns the number pruned. rate in [0, 1]; std::invalid_argument on mismatched sizes.
std::int64_t prune_smallest(std::span<const MaskedWeights> layers, double rate);

// The weights a mask keeps.
std::int64_t kept(std::span<const float> mask);

}  // namespace nnlab
