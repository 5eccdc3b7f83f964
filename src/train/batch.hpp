// Gathering examples into a population batch: [Q, B, F] inputs with Q = 1 when every
// member sees the same rows (shared, not copied P times) or Q = P.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/tensor.hpp"
#include "data/dataset.hpp"

namespace nnlab {

struct Batch {
  Tensor inputs;                      // [Q, B, F]
  Tensor targets;                     // [Q, B, C]
  std::vector<std::int32_t> labels;   // [Q * B]
  std::vector<Index> dataset_rows;    // [Q * B]: the training-set row of each example
  Index rows() const { return inputs.dim(1); }
  Index slices() const { return inputs.dim(0); }
};

// rows[q] lists the dataset rows of slice q; all slices have the same length.
// `targets` is the encoded target matrix [N, C] of `dataset` (encode_targets).
void gather_batch(const Dataset& dataset, const Tensor& targets, std::span<const std::span<const Index>> rows, Batch& batch);

}  // namespace nnlab

namespace nnlab {

// A shared batch (Q = 1) becomes one slice per member (Q = population), each a copy, for a hook
// that changes members' examples differently (train/hook.hpp, on_batch_begin). Q = population: unchanged.
void make_per_member(Batch& batch, Index population);

}  // namespace nnlab
