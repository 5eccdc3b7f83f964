// What the normalisation layers (batchnorm, layernorm) share: shape checks, and splitting
// [P, ...] work into blocks of channels, features or rows, over threads when the tensor is large. A block is one
// task, so every sum stays on one thread in ascending order and threads cannot change a float.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <stdexcept>

#include "core/tensor.hpp"
#include "core/threads.hpp"

namespace nnlab::norm_blocks {

// body(m, first, size) for blocks [first, first + size) of at most `block` of every member's
// `count` items; `elements` (per member) decides whether threads are worth it.
template <typename Body>
void for_each_block(Index population, Index count, Index block, Index elements, const Body& body) {
  const Index blocks = (count + block - 1) / block;
  parallel_for(population * blocks, population * elements >= (Index{1} << 16), [&](std::int64_t task) {
    const Index first = (task % blocks) * block;
    body(task / blocks, first, std::min(block, count - first));
  });
}

// input [1 or P, B, features], else invalid_argument naming the layer.
template <typename T>
void check_input(const TensorT<T>& input, Index population, Index features, const char* layer) {
  if (input.rank() != 3 || (input.dim(0) != 1 && input.dim(0) != population) || input.dim(2) != features)
    throw std::invalid_argument(
        fmt::format("{}: input {} is not [1 or {}, B, {}]", layer, to_string(input.shape()), population, features));
}

// grad_output shaped as the last forward's output, else invalid_argument naming the layer.
template <typename T>
void check_grad_output(const TensorT<T>& grad_output, const TensorT<T>& output, const char* layer) {
  if (grad_output.shape() != output.shape())
    throw std::invalid_argument(fmt::format("{}: grad_output {} does not match the last forward's {}", layer,
                                            to_string(grad_output.shape()), to_string(output.shape())));
}

}  // namespace nnlab::norm_blocks
