// A model's weights to and from safetensors files (DESIGN §4 layout).
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "nn/model.hpp"

namespace nnlab {

// Every member starts from the weights in `file` (layout `layers.{i}.weight` [out, in],
// `layers.{i}.bias` [out], batch norm's `layers.{i}.running_mean`, `.running_var` [C] and
// `.num_batches_tracked` [], optionally with a leading [1] axis). Names and shapes must match.
void load_weights_into(Sequential<float>& model, const std::filesystem::path& file);

// Member k of `model` takes member from[k] of a population's weights (weights_bytes' layout):
// the pictures of chosen members of a population trained in parts. InputError naming `where`
// when a tensor is missing or too small.
void load_population_members(Sequential<float>& model, std::span<const std::byte> bytes, std::span<const Index> from,
                             const std::string& where);

// Writes every member's weights and buffers: plain PyTorch layout when P = 1, a leading [P] axis otherwise.
void save_weights(Sequential<float>& model, const std::filesystem::path& file);
// The bytes save_weights would write.
std::vector<std::byte> weights_bytes(Sequential<float>& model);
// One member's weights in the plain PyTorch layout, as bytes.
// named: the member number its metadata gives (default `member`).
std::vector<std::byte> member_weights_bytes(Sequential<float>& model, Index member, std::optional<Index> named = std::nullopt);
// train.prune's final masks (FitOptions::prune_masks: one per weight parameter, [P, ...], 1 kept
// and 0 pruned) under the weights' names, in save_weights' layout.
std::vector<std::byte> prune_mask_bytes(Sequential<float>& model, std::span<const Tensor> masks);
// One member's change of its weights since `step_start` (values of model.parameters(), [P, ...]),
// W − W_start, in the same layout.
std::vector<std::byte> member_update_bytes(Sequential<float>& model, std::span<const Tensor> step_start, Index member);

}  // namespace nnlab
