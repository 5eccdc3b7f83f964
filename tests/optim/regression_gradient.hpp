// The tiny linear regression of golden_lookahead.py and golden_momentum_cycle.py: the gradient
// of 0.5 * mean((X w + b - y)^2) at the (float) parameters w [1, 3] and b [1, 1], in double.
#pragma once

#include <vector>

#include "core/tensor.hpp"

namespace nnlab::regression {

inline void regression_gradient(const std::vector<std::vector<double>>& x, const std::vector<double>& y, const Tensor& w, const Tensor& b,
                                Tensor& grad_w, Tensor& grad_b) {
  const auto n = static_cast<double>(x.size());
  std::vector<double> gw(3, 0.0);
  double gb = 0;
  for (std::size_t r = 0; r < x.size(); ++r) {
    double residual = static_cast<double>(b[0]) - y[r];
    for (std::size_t j = 0; j < 3; ++j) residual += x[r][j] * static_cast<double>(w[static_cast<Index>(j)]);
    for (std::size_t j = 0; j < 3; ++j) gw[j] += x[r][j] * residual / n;
    gb += residual / n;
  }
  for (std::size_t j = 0; j < 3; ++j) grad_w[static_cast<Index>(j)] = static_cast<float>(gw[j]);
  grad_b[0] = static_cast<float>(gb);
}

}  // namespace nnlab::regression
