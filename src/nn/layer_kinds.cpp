#include "nn/layer_kinds.hpp"

#include <algorithm>
#include <array>

namespace nnlab {
namespace {

struct KindFacts {
  std::string_view name;
  bool preserves_shape;
  bool noise;
  bool takes_activation;
  bool trains_differently;
};

// In LayerKind's order.
constexpr std::array<KindFacts, 6> facts{{
    {"dense", false, false, true, false},
    {"dropout", true, true, false, true},
    {"gaussian_noise", true, true, false, true},
    {"gaussian_dropout", true, true, false, true},
    {"batchnorm", true, false, true, true},
    {"layernorm", true, false, true, false},
}};
constexpr std::array<std::string_view, facts.size()> names = [] {
  std::array<std::string_view, facts.size()> result;
  for (std::size_t k = 0; k < facts.size(); ++k) result[k] = facts[k].name;
  return result;
}();

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
bool takes_activation(LayerKind kind) { return of(kind).takes_activation; }
bool trains_differently(LayerKind kind) { return of(kind).trains_differently; }

void resolve_units(ModelSpec& model) {
  Index inputs = model.inputs;
  for (LayerSpec& layer : model.layers) {
    if (preserves_shape(layer.kind)) layer.units = inputs;
    inputs = layer.units;
  }
}

Index layer_parameter_count(const LayerSpec& layer, Index inputs) {
  switch (layer.kind) {
    case LayerKind::dense: return layer.units * inputs + (layer.bias ? layer.units : 0);
    case LayerKind::batchnorm:
    case LayerKind::layernorm: return 2 * layer.units;  // weight and bias per feature
    default: return 0;
  }
}

}  // namespace nnlab
