#include "nn/model_checks.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <stdexcept>
#include <string>

#include "nn/activation.hpp"
#include "nn/layer_kinds.hpp"

namespace nnlab {
namespace {

std::string where(std::size_t layer, const char* key) { return fmt::format("model.layers.{}.{}", layer, key); }

// lsuv and pca: their options, and the layers they can initialise.
void validate_data_init(const LayerSpec& layer, std::size_t i) {
  const InitSpec& init = layer.weight_init;
  const char* name = init.kind == InitKind::lsuv ? "lsuv" : "pca";
  if (init.batch != 0 && init.batch < 2)
    throw std::invalid_argument(fmt::format("{}: {} needs a batch of >= 2 rows, got {}", where(i, "init.weight"), name, init.batch));
  if (init.kind == InitKind::lsuv) {
    if (!(init.tolerance > 0.0 && init.tolerance < 1.0))
      throw std::invalid_argument(fmt::format("{}: lsuv tolerance must be in (0, 1), got {}", where(i, "init.weight"), init.tolerance));
    if (init.iterations < 1)
      throw std::invalid_argument(fmt::format("{}: lsuv iterations must be >= 1, got {}", where(i, "init.weight"), init.iterations));
    return;
  }
  if (layer.kind != LayerKind::dense)
    throw std::invalid_argument(fmt::format("{}: pca initialises dense layers only, not {}", where(i, "init.weight"), layer_kind_name(layer.kind)));
  if (layer.weight_norm)
    throw std::invalid_argument(fmt::format("{}: pca cannot initialise a weight-normalised layer", where(i, "init.weight")));
  Index inputs = 1;
  for (const Index d : layer.input_shape) inputs *= d;
  if (!layer.input_shape.empty() && layer.units > inputs)
    throw std::invalid_argument(fmt::format("{}: pca needs units <= the layer's {} inputs (its principal components), got {} units",
                                            where(i, "init.weight"), inputs, layer.units));
}

// One layer of one member's spec: the values its kind uses, in range.
void validate_layer(const LayerSpec& layer, std::size_t i) {
  if (!takes_activation(layer.kind) && layer.activation.kind != ActivationKind::identity)
    throw std::invalid_argument(
        fmt::format("{}: {} takes no activation (got {})", where(i, "activation"), layer_kind_name(layer.kind),
                    activation_name(layer.activation.kind)));
  if (layer.activation.kind == ActivationKind::sigmoid && !(layer.activation.steepness > 0))
    throw std::invalid_argument(fmt::format("{}: must be > 0, got {}", where(i, "steepness"), layer.activation.steepness));
  if (!has_weights(layer.kind) && layer.weight_norm)
    throw std::invalid_argument(fmt::format("{}: {} has no weights to normalise", where(i, "weight_norm"), layer_kind_name(layer.kind)));
  if (has_weights(layer.kind) && layer.bias && layer.bias_init.kind == InitKind::orthogonal)
    throw std::invalid_argument(fmt::format("{}: orthogonal needs a matrix, not a bias", where(i, "init.bias")));
  if (has_weights(layer.kind) && layer.bias && from_data(layer.bias_init.kind))
    throw std::invalid_argument(fmt::format("{}: lsuv and pca initialise weights, not a bias", where(i, "init.bias")));
  if (from_data(layer.weight_init.kind)) validate_data_init(layer, i);
  const auto check_eps = [&] {
    if (!(layer.eps > 0.0 && std::isfinite(layer.eps)))
      throw std::invalid_argument(fmt::format("{}: must be finite and > 0, got {}", where(i, "eps"), layer.eps));
  };
  const auto positive_pair = [&](const std::array<Index, 2>& pair, const char* key, Index least) {
    if (pair[0] < least || pair[1] < least)
      throw std::invalid_argument(fmt::format("{}: must be >= {}, got [{}, {}]", where(i, key), least, pair[0], pair[1]));
  };
  switch (layer.kind) {
    case LayerKind::dense:
      if (layer.units <= 0)
        throw std::invalid_argument(fmt::format("{}: must be > 0, got {}", where(i, "units"), layer.units));
      return;
    case LayerKind::conv2d:
      if (layer.filters <= 0)
        throw std::invalid_argument(fmt::format("{}: must be > 0, got {}", where(i, "filters"), layer.filters));
      positive_pair(layer.padding, "padding", 0);
      [[fallthrough]];
    case LayerKind::maxpool2d:
    case LayerKind::avgpool2d:
      positive_pair(layer.kernel, "kernel", 1);
      positive_pair(layer.stride, "stride", 1);
      return;
    case LayerKind::flatten: return;
    case LayerKind::dropout:
    case LayerKind::gaussian_dropout:
      if (!(layer.rate >= 0.0 && layer.rate < 1.0))
        throw std::invalid_argument(fmt::format("{}: must be in [0, 1), got {}", where(i, "rate"), layer.rate));
      return;
    case LayerKind::gaussian_noise:
      if (!(layer.std >= 0.0 && std::isfinite(layer.std)))
        throw std::invalid_argument(fmt::format("{}: must be finite and >= 0, got {}", where(i, "std"), layer.std));
      return;
    case LayerKind::batchnorm:
      if (!(layer.momentum >= 0.0 && layer.momentum <= 1.0))
        throw std::invalid_argument(fmt::format("{}: must be in [0, 1], got {}", where(i, "momentum"), layer.momentum));
      check_eps();
      return;
    case LayerKind::layernorm: check_eps(); return;
  }
}

// Each member's spec alone, then agreement with member 0 on everything structural
// (sizes, bias, activation kind); scalars (steepness, slope, alpha, init) may differ.
}  // namespace

void validate_population(std::span<const ModelSpec> members, std::span<const std::uint64_t> seeds) {
  if (members.empty()) throw std::invalid_argument("Sequential: no members");
  if (seeds.size() != members.size())
    throw std::invalid_argument(fmt::format("Sequential: {} seeds for {} members", seeds.size(), members.size()));
  const ModelSpec& first = members.front();
  for (std::size_t m = 0; m < members.size(); ++m) {
    const ModelSpec& spec = members[m];
    if (spec.inputs <= 0) throw std::invalid_argument(fmt::format("model.inputs: must be > 0, got {}", spec.inputs));
    if (spec.layers.empty()) throw std::invalid_argument("model.layers: at least one layer is required");
    for (std::size_t i = 0; i < spec.layers.size(); ++i) validate_layer(spec.layers[i], i);
    const auto differs = [m](const std::string& key, auto mine, auto theirs) {
      return std::invalid_argument(fmt::format(
          "{}: member {} has {} but member 0 has {}; a population must share its structure", key, m, mine, theirs));
    };
    if (spec.inputs != first.inputs) throw differs("model.inputs", spec.inputs, first.inputs);
    if (spec.input_shape != first.input_shape)
      throw differs("model.input_shape", shape_text(spec.input_shape), shape_text(first.input_shape));
    if (spec.layers.size() != first.layers.size())
      throw differs("model.layers", spec.layers.size(), first.layers.size());
    for (std::size_t i = 0; i < spec.layers.size(); ++i) {
      const LayerSpec &mine = spec.layers[i], &theirs = first.layers[i];
      if (mine.kind != theirs.kind) throw differs(where(i, "type"), layer_kind_name(mine.kind), layer_kind_name(theirs.kind));
      if (mine.from != theirs.from)
        throw differs(where(i, "from"), fmt::format("[{}]", fmt::join(mine.from, ", ")), fmt::format("[{}]", fmt::join(theirs.from, ", ")));
      if (mine.kernel != theirs.kernel || mine.stride != theirs.stride || mine.padding != theirs.padding ||
          mine.same_padding != theirs.same_padding || mine.filters != theirs.filters)
        throw differs(where(i, "type"), "another window", "its own");
      if (!has_weights(mine.kind)) continue;
      if (mine.units != theirs.units) throw differs(where(i, "units"), mine.units, theirs.units);
      if (mine.bias != theirs.bias) throw differs(where(i, "bias"), mine.bias, theirs.bias);
      if (mine.weight_norm != theirs.weight_norm) throw differs(where(i, "weight_norm"), mine.weight_norm, theirs.weight_norm);
      if (mine.activation.kind != theirs.activation.kind)
        throw differs(where(i, "activation"), activation_name(mine.activation.kind),
                      activation_name(theirs.activation.kind));
      if (mine.activation.kind != ActivationKind::step) continue;
      if (mine.activation.levels != theirs.activation.levels)
        throw differs(where(i, "levels"), step_levels_name(mine.activation.levels),
                      step_levels_name(theirs.activation.levels));
      if (mine.activation.straight_through != theirs.activation.straight_through)
        throw differs(where(i, "straight_through"), straight_through_name(mine.activation.straight_through),
                      straight_through_name(theirs.activation.straight_through));
    }
  }
}


}  // namespace nnlab
