#include "report/stored_weights.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <exception>
#include <map>

#include "io/safetensors.hpp"

namespace nnlab {

std::size_t StoredLayers::parameters() const {
  std::size_t count = 0;
  for (const LayerWeights& layer : layers) count += layer.weight.values.size() + layer.bias.size();
  return count;
}

std::optional<StoredLayers> decode_layers(std::span<const std::byte> bytes, Index member, const std::string& source) {
  if (bytes.empty()) return std::nullopt;
  try {
    const SafetensorsFile file = parse_safetensors(bytes, source);
    StoredLayers stored;
    if (const auto p = file.metadata.find("nnlab_population"); p != file.metadata.end()) {
      const std::string& text = p->second;
      const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), stored.population);
      if (error != std::errc() || end != text.data() + text.size() || stored.population < 1) return std::nullopt;
    }
    if (member < 0 || member >= stored.population) return std::nullopt;
    // A population file keeps the member axis first: [P, out, in] / [P, out]; a plain one does not.
    const std::size_t offset = stored.population > 1 ? 1 : 0;
    std::map<int, LayerWeights> layers;
    for (const NamedTensor& tensor : file.tensors) {
      int layer = -1;
      char kind[8] = {};
      if (std::sscanf(tensor.name.c_str(), "layers.%d.%7s", &layer, kind) != 2 || layer < 0) continue;
      const Shape& shape = tensor.value.shape();
      // A population tensor holds every member: [P, ...] with the file's P, else it is not ours.
      if (offset == 1 && (shape.empty() || shape[0] != stored.population)) continue;
      // Only `weight` and `bias`: a weight-normalised layer's `weight_g` / `weight_v` (read as
      // "weight_") are left out, so its figure is skipped. Its w = g · v / ‖v‖ is not computed here:
      // update artefacts hold Δg and Δv under the same names, from which no ΔW follows.
      const std::string what(kind);
      const float* block = offset == 1 ? tensor.value.slice(member) : tensor.value.data();
      if (what == "weight" && (shape.size() == offset + 2 || shape.size() == offset + 4)) {
        LayerWeights& weights = layers[layer];
        weights.shape.assign(shape.begin() + static_cast<std::ptrdiff_t>(offset), shape.end());
        Matrix& matrix = weights.weight;
        matrix.rows = weights.shape[0];
        matrix.columns = 1;
        for (std::size_t axis = 1; axis < weights.shape.size(); ++axis) matrix.columns *= weights.shape[axis];
        matrix.values.assign(block, block + matrix.rows * matrix.columns);
      } else if (what == "bias" && shape.size() == offset + 1) {
        layers[layer].bias.assign(block, block + shape[offset]);
      }
    }
    for (auto& [index, layer] : layers) {
      if (layer.weight.values.empty()) continue;
      if (!layer.bias.empty() && layer.bias.size() != layer.weight.rows) layer.bias.clear();
      layer.layer = index;
      stored.layers.push_back(std::move(layer));
    }
    if (stored.layers.empty()) return std::nullopt;
    return stored;
  } catch (const std::exception&) {
    return std::nullopt;  // a damaged artefact is left out of the report, not the whole report
  }
}

}  // namespace nnlab
