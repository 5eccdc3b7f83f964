// A model's weights to and from safetensors files (DESIGN §4 layout).
#pragma once

#include <cstddef>
#include <filesystem>
#include <vector>

#include "nn/model.hpp"

namespace nnlab {

// Every member starts from the weights in `file` (layout `layers.{i}.weight` [out, in],
// `layers.{i}.bias` [out], optionally with a leading [1] axis). Names and shapes must match.
void load_weights_into(Sequential<float>& model, const std::filesystem::path& file);

// Writes every member's weights: plain PyTorch layout when P = 1, a leading [P] axis otherwise.
void save_weights(Sequential<float>& model, const std::filesystem::path& file);
// The bytes save_weights would write.
std::vector<std::byte> weights_bytes(Sequential<float>& model);
// One member's weights in the plain PyTorch layout, as bytes.
std::vector<std::byte> member_weights_bytes(Sequential<float>& model, Index member);

}  // namespace nnlab
