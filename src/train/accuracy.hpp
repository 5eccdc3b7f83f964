// Classification accuracy of model outputs: one output -> threshold 0.5 (a logistic
// unit's "rounds correctly"); several -> argmax.
#pragma once

#include <cstdint>
#include <span>

#include "core/tensor.hpp"

namespace nnlab {

// output [P, B, C]; labels [Q * B] with Q = 1 (shared) or P. Adds member m's count of
// correct examples into correct[m].
void count_correct(const Tensor& output, std::span<const std::int32_t> labels, std::span<std::int64_t> correct);

// The same per class: adds member m's correct examples of class k into correct[m * classes + k].
// Labels outside [0, classes) are not counted.
void count_correct_per_class(const Tensor& output, std::span<const std::int32_t> labels, Index classes,
                             std::span<std::int64_t> correct);

// How many of `labels` (one slice of B, or P slices) are of each class: [Q * classes].
void count_per_class(std::span<const std::int32_t> labels, Index classes, std::span<std::int64_t> counts);

// correct [P * classes] / totals ([classes], or [P * classes]) into member m's vector; a class
// without examples gives NaN.
void class_accuracies(std::span<const std::int64_t> correct, std::span<const std::int64_t> totals, Index classes,
                      Index member, std::vector<double>& out);

}  // namespace nnlab
