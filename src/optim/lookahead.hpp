// Lookahead (Zhang et al. 2019, "Lookahead Optimizer: k steps forward, 1 step back") around
// another optimiser; Ranger is Lookahead around RAdam. Made by make_optimizer for options with
// a wrapper; declared here for it alone.
#pragma once

#include <memory>
#include <span>

#include "optim/optimizer.hpp"

namespace nnlab {

// members: validated options, all with the same wrapper; inner: the optimiser of their rule.
// Member m keeps slow weights φ (its initial parameters at the first step); after each of its
// updates whose count is a multiple of its k, φ ← φ + α(θ − φ) and θ ← φ. The inner
// optimiser's state carries on (as the paper's reference code), and its per-member update
// count is the Lookahead counter: an inactive member counts no step.
std::unique_ptr<Optimizer> make_lookahead(std::span<const OptimizerOptions> members, std::unique_ptr<Optimizer> inner);

}  // namespace nnlab
