// A model's weights to and from safetensors files (DESIGN §4 layout).
#pragma once

#include <cstddef>
#include <filesystem>
#include <span>
#include <vector>

#include "nn/model.hpp"

namespace nnlab {

// Every member starts from the weights in `file` (layout `layers.{i}.weight` [out, in],
// `layers.{i}.bias` [out], batch norm's `layers.{i}.running_mean`, `.running_var` [C] and
// `.num_batches_tracked` [], optionally with a leading [1] axis). Names and shapes must match.
void load_weights_into(Sequential<float>& model, const std::filesystem::path& file);

// Writes every member's weights and buffers: plain PyTorch layout when P = 1, a leading [P] axis otherwise.
void save_weights(Sequential<float>& model, const std::filesystem::path& file);
// The bytes save_weights would write.
std::vector<std::byte> weights_bytes(Sequential<float>& model);
// One member's weights in the plain PyTorch layout, as bytes.
std::vector<std::byte> member_weights_bytes(Sequential<float>& model, Index member);
// train.prune's final masks (FitOptions::prune_masks: one per weight parameter, [P, ...], 1 kept
// and 0 pruned) under the weights' names, in save_weights' layout.
std::vector<std::byte> prune_mask_bytes(Sequential<float>& model, std::span<const Tensor> masks);
// One member's change of its weights since `step_start` (values of model.parameters(), [P, ...]),
// W − W_start, in the same layout.
std::vector<std::byte> member_update_bytes(Sequential<float>& model, std::span<const Tensor> step_start, Index member);

}  // namespace nnlab
