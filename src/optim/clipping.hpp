// Gradient clipping per member, over all parameters of that member (as
// torch.nn.utils.clip_grad_norm_ / clip_grad_value_ over a model's parameters).
#pragma once

#include <span>
#include <vector>

#include "optim/optimizer.hpp"

namespace nnlab {

// Global L2 norm of member m's gradient over all parameters, for every member: the square
// root of the sum of squares, accumulated in double in a fixed order (parameter, element).
std::vector<double> gradient_norms(std::span<const ParameterSlot> parameters, Index population);

// Scales member m's gradients by clip_coef = max_norm[m] / (norm + 1e-6) when clip_coef < 1
// (PyTorch's formula); max_norm[m] <= 0 means no clipping. Gradients are [P, ...] with
// P = max_norm.size(). Returns the norms before clipping.
std::vector<double> clip_gradient_norm(std::span<Tensor* const> gradients, std::span<const double> max_norm);

// Clamps member m's gradient elements to [-limit[m], limit[m]]; limit[m] <= 0 means none.
// NaN stays NaN (as torch.clamp).
void clip_gradient_value(std::span<Tensor* const> gradients, std::span<const double> limit);

}  // namespace nnlab
