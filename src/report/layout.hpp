// Where a panel's parts go (internal to the report layer): axis ranges and ticks, margins sized to
// the text they hold, the plot rectangle, the colour bar and an outside legend; and the mapping
// from data coordinates to pixels.
#pragma once

#include <optional>
#include <vector>

#include "report/canvas.hpp"
#include "report/figure.hpp"
#include "report/scale.hpp"

namespace nnlab {

// Sizes in px, chosen for an 800 x 500 figure; no text is smaller than 12 px.
namespace chart_style {
inline constexpr double figure_title = 18;
inline constexpr double panel_title = 15;
inline constexpr double axis_label = 14;
inline constexpr double tick_label = 13;
inline constexpr double legend_text = 13;
inline constexpr double padding = 10;
inline constexpr double tick_length = 5;
inline constexpr double tick_gap = 3;
inline constexpr double color_bar_gap = 14;
inline constexpr double color_bar_width = 16;
inline constexpr double legend_gap = 12;
inline constexpr double legend_padding = 8;
inline constexpr double legend_symbol = 28;
inline constexpr double legend_row = 20;
inline constexpr double max_legend_label = 220;
inline constexpr double max_category_label = 140;
}  // namespace chart_style

struct AxisLayout {
  Range range;
  std::vector<Tick> ticks;
  bool rotated_labels = false;  // long category names drawn at 45 degrees
  int label_stride = 1;         // label every n-th tick when even rotated labels would collide
};

// Maps data coordinates to pixels of the plot rectangle.
class Frame {
 public:
  Frame(Rect plot, const Axis& x_axis, Range x_range, const Axis& y_axis, Range y_range);

  double px(double x) const;
  double py(double y) const;
  Point at(double x, double y) const { return {px(x), py(y)}; }
  bool shows(double x, double y) const { return plottable(x, x_.kind()) && plottable(y, y_.kind()); }
  bool shows_x(double x) const { return plottable(x, x_.kind()); }
  bool shows_y(double y) const { return plottable(y, y_.kind()); }
  const Rect& plot() const { return plot_; }

 private:
  Rect plot_;
  Scale x_;
  Scale y_;
  bool x_reversed_;
  bool y_reversed_;
};

struct PanelLayout {
  Rect plot;
  AxisLayout x;
  AxisLayout y;
  std::optional<Rect> color_bar;  // the gradient strip
  std::vector<Tick> color_ticks;
  std::optional<Rect> outside_legend;
  double x_label_top = 0.0;   // where the x axis label starts, under the tick labels
  double y_label_left = 0.0;  // where the (rotated) y axis label starts, left of the tick labels

  Frame frame(const Panel& panel) const { return {plot, panel.x, x.range, panel.y, y.range}; }
};

// Width and height of a legend box: its title (when set) and entries; a panel's legend.
Rect legend_extent(Canvas& canvas, const std::vector<LegendEntry>& entries, const std::string& title);
Rect legend_extent(Canvas& canvas, const Panel& panel);

// Lays the panel out inside `cell`; `legend_outside` reserves room for the legend right of the plot.
// Invalid axis limits (min >= max, non-positive on a log axis) -> std::invalid_argument.
PanelLayout layout_panel(Canvas& canvas, const Panel& panel, Rect cell, bool legend_outside);

}  // namespace nnlab
