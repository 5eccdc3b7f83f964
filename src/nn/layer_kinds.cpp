#include "nn/layer_kinds.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <functional>
#include <numeric>
#include <stdexcept>
#include <vector>

namespace nnlab {
namespace {

struct KindFacts {
  std::string_view name;
  bool preserves_shape;
  bool noise;
  bool weights;
  bool takes_activation;
  bool trains_differently;
};

// In LayerKind's order.
constexpr std::array<KindFacts, 10> facts{{
    {"dense", false, false, true, true, false},
    {"dropout", true, true, false, false, true},
    {"gaussian_noise", true, true, false, false, true},
    {"gaussian_dropout", true, true, false, false, true},
    {"conv2d", false, false, true, true, false},
    {"maxpool2d", false, false, false, false, false},
    {"avgpool2d", false, false, false, false, false},
    {"flatten", false, false, false, false, false},
    {"batchnorm", true, false, false, true, true},
    {"layernorm", true, false, false, true, false},
}};
constexpr auto names = [] {
  std::array<std::string_view, facts.size()> result{};
  for (std::size_t i = 0; i < facts.size(); ++i) result[i] = facts[i].name;
  return result;
}();

const KindFacts& of(LayerKind kind) { return facts[static_cast<std::size_t>(kind)]; }

Index product(const Shape& shape) { return std::accumulate(shape.begin(), shape.end(), Index{1}, std::multiplies<>()); }

[[noreturn]] void fail(std::size_t layer, const char* key, const std::string& reason) {
  throw std::invalid_argument(fmt::format("model.layers.{}.{}: {}", layer, key, reason));
}

// The [C, H', W'] a window of `kernel` at `stride` over [C, H, W] padded by `padding` leaves.
Shape windowed(const Shape& input, const LayerSpec& layer, std::size_t i, Index channels) {
  std::array<Index, 2> out{};
  for (std::size_t d = 0; d < 2; ++d) {
    const Index extent = input[d + 1] + 2 * layer.padding[d];
    if (layer.kernel[d] > extent)
      fail(i, "kernel",
           fmt::format("[{}, {}] does not fit the input {}{}", layer.kernel[0], layer.kernel[1], shape_text(input),
                       layer.padding[0] + layer.padding[1] > 0
                           ? fmt::format(" padded to [{}, {}]", input[1] + 2 * layer.padding[0], input[2] + 2 * layer.padding[1])
                           : std::string()));
    out[d] = (extent - layer.kernel[d]) / layer.stride[d] + 1;
  }
  return {channels, out[0], out[1]};
}


// The shape layer i takes: its predecessor's output, or the join of its `from` sources.
Shape joined_input(const ModelSpec& model, std::size_t i) {
  const LayerSpec& layer = model.layers[i];
  if (layer.from.empty()) return i == 0 ? model.input_shape : model.layers[i - 1].shape;
  Shape joined;
  for (std::size_t k = 0; k < layer.from.size(); ++k) {
    const Index source = layer.from[k];
    if (source != network_input && (source < 0 || source >= static_cast<Index>(i)))
      fail(i, "from", fmt::format("{} is not an earlier layer (a layer takes `input` or layers 0 to {})", source,
                                  static_cast<Index>(i) - 1));
    if (std::find(layer.from.begin(), layer.from.begin() + static_cast<std::ptrdiff_t>(k), source) !=
        layer.from.begin() + static_cast<std::ptrdiff_t>(k))
      fail(i, "from", fmt::format("lists {} twice", source == network_input ? std::string("input") : std::to_string(source)));
    const Shape& shape = source == network_input ? model.input_shape : model.layers[static_cast<std::size_t>(source)].shape;
    if (joined.empty()) {
      joined = shape;
      continue;
    }
    const bool flat = joined.size() == 1 && shape.size() == 1;
    const bool maps = joined.size() == 3 && shape.size() == 3 && joined[1] == shape[1] && joined[2] == shape[2];
    if (!flat && !maps)
      fail(i, "from",
           fmt::format("cannot join {} with {}: flat outputs join flat ones, and [C, H, W] maps join along C when H and W "
                       "agree (flatten first)",
                       shape_text(joined), shape_text(shape)));
    joined[0] += shape[0];
  }
  return joined;
}

// A layer whose output no later layer takes would train nothing: layer j's output goes to layer
// j + 1 unless that layer has a `from` without j.
void check_every_output_used(const ModelSpec& model) {
  std::vector<bool> used(model.layers.size(), false);
  for (std::size_t i = 0; i < model.layers.size(); ++i) {
    if (model.layers[i].from.empty() && i > 0) used[i - 1] = true;
    for (const Index source : model.layers[i].from)
      if (source != network_input) used[static_cast<std::size_t>(source)] = true;
  }
  for (std::size_t j = 0; j + 1 < model.layers.size(); ++j)
    if (!used[j])
      fail(j + 1, "from", fmt::format("leaves the output of layer {} unused (add {} to it, or remove layer {})", j, j, j));
}

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
bool has_weights(LayerKind kind) { return of(kind).weights; }
bool takes_activation(LayerKind kind) { return of(kind).takes_activation; }
bool trains_differently(LayerKind kind) { return of(kind).trains_differently; }

std::string shape_text(const Shape& shape) { return fmt::format("[{}]", fmt::join(shape, ", ")); }

void resolve_shapes(ModelSpec& model) {
  if (model.input_shape.empty()) model.input_shape = {model.inputs};
  for (std::size_t i = 0; i < model.layers.size(); ++i) {
    LayerSpec& layer = model.layers[i];
    layer.input_shape = joined_input(model, i);
    const Shape& input = layer.input_shape;
    const bool spatial = layer.kind == LayerKind::conv2d || layer.kind == LayerKind::maxpool2d || layer.kind == LayerKind::avgpool2d;
    if (spatial && input.size() != 3)
      fail(i, "type",
           fmt::format("{} needs a [C, H, W] input, got {} (set model.input_shape, or move it before the flatten or dense "
                       "layer)",
                       layer_kind_name(layer.kind), shape_text(input)));
    switch (layer.kind) {
      case LayerKind::dense: layer.shape = {layer.units}; break;
      case LayerKind::conv2d:
        if (layer.same_padding) {
          if (layer.kernel[0] % 2 == 0 || layer.kernel[1] % 2 == 0)
            fail(i, "padding", fmt::format("same needs an odd kernel, got [{}, {}]", layer.kernel[0], layer.kernel[1]));
          if (layer.stride[0] != 1 || layer.stride[1] != 1)
            fail(i, "padding", fmt::format("same needs stride 1, got [{}, {}]", layer.stride[0], layer.stride[1]));
          layer.padding = {(layer.kernel[0] - 1) / 2, (layer.kernel[1] - 1) / 2};
        }
        layer.shape = windowed(input, layer, i, layer.filters);
        break;
      case LayerKind::maxpool2d:
      case LayerKind::avgpool2d: layer.shape = windowed(input, layer, i, input[0]); break;
      case LayerKind::flatten: layer.shape = {product(input)}; break;
      case LayerKind::dropout:
      case LayerKind::gaussian_noise:
      case LayerKind::gaussian_dropout:
      case LayerKind::batchnorm:
      case LayerKind::layernorm: layer.shape = input; break;
    }
    layer.units = product(layer.shape);
  }
  check_every_output_used(model);
}

Shape default_input_shape(Index features, const Shape& example_shape) {
  if (example_shape.size() == 2 && example_shape[0] * example_shape[1] == features) return {1, example_shape[0], example_shape[1]};
  return {features};
}

const Shape& input_shape_of(const ModelSpec& model, std::size_t layer) { return model.layers[layer].input_shape; }

std::string source_name(Index source) { return source == network_input ? "input" : fmt::format("layers.{}", source); }

Index layer_parameter_count(const LayerSpec& layer, const Shape& input) {
  // A weight-normalised layer holds v (the weight's size) and one g per unit, as PyTorch counts.
  const Index bias = layer.bias ? 1 : 0, per_unit = bias + (layer.weight_norm ? 1 : 0);
  switch (layer.kind) {
    case LayerKind::dense: return layer.units * product(input) + per_unit * layer.units;
    case LayerKind::conv2d: return layer.filters * input.at(0) * layer.kernel[0] * layer.kernel[1] + per_unit * layer.filters;
    case LayerKind::batchnorm: return 2 * input.at(0);  // weight and bias per channel (per feature when flat)
    case LayerKind::layernorm: return 2 * product(input);  // weight and bias per feature
    default: return 0;
  }
}

}  // namespace nnlab
