// An item's outcome (experiment/population_run.hpp) as the bytes a worker rank sends rank 0:
// every member's summary bit for bit (experiment/result_codec.hpp), the population's facts and
// the final weights of a range.
#pragma once

#include <string>
#include <vector>

#include "experiment/population_run.hpp"

namespace nnlab {

std::vector<std::byte> encode_outcome(const ItemOutcome& outcome);
ItemOutcome decode_outcome(std::span<const std::byte> bytes, const std::string& where);

}  // namespace nnlab
