#include "report/layout.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <string>

namespace nnlab {

namespace {

namespace style = chart_style;

constexpr double sin45 = std::numbers::sqrt2 / 2;
// Pixels are clamped this far outside the plot: a diverged value (1e30) must not overflow cairo's
// fixed-point coordinates, and the visible part of a line keeps its slope to well under a pixel.
constexpr double far_outside = 1e5;

// The smallest and largest value seen on one axis.
struct Extent {
  double low = std::numeric_limits<double>::infinity();
  double high = -std::numeric_limits<double>::infinity();
  void add(double value) {
    low = std::min(low, value);
    high = std::max(high, value);
  }
};

struct Extents {
  ScaleKind x_kind;
  ScaleKind y_kind;
  Extent x;
  Extent y;

  void add_point(double x_value, double y_value) {
    if (!plottable(x_value, x_kind) || !plottable(y_value, y_kind)) return;
    x.add(x_value);
    y.add(y_value);
  }
  void add_x(double value) {
    if (plottable(value, x_kind)) x.add(value);
  }
  void add_y(double value) {
    if (plottable(value, y_kind)) y.add(value);
  }

  void add(const LineMark& mark) {
    for (std::size_t i = 0; i < std::min(mark.x.size(), mark.y.size()); ++i) add_point(mark.x[i], mark.y[i]);
  }
  void add(const PointMark& mark) {
    for (std::size_t i = 0; i < std::min(mark.x.size(), mark.y.size()); ++i) add_point(mark.x[i], mark.y[i]);
  }
  void add(const BandMark& mark) {
    for (std::size_t i = 0; i < std::min({mark.x.size(), mark.low.size(), mark.high.size()}); ++i) {
      add_point(mark.x[i], mark.low[i]);
      add_point(mark.x[i], mark.high[i]);
    }
  }
  void add(const AreaMark& mark) {
    for (std::size_t i = 0; i < std::min(mark.x.size(), mark.y.size()); ++i) add_point(mark.x[i], mark.y[i]);
  }
  void add(const ErrorBarMark& mark) {
    for (std::size_t i = 0; i < std::min({mark.x.size(), mark.low.size(), mark.high.size()}); ++i) {
      add_point(mark.x[i], mark.low[i]);
      add_point(mark.x[i], mark.high[i]);
    }
  }
  void add(const RectMark& mark) {
    add_x(mark.x0);
    add_x(mark.x1);
    add_y(mark.y0);
    add_y(mark.y1);
  }
  void add(const TextMark& mark) { add_point(mark.x, mark.y); }
  void add(const ImageMark& mark) {
    add_x(mark.x0);
    add_x(mark.x1);
    add_y(mark.y0);
    add_y(mark.y1);
  }
};

Range axis_range(const Axis& axis, const Extent& extent) {
  const bool log = axis.scale == ScaleKind::log;
  Range range = axis.categories.empty() ? padded_range(extent.low, extent.high, axis.padding, axis.scale)
                                        : Range{-0.5, static_cast<double>(axis.categories.size()) - 0.5};
  if (axis.min) range.low = *axis.min;
  if (axis.max) range.high = *axis.max;
  if (!plottable(range.low, axis.scale) || !plottable(range.high, axis.scale)) {
    throw std::invalid_argument("Axis '" + axis.label + "': limits must be finite (and > 0 on a log scale)");
  }
  if (range.high > range.low) return range;
  // One fixed limit on the far side of all the data: keep it and show one unit (one decade) beyond.
  if (axis.min && axis.max) throw std::invalid_argument("Axis '" + axis.label + "': min must be below max");
  if (axis.min) {
    range.high = log ? range.low * 10 : range.low + 1;
  } else {
    range.low = log ? range.high / 10 : range.high - 1;
  }
  return range;
}

double widest_label(const Canvas& canvas, const std::vector<Tick>& ticks) {
  double widest = 0;
  for (const Tick& tick : ticks) widest = std::max(widest, canvas.text_width(tick.label));
  return widest;
}

// Horizontal tick labels need a clear gap between neighbours.
bool labels_fit(const Canvas& canvas, const std::vector<Tick>& ticks, const Scale& scale, double length) {
  constexpr double min_gap = 12;
  for (std::size_t i = 1; i < ticks.size(); ++i) {
    const double distance = (scale.fraction(ticks[i].value) - scale.fraction(ticks[i - 1].value)) * length;
    const double half_widths = (canvas.text_width(ticks[i].label) + canvas.text_width(ticks[i - 1].label)) / 2;
    if (std::abs(distance) < half_widths + min_gap) return false;
  }
  return true;
}

// Ticks for one axis `length` px long; the canvas font must be the tick font.
AxisLayout layout_axis(const Canvas& canvas, const Axis& axis, Range range, double length, bool horizontal) {
  AxisLayout layout{.range = range};
  if (!axis.visible) return layout;
  const Scale scale(axis.scale, range.low, range.high);
  if (!axis.categories.empty()) {
    for (std::size_t i = 0; i < axis.categories.size(); ++i) {
      const auto position = static_cast<double>(i);
      if (position >= range.low && position <= range.high) layout.ticks.push_back({position, axis.categories[i]});
    }
    const double spacing = length / (range.high - range.low);  // px between neighbouring categories
    const double line = canvas.line_height();
    // Whole names when they fit side by side; otherwise shortened and, on the x axis, turned 45 degrees.
    if (!horizontal || widest_label(canvas, layout.ticks) + 8 > spacing) {
      for (Tick& tick : layout.ticks) tick.label = canvas.elide(tick.label, style::max_category_label);
      if (horizontal) layout.rotated_labels = true;
    }
    // Rotated labels stand spacing * sin45 apart, and rows of text need a line each.
    const double room = layout.rotated_labels ? spacing * sin45 : spacing;
    if ((layout.rotated_labels || !horizontal) && room > 0 && line * 1.1 > room) {
      layout.label_stride = static_cast<int>(std::ceil(line * 1.1 / room));
    }
    return layout;
  }
  const double pixels_per_tick = horizontal ? 70 : 48;  // labels_fit() drops ticks whose labels would touch
  for (int max_count = std::clamp(static_cast<int>(length / pixels_per_tick), 2, 12);; --max_count) {
    layout.ticks = make_ticks(range.low, range.high, max_count, axis.scale);
    if (!horizontal || max_count <= 2 || labels_fit(canvas, layout.ticks, scale, length)) break;
  }
  // A short axis may be left with one tick (0 on −11..11): finer steps until two are labelled.
  for (int max_count = 3; layout.ticks.size() < 2 && max_count <= 5; ++max_count)
    layout.ticks = make_ticks(range.low, range.high, max_count, axis.scale);
  return layout;
}

// Height of the x tick labels, rotated or not.
double x_labels_height(const Canvas& canvas, const AxisLayout& layout) {
  const double line = canvas.line_height();
  if (!layout.rotated_labels) return layout.ticks.empty() ? 0 : line;
  return widest_label(canvas, layout.ticks) * sin45 + line * sin45;
}

}  // namespace

Frame::Frame(Rect plot, const Axis& x_axis, Range x_range, const Axis& y_axis, Range y_range)
    : plot_(plot),
      x_(x_axis.scale, x_range.low, x_range.high),
      y_(y_axis.scale, y_range.low, y_range.high),
      x_reversed_(x_axis.reversed),
      y_reversed_(y_axis.reversed) {}

double Frame::px(double x) const {
  const double fraction = x_reversed_ ? 1 - x_.fraction(x) : x_.fraction(x);
  return std::clamp(plot_.x + fraction * plot_.width, plot_.x - far_outside, plot_.right() + far_outside);
}

double Frame::py(double y) const {
  const double fraction = y_reversed_ ? y_.fraction(y) : 1 - y_.fraction(y);  // pixel y grows downwards
  return std::clamp(plot_.y + fraction * plot_.height, plot_.y - far_outside, plot_.bottom() + far_outside);
}

Rect legend_extent(Canvas& canvas, const std::vector<LegendEntry>& entries, const std::string& title) {
  canvas.set_font(style::legend_text);
  double widest = 0;
  for (const LegendEntry& entry : entries) {
    widest = std::max(widest, canvas.text_width(canvas.elide(entry.label, style::max_legend_label)));
  }
  double width = style::legend_symbol + 8 + widest;
  double rows = static_cast<double>(entries.size());
  if (!title.empty()) {
    canvas.set_font(style::legend_text, true);
    width = std::max(width, canvas.text_width(canvas.elide(title, style::max_legend_label)));
    rows += 1;
  }
  return {0, 0, 2 * style::legend_padding + width, 2 * style::legend_padding + rows * style::legend_row};
}

Rect legend_extent(Canvas& canvas, const Panel& panel) { return legend_extent(canvas, panel.legend, panel.legend_title); }

PanelLayout layout_panel(Canvas& canvas, const Panel& panel, Rect cell, bool legend_outside) {
  Extents extents{.x_kind = panel.x.scale, .y_kind = panel.y.scale};
  for (const Mark& mark : panel.marks) std::visit([&](const auto& concrete) { extents.add(concrete); }, mark);
  PanelLayout layout;
  const Range x_range = axis_range(panel.x, extents.x);
  const Range y_range = axis_range(panel.y, extents.y);

  canvas.set_font(style::axis_label);
  const double label_line = canvas.line_height();
  canvas.set_font(style::panel_title, true);
  const double title_line = canvas.line_height();
  const double legend_width = legend_outside ? legend_extent(canvas, panel).width + style::legend_gap : 0;
  canvas.set_font(style::tick_label);
  const double tick_line = canvas.line_height();

  const double top = style::padding + (panel.title.empty() ? tick_line / 2 : title_line + 8);
  Rect plot{cell.x + 70, cell.y + top, cell.width - 90, cell.height - top - 60};
  // Margins depend on the tick labels, which depend on the plot size: a few rounds settle it.
  const auto fit = [&] {
    layout.x = layout_axis(canvas, panel.x, x_range, plot.width, true);
    layout.y = layout_axis(canvas, panel.y, y_range, plot.height, false);
    double left = style::padding;
    if (!panel.y.label.empty()) left += label_line + 8;
    if (panel.y.visible) left += widest_label(canvas, layout.y.ticks) + style::tick_length + style::tick_gap + 2;
    double bottom = style::padding;
    if (!panel.x.label.empty()) bottom += label_line + 6;
    if (panel.x.visible) bottom += style::tick_length + style::tick_gap + x_labels_height(canvas, layout.x);

    double right = style::padding;
    const Scale x_scale(panel.x.scale, x_range.low, x_range.high);
    for (const Tick& tick : layout.x.ticks) {
      double offset = x_scale.fraction(tick.value) * plot.width;
      if (panel.x.reversed) offset = plot.width - offset;
      const double width = canvas.text_width(tick.label);
      if (layout.x.rotated_labels) {
        left = std::max(left, width * sin45 - offset + style::padding);  // rotated labels reach left of their tick
      } else {
        right = std::max(right, width / 2 - (plot.width - offset) + 2);  // centred labels reach right of their tick
        left = std::max(left, width / 2 - offset + 2);
      }
    }
    if (panel.color_bar) {
      const ColorBar& bar = *panel.color_bar;
      const Range bar_range = padded_range(bar.min, bar.max, 0, bar.scale);
      // At least two labelled ticks: a symmetric ±0.00049 with three allowed would show only 0.
      const int allowed = std::clamp(static_cast<int>(plot.height / 48), 2, 10);
      layout.color_ticks = make_ticks(bar_range.low, bar_range.high, allowed, bar.scale);
      if (layout.color_ticks.size() < 2 && plot.height >= 4 * 24)
        layout.color_ticks = make_ticks(bar_range.low, bar_range.high, std::max(5, allowed), bar.scale);
      right += style::color_bar_gap + style::color_bar_width + style::tick_length + style::tick_gap +
               widest_label(canvas, layout.color_ticks);
      if (!bar.label.empty()) right += 8 + label_line;
    }
    right += legend_width;
    plot = {cell.x + left, cell.y + top, std::max(cell.width - left - right, 20.0),
            std::max(cell.height - top - bottom, 20.0)};
  };
  for (int round = 0; round < 3; ++round) fit();

  if (panel.equal_aspect) {
    // One data unit (one decade on log axes) gets the same number of px on both axes; centre what remains.
    const Scale x_scale(panel.x.scale, x_range.low, x_range.high);
    const Scale y_scale(panel.y.scale, y_range.low, y_range.high);
    const auto span = [](const Scale& scale) {
      return scale.kind() == ScaleKind::log ? std::log10(scale.high() / scale.low()) : scale.high() - scale.low();
    };
    const double pixels_per_unit = std::min(plot.width / span(x_scale), plot.height / span(y_scale));
    const double width = span(x_scale) * pixels_per_unit;
    const double height = span(y_scale) * pixels_per_unit;
    plot = {plot.x + (plot.width - width) / 2, plot.y + (plot.height - height) / 2, width, height};
    layout.x = layout_axis(canvas, panel.x, x_range, plot.width, true);
    layout.y = layout_axis(canvas, panel.y, y_range, plot.height, false);
  }
  layout.plot = plot;
  layout.x_label_top = plot.bottom() + 6;
  if (panel.x.visible) layout.x_label_top += style::tick_length + style::tick_gap + x_labels_height(canvas, layout.x);
  layout.y_label_left = plot.x - 8 - label_line;
  if (panel.y.visible)
    layout.y_label_left -= widest_label(canvas, layout.y.ticks) + style::tick_length + style::tick_gap + 2;
  double next_x = plot.right();
  if (panel.color_bar) {
    layout.color_bar = Rect{next_x + style::color_bar_gap, plot.y, style::color_bar_width, plot.height};
    next_x =
        layout.color_bar->right() + style::tick_length + style::tick_gap + widest_label(canvas, layout.color_ticks);
    if (!panel.color_bar->label.empty()) next_x += 8 + label_line;
  }
  if (legend_outside) {
    const Rect extent = legend_extent(canvas, panel);
    layout.outside_legend = Rect{next_x + style::legend_gap, plot.y, extent.width, extent.height};
  }
  return layout;
}

}  // namespace nnlab
