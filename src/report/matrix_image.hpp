// Matrices too large for a cell per value, drawn as one image each with a colour bar: a layer's
// weights or its last update ΔW (a diverging map centred on 0), and a value per row and epoch such
// as each class's accuracy over training. Each returns a Panel, to be set side by side in a Figure.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "report/chart_data.hpp"
#include "report/figure.hpp"

namespace nnlab {

struct SignedMatrixOptions {
  std::string title;
  std::string x_label = "input";
  std::string y_label = "unit";
  std::string value_label = "weight";  // the colour bar's label
};

// Row 0 at the top, column 0 on the left; blue negative, white 0, red positive over ±max|value|
// (±1 when every value is 0); NaN/Inf grey. Up to 16 rows (columns) every index is a tick.
Panel signed_matrix_panel(const Matrix& matrix, const SignedMatrixOptions& options = {});

struct EpochHeatmapOptions {
  std::string title;
  std::string x_label = "epoch";
  std::string y_label;
  std::string value_label;              // the colour bar's label
  std::vector<std::string> row_labels;  // one per row (e.g. class names); empty = 0, 1, 2, ...
  ColorMap map = ColorMap::viridis;
  std::optional<double> min;  // colour range; unset = the data's
  std::optional<double> max;
  int max_columns = 400;  // more epochs than this are drawn on this many columns, each the nearest epoch's value
};

// `values` is rows x epochs.size(): row r's value at epochs[i] (ascending). Each epoch's column is as
// wide as the mean step between epochs; NaN (not recorded) is grey. Mismatched sizes, epochs not
// ascending or a wrong number of row labels -> std::invalid_argument.
Panel epoch_heatmap_panel(std::span<const double> epochs, const Matrix& values, const EpochHeatmapOptions& options = {});

}  // namespace nnlab
