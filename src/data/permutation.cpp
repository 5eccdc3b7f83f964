#include "data/permutation.hpp"

#include <numeric>
#include <stdexcept>
#include <utility>

namespace nnlab {

void shuffle_in_place(std::span<Index> items, CounterRng& rng) {
  // Fisher–Yates (Durstenfeld): position i takes a uniform pick among positions 0..i.
  for (std::size_t i = items.size(); i > 1; --i) {
    const auto pick = static_cast<std::size_t>(rng.below(i));
    std::swap(items[i - 1], items[pick]);
  }
}

std::vector<Index> random_permutation(Index count, CounterRng& rng) {
  if (count < 0) throw std::invalid_argument("random_permutation: negative count");
  std::vector<Index> order(static_cast<std::size_t>(count));
  std::iota(order.begin(), order.end(), Index{0});
  shuffle_in_place(order, rng);
  return order;
}

}  // namespace nnlab
