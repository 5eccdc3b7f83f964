// `nnlab inspect MODEL.safetensors`: a saved model's weights, and for 6-2-1 networks
// whether they follow Rumelhart et al.'s mirror-symmetry solution.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "core/tensor.hpp"

namespace nnlab {

// The text `nnlab inspect` prints for `member` of the file (population files hold [P, ...]).
std::string inspect_model_file(const std::filesystem::path& file, Index member);

}  // namespace nnlab
