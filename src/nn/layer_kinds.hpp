// What every layer type is, apart from its forward/backward: its name in configs, the shape it
// outputs for one example and the parameters it holds. Adding a layer type adds it here (the
// table in layer_kinds.cpp and the shape rule in resolve_shapes), in Sequential's constructor
// (model.cpp), and its own file.
//
// Activations flow as [P, B, features] with one example's features stored channel-major:
// an example of shape [C, H, W] is C·H·W consecutive floats, index (c·H + h)·W + w, as a
// contiguous PyTorch tensor [B, C, H, W] holds it. Shapes are bookkeeping of the spec; the
// tensors stay [P, B, F].
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "nn/spec.hpp"

namespace nnlab {

std::string_view layer_kind_name(LayerKind kind);     // "dense", "dropout", ...
std::optional<LayerKind> layer_kind_named(std::string_view name);
std::span<const std::string_view> layer_kind_names();  // every kind, in enum order

// Output shape = input shape (noise layers).
bool preserves_shape(LayerKind kind);
// Draws random numbers in training (and is the identity in evaluation).
bool is_noise(LayerKind kind);
// Has weights (dense, conv2d).
bool has_weights(LayerKind kind);
// Carries an `activation` applied after it (dense, batchnorm, layernorm).
bool takes_activation(LayerKind kind);
// A training forward computes something else than an evaluation one (noise; batch norm's batch
// statistics), so the loss of a training forward is not the loss of the weights.
bool trains_differently(LayerKind kind);

// Fills every layer's `shape` (one example's output) and `units` (its size) from
// model.input_shape (or [model.inputs]), and model.input_shape when it was empty. Throws
// std::invalid_argument "model.layers.{i}.<key>: <reason>" when a layer cannot take its input
// (a conv2d after a flat layer, a kernel larger than its input, a window that leaves nothing,
// `padding: same` with an even kernel or a stride, a `from` naming a later layer or sources
// that cannot join, a layer whose output no later layer takes).
void resolve_shapes(ModelSpec& model);

// A model's input shape from its data: [1, H, W] for examples of shape [H, W] (images), else
// [features].
Shape default_input_shape(Index features, const Shape& example_shape);

// The shape layer i of a resolved model takes (its `input_shape`).
const Shape& input_shape_of(const ModelSpec& model, std::size_t layer);

// A `from` source as the summary and messages name it: "input", "layers.2".
std::string source_name(Index source);

// Parameters of one member's layer given its input shape (dense and conv2d: weight and bias, and
// with weight_norm one gain per unit;
// batchnorm: a weight and a bias per channel; layernorm: per feature).
Index layer_parameter_count(const LayerSpec& layer, const Shape& input);

// "[32, 26, 26]"
std::string shape_text(const Shape& shape);

}  // namespace nnlab
