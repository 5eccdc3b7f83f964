// What every layer type is, apart from its forward/backward: its name in configs, whether it
// has parameters, the features it outputs and the parameters it holds. Adding a layer type
// adds it here (the table in layer_kinds.cpp), in make_layer (model.cpp), and its own file.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "nn/spec.hpp"

namespace nnlab {

std::string_view layer_kind_name(LayerKind kind);     // "dense", "dropout", ...
std::optional<LayerKind> layer_kind_named(std::string_view name);
std::span<const std::string_view> layer_kind_names();  // every kind, in enum order

// Shape-preserving kinds output their input's features; dense outputs `units`.
bool preserves_shape(LayerKind kind);
// Draws random numbers in training (and is the identity in evaluation).
bool is_noise(LayerKind kind);
// Carries an `activation` applied after it (dense, batchnorm, layernorm).
bool takes_activation(LayerKind kind);
// A training forward computes something else than an evaluation one (noise; batch norm's batch
// statistics), so the loss of a training forward is not the loss of the weights.
bool trains_differently(LayerKind kind);

// Sets `units` of every shape-preserving layer to its input's features (model.inputs must be set).
void resolve_units(ModelSpec& model);

// Parameters of one member's layer given its input features (dense: weight and bias;
// batchnorm, layernorm: a weight and a bias per feature).
Index layer_parameter_count(const LayerSpec& layer, Index inputs);

}  // namespace nnlab
