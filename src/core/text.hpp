// Small text helpers shared by summaries and tables.
#pragma once

#include <string>

#include "core/tensor.hpp"

namespace nnlab {

// 238510 -> "238,510"; -1234 -> "-1,234".
std::string with_thousands(Index value);

}  // namespace nnlab
