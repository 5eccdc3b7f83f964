#include "report/matrix_image.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace nnlab {

namespace {

const Color missing_value{0.6, 0.6, 0.6};
constexpr std::size_t max_named_ticks = 16;

void check_shape(const Matrix& matrix, const char* what) {
  if (matrix.values.size() != matrix.rows * matrix.columns) {
    throw std::invalid_argument(std::string(what) + ": matrix holds " + std::to_string(matrix.values.size()) +
                                " values for " + std::to_string(matrix.rows) + " x " + std::to_string(matrix.columns));
  }
}

// An index axis over [-0.5, count - 0.5]: every index named when there are few, numeric ticks otherwise.
Axis index_axis(std::string label, std::size_t count, bool reversed) {
  Axis axis{.label = std::move(label),
            .min = -0.5,
            .max = static_cast<double>(count) - 0.5,
            .padding = 0,
            .reversed = reversed,
            .grid = false};
  if (count <= max_named_ticks)
    for (std::size_t i = 0; i < count; ++i) axis.categories.push_back(std::to_string(i));
  return axis;
}

}  // namespace

Panel signed_matrix_panel(const Matrix& matrix, const SignedMatrixOptions& options) {
  check_shape(matrix, "signed_matrix_panel");
  double extent = 0;
  for (const double value : matrix.values)
    if (std::isfinite(value)) extent = std::max(extent, std::abs(value));
  if (extent == 0) extent = 1;
  Panel panel;
  panel.title = options.title;
  panel.x = index_axis(options.x_label, matrix.columns, false);
  panel.y = index_axis(options.y_label, matrix.rows, true);
  panel.frame = false;
  panel.color_bar = ColorBar{.map = ColorMap::diverging, .min = -extent, .max = extent, .label = options.value_label};
  ImageMark image{.x0 = -0.5,
                  .y0 = -0.5,
                  .x1 = static_cast<double>(matrix.columns) - 0.5,
                  .y1 = static_cast<double>(matrix.rows) - 0.5,
                  .columns = static_cast<int>(matrix.columns),
                  .rows = static_cast<int>(matrix.rows)};
  image.pixels.reserve(matrix.values.size());
  for (const double value : matrix.values)
    image.pixels.push_back(std::isfinite(value) ? sample(ColorMap::diverging, 0.5 + value / (2 * extent)) : missing_value);
  if (matrix.rows > 0 && matrix.columns > 0) panel.marks.push_back(std::move(image));
  return panel;
}

Panel epoch_heatmap_panel(std::span<const double> epochs, const Matrix& values, const EpochHeatmapOptions& options) {
  check_shape(values, "epoch_heatmap_panel");
  if (values.columns != epochs.size()) {
    throw std::invalid_argument("epoch_heatmap_panel: " + std::to_string(values.columns) + " columns for " +
                                std::to_string(epochs.size()) + " epochs");
  }
  if (!std::is_sorted(epochs.begin(), epochs.end()) || std::adjacent_find(epochs.begin(), epochs.end()) != epochs.end())
    throw std::invalid_argument("epoch_heatmap_panel: epochs must ascend");
  if (!options.row_labels.empty() && options.row_labels.size() != values.rows) {
    throw std::invalid_argument("epoch_heatmap_panel: " + std::to_string(options.row_labels.size()) + " row labels for " +
                                std::to_string(values.rows) + " rows");
  }
  double low = std::numeric_limits<double>::infinity();
  double high = -std::numeric_limits<double>::infinity();
  for (const double value : values.values) {
    if (!std::isfinite(value)) continue;
    low = std::min(low, value);
    high = std::max(high, value);
  }
  const Range range = padded_range(options.min.value_or(low), options.max.value_or(high), 0, ScaleKind::linear);
  const Scale colour(ScaleKind::linear, range.low, range.high);

  Panel panel;
  panel.title = options.title;
  panel.frame = false;
  panel.y = Axis{.label = options.y_label, .padding = 0, .reversed = true, .grid = false};
  for (std::size_t row = 0; row < values.rows; ++row)
    panel.y.categories.push_back(options.row_labels.empty() ? std::to_string(row) : options.row_labels[row]);
  panel.color_bar = ColorBar{.map = options.map, .min = range.low, .max = range.high, .label = options.value_label};
  if (epochs.empty() || values.rows == 0) {
    panel.x = Axis{.label = options.x_label, .grid = false};
    return panel;
  }
  // Half the mean step on either side, so that evenly logged epochs get a column each.
  const std::size_t count = epochs.size();
  const double half = count > 1 ? (epochs.back() - epochs.front()) / static_cast<double>(count - 1) / 2 : 0.5;
  const double left = epochs.front() - half;
  const double right = epochs.back() + half;
  panel.x = Axis{.label = options.x_label, .min = left, .max = right, .padding = 0, .grid = false};
  const std::size_t columns = std::min<std::size_t>(count, static_cast<std::size_t>(std::max(options.max_columns, 1)));
  ImageMark image{.x0 = left,
                  .y0 = -0.5,
                  .x1 = right,
                  .y1 = static_cast<double>(values.rows) - 0.5,
                  .columns = static_cast<int>(columns),
                  .rows = static_cast<int>(values.rows)};
  // Column j shows the epoch nearest its centre.
  std::vector<std::size_t> source(columns);
  for (std::size_t j = 0; j < columns; ++j) {
    const double centre = left + (static_cast<double>(j) + 0.5) * (right - left) / static_cast<double>(columns);
    const auto above = static_cast<std::size_t>(std::lower_bound(epochs.begin(), epochs.end(), centre) - epochs.begin());
    std::size_t nearest = std::min(above, count - 1);
    if (above > 0 && (above == count || centre - epochs[above - 1] <= epochs[above] - centre)) nearest = above - 1;
    source[j] = nearest;
  }
  for (std::size_t row = 0; row < values.rows; ++row) {
    for (std::size_t j = 0; j < columns; ++j) {
      const double value = values.at(row, source[j]);
      image.pixels.push_back(std::isfinite(value) ? sample(options.map, colour.fraction(value)) : missing_value);
    }
  }
  panel.marks.push_back(std::move(image));
  return panel;
}

}  // namespace nnlab
