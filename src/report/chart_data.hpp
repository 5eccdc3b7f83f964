// The plain data the chart functions take: curves, replicate bands, labelled values, matrices and
// 2-D points. Nothing here knows about training, experiments or the run store; callers fill these.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/tensor.hpp"
#include "report/color.hpp"

namespace nnlab {

// One curve, e.g. the training loss per epoch. NaN/Inf values (a diverged run) leave a gap.
struct Series {
  std::string name;
  std::vector<double> x;
  std::vector<double> y;
  int color = -1;  // palette index (color.hpp); -1 = the series' position in its list
  bool dashed = false;
  std::optional<Color> exact_color;  // overrides `color`, e.g. a viridis shade standing for a swept value
};

// A summary of replicates over x: a middle line (median, mean) with a spread, plus the individual runs.
struct Band {
  std::string name;
  std::vector<double> x;
  std::vector<double> low;                // lower edge (25th percentile, say); empty = no band
  std::vector<double> mid;                // middle line (median, say)
  std::vector<double> high;               // upper edge; empty = no band
  std::vector<std::vector<double>> runs;  // each replicate's values, one per x; may be empty
  int color = -1;                         // palette index; -1 = position in its list
  std::optional<Color> exact_color;       // overrides `color`
  bool dashed = false;                    // the middle line (validation beside a solid train curve)
};

// A curve that stands for a numeric value, e.g. the loss curve of one learning rate in a sweep.
struct ValuedCurve {
  double value = 0.0;
  std::vector<double> x;
  std::vector<double> y;
};

struct LabelledValue {
  std::string label;
  double value = 0.0;
};

// One series of a grouped bar chart: one value per category.
struct BarGroup {
  std::string name;
  std::vector<double> values;
  int color = -1;
};

// A dense row-major matrix of doubles (a confusion matrix, a layer's weights [out, in], an image h x w).
struct Matrix {
  std::size_t rows = 0;
  std::size_t columns = 0;
  std::vector<double> values;  // rows * columns

  double at(std::size_t row, std::size_t column) const { return values[row * columns + column]; }
};

// Member `member`'s [rows, columns] block of a [P, rows, columns] tensor, or the whole of a [rows, columns] one.
// Other shapes or a member out of range -> std::invalid_argument.
Matrix to_matrix(const Tensor& tensor, Index member = 0);

// Each row of `matrix` (a first-layer weight [out, in] with in = height * width) as a height x width image.
std::vector<Matrix> rows_as_images(const Matrix& matrix, std::size_t height, std::size_t width);

// 2-D points with class labels 0..classes-1, e.g. a t-SNE embedding of test images.
struct ClassPoints {
  std::vector<double> x;
  std::vector<double> y;
  std::vector<int> label;
};

// One layer of a small network for a Hinton diagram.
struct HintonLayer {
  std::string name;
  Matrix weights;            // [out, in]
  std::vector<double> bias;  // out values; empty = no bias column
};

}  // namespace nnlab
