// Weight and bias initialisers (PyTorch's torch.nn.init formulas), drawing from the member's
// counter-based stream CounterRng(seed, RngPurpose::init, layer index, 0 weight | 1 bias):
// a member's initial weights depend only on (seed, layer index, spec), never on P.
#pragma once

#include <cstdint>
#include <span>

#include "core/tensor.hpp"
#include "nn/spec.hpp"

namespace nnlab {

// Fills one member's weight, row-major [fan_out, fan_in] (nn.Linear: out rows, in columns; a
// convolution: [C_out, C_in·kh·kw] with receptive_field = kh·kw, so that Xavier's fan_out is
// PyTorch's C_out·kh·kw). Throws std::invalid_argument for bad spec values (uniform low > high,
// normal std < 0, ...).
template <typename T>
void init_weight(const InitSpec& spec, std::uint64_t seed, int layer_index, Index fan_out, Index fan_in,
                 std::span<T> weight, Index receptive_field = 1);

// Fills one member's bias [fan_out]. Fan-based kinds use the layer's weight fans (torch_default:
// U(±1/sqrt(fan_in)) like nn.Linear); orthogonal has no meaning for a vector -> std::invalid_argument.
template <typename T>
void init_bias(const InitSpec& spec, std::uint64_t seed, int layer_index, Index fan_out, Index fan_in,
               std::span<T> bias);

}  // namespace nnlab
