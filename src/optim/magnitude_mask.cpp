#include "optim/magnitude_mask.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>

namespace nnlab {

std::int64_t kept(std::span<const float> mask) {
  return std::count_if(mask.begin(), mask.end(), [](float m) { return m != 0.0f; });
}

std::int64_t prune_smallest(std::span<const MaskedWeights> layers, double rate) {
  if (!(rate >= 0.0 && rate <= 1.0)) throw std::invalid_argument(fmt::format("prune_smallest: rate {} outside [0, 1]", rate));
  struct Candidate {
    float magnitude;
    std::size_t layer, index;
  };
  std::vector<Candidate> candidates;
  for (std::size_t l = 0; l < layers.size(); ++l) {
    if (layers[l].weights.size() != layers[l].mask.size())
      throw std::invalid_argument(fmt::format("prune_smallest: layer {} has {} weights and a mask of {}", l, layers[l].weights.size(),
                                              layers[l].mask.size()));
    for (std::size_t i = 0; i < layers[l].mask.size(); ++i)
      if (layers[l].mask[i] != 0.0f) candidates.push_back(Candidate{std::fabs(layers[l].weights[i]), l, i});
  }
  const auto count = static_cast<std::size_t>(std::llround(rate * static_cast<double>(candidates.size())));
  const auto smaller = [](const Candidate& a, const Candidate& b) {
    if (a.magnitude != b.magnitude) return a.magnitude < b.magnitude;
    return a.layer != b.layer ? a.layer < b.layer : a.index < b.index;
  };
  std::nth_element(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(std::min(count, candidates.size())),
                   candidates.end(), smaller);
  for (std::size_t c = 0; c < count; ++c) layers[candidates[c].layer].mask[candidates[c].index] = 0.0f;
  return static_cast<std::int64_t>(count);
}

}  // namespace nnlab
