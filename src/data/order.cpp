#include "data/order.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <string>

#include "core/rng.hpp"
#include "data/permutation.hpp"

namespace nnlab {

OrderKind parse_order_kind(std::string_view name) {
  if (name == "fixed") return OrderKind::fixed;
  if (name == "shuffled") return OrderKind::shuffled;
  if (name == "sorted") return OrderKind::sorted;
  throw std::invalid_argument("unknown order '" + std::string(name) + "' (expected fixed, shuffled or sorted)");
}

std::string_view to_string(OrderKind kind) {
  switch (kind) {
    case OrderKind::fixed:
      return "fixed";
    case OrderKind::shuffled:
      return "shuffled";
    case OrderKind::sorted:
      return "sorted";
  }
  throw std::invalid_argument("to_string: invalid OrderKind");
}

std::vector<Index> epoch_order(std::span<const std::int32_t> labels, OrderKind kind, std::uint64_t seed,
                               std::int64_t epoch) {
  std::vector<Index> order(labels.size());
  std::iota(order.begin(), order.end(), Index{0});
  if (kind == OrderKind::fixed) return order;

  CounterRng rng(seed, RngPurpose::shuffle, 0, static_cast<std::uint64_t>(epoch));
  if (kind == OrderKind::shuffled) {
    shuffle_in_place(order, rng);
    return order;
  }
  // sorted: class blocks in increasing label order; within a block, a fresh shuffle each epoch
  // (stable sort first so the shuffle's input, and hence its output, depends on the data only).
  std::stable_sort(order.begin(), order.end(), [&](Index a, Index b) {
    return labels[static_cast<std::size_t>(a)] < labels[static_cast<std::size_t>(b)];
  });
  auto block_begin = order.begin();
  while (block_begin != order.end()) {
    const std::int32_t label = labels[static_cast<std::size_t>(*block_begin)];
    const auto block_end =
        std::find_if(block_begin, order.end(), [&](Index i) { return labels[static_cast<std::size_t>(i)] != label; });
    shuffle_in_place(std::span<Index>(block_begin, block_end), rng);
    block_begin = block_end;
  }
  return order;
}

}  // namespace nnlab
