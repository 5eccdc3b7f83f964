// A heatmap of a matrix with a colour scale and the value written in each cell: confusion matrices
// (true class by predicted class), correlation or weight matrices.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "report/chart_data.hpp"
#include "report/figure.hpp"

namespace nnlab {

struct HeatmapOptions {
  std::string title;
  std::string x_label;                     // names the columns, e.g. "predicted"
  std::string y_label;                     // names the rows, e.g. "true class"
  std::string value_label;                 // the colour bar's label
  std::vector<std::string> row_labels;     // empty = 0, 1, 2, ...
  std::vector<std::string> column_labels;  // empty = 0, 1, 2, ...
  ColorMap map = ColorMap::viridis;        // diverging: the colour range is made symmetric about 0
  std::optional<double> min;               // colour range; unset = the data's
  std::optional<double> max;
  bool annotate = true;  // each cell's value as text, when cells are large enough to hold it
  int significant_digits = 3;
  bool square_cells = true;  // when the matrix is at most 3 times as tall as wide, or as wide as tall
  int width = 800;
  int height = 500;
};

// Row 0 at the top, column 0 on the left; non-finite cells are grey and unlabelled.
Figure heatmap_chart(const Matrix& matrix, const HeatmapOptions& options = {});

}  // namespace nnlab
