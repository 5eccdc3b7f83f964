// The checks of a population's specs before Sequential builds it: each member's layers hold
// values their kinds take, in range, and every member agrees with member 0 on the structure.
#pragma once

#include <cstdint>
#include <span>

#include "nn/spec.hpp"

namespace nnlab {

// Throws std::invalid_argument "model.layers.{i}.<key>: <reason>" (or "model.inputs: ...") on the
// first problem: a value out of range, a key its kind does not take, or a structural difference
// ("... member 1 has sign but member 0 has binary; a population must share its structure").
void validate_population(std::span<const ModelSpec> members, std::span<const std::uint64_t> seeds);

}  // namespace nnlab
