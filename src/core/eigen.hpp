// Eigen-decomposition of a symmetric matrix (LAPACK dsyevd, from OpenBLAS): the principal
// components of a covariance matrix for data-based initialisation (train/data_init.hpp).
#pragma once

#include <span>
#include <vector>

#include "core/tensor.hpp"

namespace nnlab {

// matrix: n × n, symmetric, row-major, both triangles filled. On return `values` holds
// the n eigenvalues in descending order and `matrix` row k the unit eigenvector of values[k],
// its sign chosen so that its entry of largest magnitude (the first of equals) is positive.
// Throws std::runtime_error when LAPACK reports a failure.
void symmetric_eigen(std::span<double> matrix, Index n, std::span<double> values);

// The principal components of `rows` examples of `features` values each (row-major, float):
// the mean, and the eigen-decomposition (as symmetric_eigen) of the unbiased covariance
// Σ_b (x_b − mean)(x_b − mean)ᵀ / (rows − 1), computed in double. rows >= 2.
struct PrincipalComponents {
  std::vector<double> mean;       // [features]
  std::vector<double> variances;  // [features], descending: the eigenvalues
  std::vector<double> vectors;    // [features, features]: row k the component of variances[k]
};
PrincipalComponents principal_components(std::span<const float> data, Index rows, Index features);

}  // namespace nnlab
