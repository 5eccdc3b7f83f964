#include "report/heatmap.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace nnlab {

namespace {

const Color missing_cell{0.6, 0.6, 0.6};  // darker than any near-zero colour of both maps
constexpr double annotation_size = 12;    // px
// Rough room the figure leaves for cells (axes, labels and colour bar take the rest), to decide
// before layout whether the numbers will fit into the cells.
constexpr double reserved_width = 260;
constexpr double reserved_height = 120;

std::vector<std::string> labels_or_indices(const std::vector<std::string>& labels, std::size_t count,
                                           const char* what) {
  if (labels.empty()) {
    std::vector<std::string> indices;
    for (std::size_t i = 0; i < count; ++i) indices.push_back(std::to_string(i));
    return indices;
  }
  if (labels.size() != count) {
    throw std::invalid_argument(std::string("heatmap: ") + std::to_string(labels.size()) + " " + what + " labels for " +
                                std::to_string(count) + " " + what + "s");
  }
  return labels;
}

}  // namespace

Figure heatmap_chart(const Matrix& matrix, const HeatmapOptions& options) {
  if (matrix.values.size() != matrix.rows * matrix.columns) {
    throw std::invalid_argument("heatmap: matrix holds " + std::to_string(matrix.values.size()) + " values for " +
                                std::to_string(matrix.rows) + " x " + std::to_string(matrix.columns));
  }
  double low = std::numeric_limits<double>::infinity();
  double high = -std::numeric_limits<double>::infinity();
  for (const double value : matrix.values) {
    if (!std::isfinite(value)) continue;
    low = std::min(low, value);
    high = std::max(high, value);
  }
  if (options.map == ColorMap::diverging && std::isfinite(low)) {
    const double extent = std::max(std::abs(low), std::abs(high));
    low = -extent;
    high = extent;
  }
  const Range range = padded_range(options.min.value_or(low), options.max.value_or(high), 0, ScaleKind::linear);
  const Scale colour_scale(ScaleKind::linear, range.low, range.high);

  Panel panel;
  panel.title = options.title;
  panel.x = Axis{.label = options.x_label,
                 .padding = 0,
                 .categories = labels_or_indices(options.column_labels, matrix.columns, "column"),
                 .grid = false};
  panel.y = Axis{.label = options.y_label,
                 .padding = 0,
                 .categories = labels_or_indices(options.row_labels, matrix.rows, "row"),
                 .reversed = true,
                 .grid = false};
  panel.frame = false;
  // Square cells suit matrices of about square shape; a 30 x 5 matrix drawn square would be a sliver.
  const double shape = static_cast<double>(std::max(matrix.rows, matrix.columns)) /
                       static_cast<double>(std::max<std::size_t>(std::min(matrix.rows, matrix.columns), 1));
  const bool square_cells = options.square_cells && shape <= 3;
  panel.equal_aspect = square_cells;
  panel.color_bar = ColorBar{.map = options.map, .min = range.low, .max = range.high, .label = options.value_label};

  // Numbers only when the widest fits a cell of the expected size.
  double cell_width = (options.width - reserved_width) / static_cast<double>(std::max<std::size_t>(matrix.columns, 1));
  double cell_height = (options.height - reserved_height) / static_cast<double>(std::max<std::size_t>(matrix.rows, 1));
  if (square_cells) cell_width = cell_height = std::min(cell_width, cell_height);
  std::size_t widest_text = 0;
  for (const double value : matrix.values)
    widest_text = std::max(widest_text, format_number(value, options.significant_digits).size());
  const double text_px = static_cast<double>(widest_text) * annotation_size * 0.62 + 4;  // DejaVu digits are 0.64 em
  const bool annotate = options.annotate && text_px <= cell_width && annotation_size + 2 <= cell_height;

  // Cells as one raster: adjacent rectangles would leave faint anti-aliased seams between them.
  ImageMark cells{.x0 = -0.5,
                  .y0 = -0.5,
                  .x1 = static_cast<double>(matrix.columns) - 0.5,
                  .y1 = static_cast<double>(matrix.rows) - 0.5,
                  .columns = static_cast<int>(matrix.columns),
                  .rows = static_cast<int>(matrix.rows)};
  std::vector<TextMark> labels;
  for (std::size_t row = 0; row < matrix.rows; ++row) {
    for (std::size_t column = 0; column < matrix.columns; ++column) {
      const double value = matrix.at(row, column);
      const bool finite = std::isfinite(value);
      const Color fill = finite ? sample(options.map, colour_scale.fraction(value)) : missing_cell;
      cells.pixels.push_back(fill);
      if (annotate && finite) {
        // White text on dark cells, near-black on light ones (0.18: where both contrast ratios are equal).
        const Color ink = relative_luminance(fill) < 0.18 ? colors::white : colors::text;
        labels.push_back(TextMark{.x = static_cast<double>(column),
                                  .y = static_cast<double>(row),
                                  .text = format_number(value, options.significant_digits),
                                  .color = ink,
                                  .size = annotation_size});
      }
    }
  }
  panel.marks.push_back(std::move(cells));
  for (TextMark& label : labels) panel.marks.push_back(std::move(label));
  Figure figure{.width = options.width, .height = options.height};
  figure.panels.push_back(std::move(panel));
  return figure;
}

}  // namespace nnlab
