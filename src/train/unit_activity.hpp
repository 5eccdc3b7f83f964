// How the units of each layer behave on a fixed probe set: the share of dead ReLUs and of
// saturated sigmoid/tanh outputs (Glorot & Bengio 2010), per member and config layer.
#pragma once

#include <span>

#include "core/tensor.hpp"
#include "nn/spec.hpp"
#include "train/metrics.hpp"

namespace nnlab {

// Saturation: a sigmoid-family output below 0.01 or above 0.99, a tanh-family |y| above 0.99.
inline constexpr double saturation_margin = 0.01;

// layer_outputs[l]: config layer l's outputs [P, rows, units] after its activation (as
// Sequential::layer_outputs gives them); activations[l] its activation. Fills, for member m,
// stats[m * layers + l].dead_fraction for ReLU, leaky ReLU, ELU and step layers (units whose
// output is <= 0 on every row: a step unit that never turns on, at either levels) and .saturated_fraction for sigmoid, hard sigmoid, tanh and hard tanh
// layers (share of (row, unit) outputs in saturation); other layers' fields are left alone.
// Every layer's .activation_mean / .activation_std: over all its (row, unit) outputs.
// Member m's values depend on its own slice only.
void measure_unit_activity(std::span<const Tensor* const> layer_outputs, std::span<const ActivationSpec> activations,
                           std::span<LayerStats> stats);

}  // namespace nnlab
