// A population trained in parts (ranges of its members, experiment/work.hpp) has one weights
// file per part; joined along the member axis they are the bytes weights_bytes gives for the
// whole population.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "core/tensor.hpp"

namespace nnlab {

// parts in member order; members[i]: the members part i holds (a part of one member is in the
// plain layout, without the member axis). InputError naming `where` when the parts disagree.
std::vector<std::byte> join_member_parts(std::span<const std::vector<std::byte>> parts, std::span<const Index> members, const std::string& where);

}  // namespace nnlab
