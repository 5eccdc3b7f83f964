#include "report/chart_data.hpp"

#include <stdexcept>

namespace nnlab {

Matrix to_matrix(const Tensor& tensor, Index member) {
  if (tensor.rank() != 2 && tensor.rank() != 3) {
    throw std::invalid_argument("to_matrix: need a [rows, columns] or [P, rows, columns] tensor, got " +
                                to_string(tensor.shape()));
  }
  const bool population = tensor.rank() == 3;
  const Index members = population ? tensor.dim(0) : 1;
  if (member < 0 || member >= members) {
    throw std::invalid_argument("to_matrix: member " + std::to_string(member) + " of " + to_string(tensor.shape()));
  }
  Matrix matrix{.rows = static_cast<std::size_t>(tensor.dim(population ? 1 : 0)),
                .columns = static_cast<std::size_t>(tensor.dim(population ? 2 : 1))};
  const float* block = population ? tensor.slice(member) : tensor.data();
  matrix.values.assign(block, block + matrix.rows * matrix.columns);
  return matrix;
}

std::vector<Matrix> rows_as_images(const Matrix& matrix, std::size_t height, std::size_t width) {
  if (height * width != matrix.columns || matrix.values.size() != matrix.rows * matrix.columns) {
    throw std::invalid_argument("rows_as_images: rows of " + std::to_string(matrix.columns) + " values are not " +
                                std::to_string(height) + " x " + std::to_string(width) + " images");
  }
  std::vector<Matrix> images;
  images.reserve(matrix.rows);
  for (std::size_t row = 0; row < matrix.rows; ++row) {
    const auto first = matrix.values.begin() + static_cast<std::ptrdiff_t>(row * matrix.columns);
    images.push_back(
        {.rows = height, .columns = width, .values = {first, first + static_cast<std::ptrdiff_t>(matrix.columns)}});
  }
  return images;
}

}  // namespace nnlab
