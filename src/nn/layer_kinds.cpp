#include "nn/layer_kinds.hpp"

#include <algorithm>
#include <array>

namespace nnlab {
namespace {

struct KindFacts {
  std::string_view name;
  bool preserves_shape;
  bool noise;
};

// In LayerKind's order.
constexpr std::array<KindFacts, 4> facts{{
    {"dense", false, false},
    {"dropout", true, true},
    {"gaussian_noise", true, true},
    {"gaussian_dropout", true, true},
}};
constexpr std::array<std::string_view, facts.size()> names{facts[0].name, facts[1].name, facts[2].name, facts[3].name};

const KindFacts& of(LayerKind kind) { return facts[static_cast<std::size_t>(kind)]; }

}  // namespace

std::string_view layer_kind_name(LayerKind kind) { return of(kind).name; }

std::optional<LayerKind> layer_kind_named(std::string_view name) {
  const auto found = std::find(names.begin(), names.end(), name);
  if (found == names.end()) return std::nullopt;
  return static_cast<LayerKind>(found - names.begin());
}

std::span<const std::string_view> layer_kind_names() { return names; }

bool preserves_shape(LayerKind kind) { return of(kind).preserves_shape; }
bool is_noise(LayerKind kind) { return of(kind).noise; }

void resolve_units(ModelSpec& model) {
  Index inputs = model.inputs;
  for (LayerSpec& layer : model.layers) {
    if (preserves_shape(layer.kind)) layer.units = inputs;
    inputs = layer.units;
  }
}

Index layer_parameter_count(const LayerSpec& layer, Index inputs) {
  if (layer.kind != LayerKind::dense) return 0;
  return layer.units * inputs + (layer.bias ? layer.units : 0);
}

}  // namespace nnlab
