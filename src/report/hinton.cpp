#include "report/hinton.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace nnlab {

namespace {

constexpr double largest_square = 0.9;       // side of the square of the largest |w|, in cells
constexpr std::size_t max_named_ticks = 16;  // beyond this many rows or columns, the axis shows numbers
constexpr std::size_t max_valued_side = 12;  // layers up to 12 x 12 (bias included) may show their values
constexpr double value_text = 12;            // px
constexpr double panel_margin_width = 90;    // unit label, ticks and padding
constexpr double panel_margin_height = 100;  // panel title, input label, ticks and padding

double largest_magnitude(const HintonLayer& layer) {
  double largest = 0;
  for (const double value : layer.weights.values) {
    if (std::isfinite(value)) largest = std::max(largest, std::abs(value));
  }
  for (const double value : layer.bias) {
    if (std::isfinite(value)) largest = std::max(largest, std::abs(value));
  }
  return largest;
}

void add_square(Panel& panel, double x, double y, double value, double scale_max) {
  if (!std::isfinite(value) || value == 0) return;
  // Area proportional to |w|: the side grows with its square root.
  const double half = largest_square * std::sqrt(std::min(std::abs(value) / scale_max, 1.0)) / 2;
  panel.marks.push_back(RectMark{.x0 = x - half,
                                 .y0 = y - half,
                                 .x1 = x + half,
                                 .y1 = y + half,
                                 .fill = value > 0 ? colors::white : colors::black});
}

// About how many px a layer's cells get with `columns` panels per row (a panel keeps its cells square).
double cell_pixels(const HintonLayer& layer, std::size_t panels, const HintonOptions& options, int columns) {
  const double title_height = options.title.empty() ? 0 : 34;
  const int rows = (static_cast<int>(panels) + columns - 1) / columns;
  const double panel_width = options.width / static_cast<double>(columns) - panel_margin_width;
  const double panel_height = (options.height - title_height) / rows - panel_margin_height;
  const auto across = static_cast<double>(layer.weights.columns + (layer.bias.empty() ? 0 : 1));
  const auto down = static_cast<double>(std::max<std::size_t>(layer.weights.rows, 1));
  return std::min(panel_width / std::max(across, 1.0), panel_height / down);
}

// Panels per row that give the smallest layer's cells the most pixels (wide layers stack, small ones sit side by side).
int fitting_columns(std::span<const HintonLayer> layers, const HintonOptions& options) {
  int best = 1;
  double best_cell = -1;
  for (int columns = 1; columns <= static_cast<int>(layers.size()); ++columns) {
    double smallest = std::numeric_limits<double>::infinity();
    for (const HintonLayer& layer : layers) smallest = std::min(smallest, cell_pixels(layer, layers.size(), options, columns));
    if (smallest > best_cell) {
      best_cell = smallest;
      best = columns;
    }
  }
  return best;
}

// The value in the middle of its cell, when the layer is small and the widest number fits a cell.
void add_values(Panel& panel, const HintonLayer& layer, double cell) {
  const Matrix& weights = layer.weights;
  if (weights.rows > max_valued_side || weights.columns + (layer.bias.empty() ? 0 : 1) > max_valued_side) return;
  std::size_t widest = 0;
  for (const double value : weights.values) widest = std::max(widest, format_number(value, 2).size());
  for (const double value : layer.bias) widest = std::max(widest, format_number(value, 2).size());
  // DejaVu digits are about 0.64 em; the minus sign is three bytes but one glyph.
  if (static_cast<double>(widest) * value_text * 0.55 + 6 > cell || value_text + 4 > cell) return;
  const auto text = [&](double x, double y, double value) {
    if (!std::isfinite(value)) return;
    panel.marks.push_back(TextMark{.x = x, .y = y, .text = format_number(value, 2),
                                   .color = value > 0 ? colors::black : colors::white, .size = value_text});
  };
  for (std::size_t row = 0; row < weights.rows; ++row) {
    for (std::size_t column = 0; column < weights.columns; ++column)
      text(static_cast<double>(column), static_cast<double>(row), weights.at(row, column));
    if (!layer.bias.empty()) text(static_cast<double>(weights.columns), static_cast<double>(row), layer.bias[row]);
  }
}

}  // namespace

Figure hinton_diagram(std::span<const HintonLayer> layers, const HintonOptions& options) {
  double shared_max = 0;
  for (const HintonLayer& layer : layers) {
    const Matrix& weights = layer.weights;
    if (weights.values.size() != weights.rows * weights.columns)
      throw std::invalid_argument("hinton: '" + layer.name + "' weight size mismatch");
    if (!layer.bias.empty() && layer.bias.size() != weights.rows) {
      throw std::invalid_argument("hinton: '" + layer.name + "' has " + std::to_string(layer.bias.size()) +
                                  " biases for " + std::to_string(weights.rows) + " units");
    }
    shared_max = std::max(shared_max, largest_magnitude(layer));
  }
  Figure figure{.width = options.width, .height = options.height, .title = options.title};
  figure.columns = options.columns > 0 ? options.columns : fitting_columns(layers, options);
  for (const HintonLayer& layer : layers) {
    const Matrix& weights = layer.weights;
    double scale_max = options.shared_scale ? shared_max : largest_magnitude(layer);
    if (scale_max == 0) scale_max = 1;
    const bool has_bias = !layer.bias.empty();
    const auto bias_x = static_cast<double>(weights.columns);  // the bias is one more column, after a divider

    Panel panel;
    panel.title = layer.name;
    panel.background = colors::hinton_background;
    panel.frame = false;
    panel.equal_aspect = true;
    panel.x = Axis{.label = "input",
                   .min = -0.5,
                   .max = has_bias ? bias_x + 0.5 : static_cast<double>(weights.columns) - 0.5,
                   .grid = false};
    panel.y = Axis{
        .label = "unit", .min = -0.5, .max = static_cast<double>(weights.rows) - 0.5, .reversed = true, .grid = false};
    // Few inputs or units: name every index (and the bias column) through category labels.
    if (weights.columns <= max_named_ticks) {
      for (std::size_t i = 0; i < weights.columns; ++i) panel.x.categories.push_back(std::to_string(i));
      if (has_bias) panel.x.categories.push_back("bias");
    } else if (has_bias) {
      panel.x.label = "input (last column: bias)";
    }
    if (weights.rows <= max_named_ticks) {
      for (std::size_t i = 0; i < weights.rows; ++i) panel.y.categories.push_back(std::to_string(i));
    }
    for (std::size_t row = 0; row < weights.rows; ++row) {
      for (std::size_t column = 0; column < weights.columns; ++column) {
        add_square(panel, static_cast<double>(column), static_cast<double>(row), weights.at(row, column), scale_max);
      }
      if (has_bias) add_square(panel, bias_x, static_cast<double>(row), layer.bias[row], scale_max);
    }
    if (has_bias) {
      panel.marks.push_back(LineMark{.x = {bias_x - 0.5, bias_x - 0.5},
                                     .y = {-0.5, static_cast<double>(weights.rows) - 0.5},
                                     .color = Color{0.8, 0.8, 0.8},
                                     .width = 1.5});
    }
    if (options.values) add_values(panel, layer, cell_pixels(layer, layers.size(), options, figure.columns));
    figure.panels.push_back(std::move(panel));
  }
  return figure;
}

}  // namespace nnlab
