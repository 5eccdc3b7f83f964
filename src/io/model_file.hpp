// Model weights as safetensors in the PyTorch nn.Linear layout of DESIGN §4: `layers.{i}.weight`
// [out, in] and `layers.{i}.bias` [out]; a population file keeps the leading member axis [P, ...].
// Knows names and shapes only, not layers, so io stays independent of nn.
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/tensor.hpp"
#include "io/safetensors.hpp"

namespace nnlab {

std::string layer_weight_name(std::size_t layer);  // "layers.{layer}.weight"
std::string layer_bias_name(std::size_t layer);    // "layers.{layer}.bias"

// What the caller's model holds under `name`: one member's shape, without the member axis.
struct ExpectedTensor {
  std::string name;
  Shape shape;
};

// parameters: each [P, ...] with the same P. P = 1 writes the plain PyTorch layout (member axis
// dropped), P > 1 keeps [P, ...]. Metadata {"format": "pt", "nnlab_population": "<P>"}. Atomic.
void write_model_file(const std::filesystem::path& file, std::span<const NamedTensor> parameters);

// The same file's bytes, in memory (the run store keeps final weights as an artefact).
std::vector<std::byte> model_file_bytes(std::span<const NamedTensor> parameters);
// One member of a population, in the plain layout (e.g. the best of many replicates);
// metadata adds "nnlab_member": "<member>".
void write_member_model_file(const std::filesystem::path& file, std::span<const NamedTensor> parameters, Index member);

// The bytes write_member_model_file writes.
// named: the member number the metadata gives (default `member`; a population trained in parts numbers its own).
std::vector<std::byte> member_model_file_bytes(std::span<const NamedTensor> parameters, Index member, std::optional<Index> named = std::nullopt);
// Reads name -> [1, ...] for exactly the expected tensors. A tensor may be stored plain (the
// expected shape), as [1, ...], or as a population [P, ...]; a population file needs `member`
// (< P) to say which member to load, and all its population tensors must agree on P.
// Missing, unexpected or wrongly shaped tensors are InputErrors naming the tensor and shapes.
std::map<std::string, Tensor> read_model_file(const std::filesystem::path& file,
                                              std::span<const ExpectedTensor> expected,
                                              std::optional<Index> member = std::nullopt);

}  // namespace nnlab
