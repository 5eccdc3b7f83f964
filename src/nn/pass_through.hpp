// What layers that pass their input through share (the noise layers in evaluation, flatten):
// the checks of an input [1 or P, B, F], the identity to [P, B, F], and multiplying a gradient
// by the noise of the last forward.
#pragma once

#include <algorithm>

#include <fmt/format.h>

#include <stdexcept>

#include "core/tensor.hpp"
#include "core/threads.hpp"

namespace nnlab::pass_through {

// input [1 or P, B, F], else invalid_argument naming the layer.
template <typename T>
void check_input(const TensorT<T>& input, Index population, const char* layer) {
  if (input.rank() != 3 || (input.dim(0) != 1 && input.dim(0) != population))
    throw std::invalid_argument(
        fmt::format("{}: input {} is not [1 or {}, B, F]", layer, to_string(input.shape()), population));
}

// The input itself when it has every member, else spread to [P, B, F] in `output`.
template <typename T>
const TensorT<T>& identity(const TensorT<T>& input, Index population, TensorT<T>& output) {
  if (input.dim(0) == population) return input;
  const Index count = input.dim(1) * input.dim(2);
  output.resize({population, input.dim(1), input.dim(2)});
  for_each_piece(population, count, [&](Index m, Index begin, Index size) {
    std::copy_n(input.data() + begin, size, output.data() + m * count + begin);
  });
  return output;
}

// dx = dy · n, element by element ([P, B, F] each).
template <typename T>
const TensorT<T>& times_noise(const TensorT<T>& grad_output, const TensorT<T>& noise, TensorT<T>& grad_input) {
  if (grad_output.shape() != noise.shape())
    throw std::invalid_argument(fmt::format("noise layer: grad_output {} does not match the last forward's {}",
                                            to_string(grad_output.shape()), to_string(noise.shape())));
  grad_input.resize(grad_output.shape());
  const Index count = grad_output.dim(1) * grad_output.dim(2);
  for_each_piece(grad_output.dim(0), count, [&](Index m, Index begin, Index size) {
    const T* dy = grad_output.data() + m * count + begin;
    const T* n = noise.data() + m * count + begin;
    T* dx = grad_input.data() + m * count + begin;
    for (Index i = 0; i < size; ++i) dx[i] = dy[i] * n[i];
  });
  return grad_input;
}

}  // namespace nnlab::pass_through
