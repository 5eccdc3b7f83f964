// The order in which a training epoch visits the examples: fixed, shuffled or grouped by class.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "core/tensor.hpp"

namespace nnlab {

enum class OrderKind {
  fixed,     // 0, 1, ..., N-1 every epoch
  shuffled,  // a fresh Fisher–Yates permutation per epoch
  sorted,    // grouped by class in increasing class order, shuffled within each class per epoch
};

// "fixed", "shuffled" or "sorted"; anything else throws std::invalid_argument.
OrderKind parse_order_kind(std::string_view name);
std::string_view to_string(OrderKind kind);

// The visiting order of epoch `epoch`: a permutation of 0..N-1 (N = labels.size()).
// Randomness comes from CounterRng(seed, RngPurpose::shuffle, 0, epoch) only, so a member's
// order depends on its seed and the epoch, never on the population it trains in.
std::vector<Index> epoch_order(std::span<const std::int32_t> labels, OrderKind kind, std::uint64_t seed,
                               std::int64_t epoch);

}  // namespace nnlab
