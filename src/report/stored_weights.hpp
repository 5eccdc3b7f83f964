// One member's layers from a safetensors artefact of the run store (final weights, snapshots,
// updates): `layers.{i}.weight` [out, in] (a conv2d's [filters, C, kh, kw], kept as
// [filters, C·kh·kw]) and `layers.{i}.bias` [out], from a plain file or one member of a population
// file [P, ...]; a layer without `weight` (weight-normalised: weight_g and weight_v) is left out.
// Internal to the run report.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "report/chart_data.hpp"

namespace nnlab {

struct LayerWeights {
  int layer = 0;              // i of layers.{i}
  Matrix weight;              // [out, in]; a conv2d's [filters, C·kh·kw]
  std::vector<std::size_t> shape;  // the member's weight shape: [out, in] or [filters, C, kh, kw]
  std::vector<double> bias;   // [out]; empty without biases
};

struct StoredLayers {
  Index population = 1;             // the file's member count (its nnlab_population metadata)
  std::vector<LayerWeights> layers; // by layer index
  std::size_t parameters() const;   // weights and biases of the member
};

// Member `member` (of the file's population; 0 for a plain file) in layer order; nullopt when the
// bytes are not a safetensors file or the member is not in it, never an exception.
std::optional<StoredLayers> decode_layers(std::span<const std::byte> bytes, Index member, const std::string& source);

}  // namespace nnlab
