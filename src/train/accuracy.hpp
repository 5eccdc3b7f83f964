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

}  // namespace nnlab
