#include "report/render.hpp"

#include <cairo-svg.h>
#include <cairo.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <memory>
#include <numbers>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "report/canvas.hpp"
#include "report/layout.hpp"
#include "report/legend_placement.hpp"
#include "report/mark_geometry.hpp"

namespace nnlab {

namespace {

namespace fs = std::filesystem;
namespace style = chart_style;

struct SurfaceDeleter {
  void operator()(cairo_surface_t* surface) const { cairo_surface_destroy(surface); }
};
struct ContextDeleter {
  void operator()(cairo_t* cairo) const { cairo_destroy(cairo); }
};
using SurfacePtr = std::unique_ptr<cairo_surface_t, SurfaceDeleter>;
using ContextPtr = std::unique_ptr<cairo_t, ContextDeleter>;

constexpr int max_figure_side = 20000;  // px; beyond this a figure size is surely a mistake

// ---- validation: mismatched vectors are a programming error in the chart code

void require_same_size(const char* mark, std::size_t x_count, std::size_t other_count, const char* other) {
  if (x_count != other_count) {
    throw std::invalid_argument(std::string(mark) + ": x has " + std::to_string(x_count) + " values, " + other +
                                " has " + std::to_string(other_count));
  }
}

void validate(const LineMark& mark) { require_same_size("LineMark", mark.x.size(), mark.y.size(), "y"); }
void validate(const PointMark& mark) { require_same_size("PointMark", mark.x.size(), mark.y.size(), "y"); }
void validate(const BandMark& mark) {
  require_same_size("BandMark", mark.x.size(), mark.low.size(), "low");
  require_same_size("BandMark", mark.x.size(), mark.high.size(), "high");
}
void validate(const AreaMark& mark) { require_same_size("AreaMark", mark.x.size(), mark.y.size(), "y"); }
void validate(const ErrorBarMark& mark) {
  require_same_size("ErrorBarMark", mark.x.size(), mark.low.size(), "low");
  require_same_size("ErrorBarMark", mark.x.size(), mark.high.size(), "high");
}
void validate(const RectMark&) {}
void validate(const TextMark&) {}
void validate(const ImageMark& mark) {
  if (mark.columns < 0 || mark.rows < 0 ||
      mark.pixels.size() != static_cast<std::size_t>(mark.columns) * static_cast<std::size_t>(mark.rows)) {
    throw std::invalid_argument("ImageMark: " + std::to_string(mark.pixels.size()) + " pixels for " +
                                std::to_string(mark.rows) + " x " + std::to_string(mark.columns));
  }
}

// ---- marks

struct MarkPainter {
  Canvas& canvas;
  const Frame& frame;

  void operator()(const LineMark& mark) const {
    cairo_t* cairo = canvas.cairo();
    canvas.set_color(mark.color);
    cairo_set_line_width(cairo, mark.width);
    cairo_set_line_join(cairo, CAIRO_LINE_JOIN_ROUND);
    const std::array<double, 2> dashes = {3 * mark.width, 2 * mark.width};
    cairo_set_dash(cairo, mark.dashed ? dashes.data() : nullptr, mark.dashed ? 2 : 0, 0);
    cairo_set_line_cap(cairo, mark.dashed ? CAIRO_LINE_CAP_BUTT : CAIRO_LINE_CAP_ROUND);
    constexpr double tolerance = 0.5;  // px
    for (const Run& run : line_runs(frame, mark.x, mark.y)) {
      if (run.size() == 1) {  // an isolated value would otherwise be invisible
        canvas.fill_marker(run.front(), MarkerShape::circle, mark.width, mark.color);
        continue;
      }
      const Run path = simplified(run, tolerance);
      cairo_move_to(cairo, path.front().x, path.front().y);
      for (const Point& point : path) cairo_line_to(cairo, point.x, point.y);
      cairo_stroke(cairo);
    }
    cairo_set_dash(cairo, nullptr, 0, 0);
  }

  void operator()(const BandMark& mark) const {
    cairo_t* cairo = canvas.cairo();
    canvas.set_color(mark.fill);
    for (const BandRun& run : band_runs(frame, mark)) {
      cairo_move_to(cairo, run.upper.front().x, run.upper.front().y);
      for (const Point& point : run.upper) cairo_line_to(cairo, point.x, point.y);
      for (auto point = run.lower.rbegin(); point != run.lower.rend(); ++point)
        cairo_line_to(cairo, point->x, point->y);
      cairo_close_path(cairo);
      cairo_fill(cairo);
    }
  }

  void operator()(const AreaMark& mark) const {
    const std::vector<Run> runs = line_runs(frame, mark.x, mark.y);
    if (mark.x.size() < 3 || runs.size() != 1 || runs.front().size() != mark.x.size()) return;  // a corner cannot be shown
    cairo_t* cairo = canvas.cairo();
    canvas.set_color(mark.fill);
    cairo_move_to(cairo, runs.front().front().x, runs.front().front().y);
    for (const Point& point : runs.front()) cairo_line_to(cairo, point.x, point.y);
    cairo_close_path(cairo);
    cairo_fill(cairo);
  }

  void operator()(const PointMark& mark) const {
    for (std::size_t i = 0; i < mark.x.size(); ++i) {
      if (frame.shows(mark.x[i], mark.y[i]))
        canvas.fill_marker(frame.at(mark.x[i], mark.y[i]), mark.shape, mark.radius, mark.color);
    }
  }

  void operator()(const ErrorBarMark& mark) const {
    constexpr double cap_half_width = 4;
    for (std::size_t i = 0; i < mark.x.size(); ++i) {
      if (!frame.shows(mark.x[i], mark.low[i]) || !frame.shows_y(mark.high[i])) continue;
      const Point low = frame.at(mark.x[i], mark.low[i]);
      const Point high = frame.at(mark.x[i], mark.high[i]);
      canvas.stroke_line(low, high, mark.color, mark.width);
      canvas.stroke_line({low.x - cap_half_width, low.y}, {low.x + cap_half_width, low.y}, mark.color, mark.width);
      canvas.stroke_line({high.x - cap_half_width, high.y}, {high.x + cap_half_width, high.y}, mark.color, mark.width);
    }
  }

  void operator()(const RectMark& mark) const {
    if (!frame.shows(mark.x0, mark.y0) || !frame.shows(mark.x1, mark.y1)) return;
    const Rect rect = rect_between(frame.at(mark.x0, mark.y0), frame.at(mark.x1, mark.y1));
    canvas.fill_rect(rect, mark.fill);
    if (mark.stroke) canvas.stroke_rect(rect, *mark.stroke, 1.0);
  }

  void operator()(const TextMark& mark) const {
    if (!frame.shows(mark.x, mark.y)) return;
    const HAlign align = mark.anchor == TextAnchor::left     ? HAlign::left
                         : mark.anchor == TextAnchor::center ? HAlign::center
                                                             : HAlign::right;
    canvas.set_font(mark.size);
    const Point at = frame.at(mark.x, mark.y);
    canvas.draw_text(mark.text, {at.x + mark.dx, at.y + mark.dy}, align, VAlign::middle, mark.color);
  }

  void operator()(const ImageMark& mark) const {
    if (mark.columns == 0 || mark.rows == 0 || !frame.shows(mark.x0, mark.y0) || !frame.shows(mark.x1, mark.y1)) return;
    const Rect target = rect_between(frame.at(mark.x0, mark.y0), frame.at(mark.x1, mark.y1));
    // Upsample by whole pixels ourselves: SVG viewers would otherwise smooth a small raster into a blur.
    cairo_t* cairo = canvas.cairo();
    double device_width = target.width;
    double device_height = target.height;
    cairo_user_to_device_distance(cairo, &device_width, &device_height);
    constexpr double max_side = 4096;
    const int factor = std::clamp(static_cast<int>(std::ceil(std::abs(device_width) / mark.columns)), 1,
                                  std::max(1, static_cast<int>(max_side / std::max(mark.columns, mark.rows))));
    const int width = mark.columns * factor;
    const int height = mark.rows * factor;
    const SurfacePtr image(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width, height));
    cairo_surface_flush(image.get());
    unsigned char* data = cairo_image_surface_get_data(image.get());
    const int stride = cairo_image_surface_get_stride(image.get());
    for (int y = 0; y < height; ++y) {
      auto* row = reinterpret_cast<std::uint32_t*>(data + static_cast<std::ptrdiff_t>(y) * stride);
      for (int x = 0; x < width; ++x) {
        const Color& color = mark.pixels[static_cast<std::size_t>(y / factor) * static_cast<std::size_t>(mark.columns) +
                                         static_cast<std::size_t>(x / factor)];
        // cairo's ARGB32 is native-endian 32-bit words with premultiplied alpha.
        const auto channel = [&](double value) {
          return static_cast<std::uint32_t>(std::lround(std::clamp(value * color.alpha, 0.0, 1.0) * 255));
        };
        row[x] = (channel(1.0) << 24) | (channel(color.red) << 16) | (channel(color.green) << 8) | channel(color.blue);
      }
    }
    cairo_surface_mark_dirty(image.get());
    cairo_save(cairo);
    cairo_translate(cairo, target.x, target.y);
    cairo_scale(cairo, target.width / width, target.height / height);
    cairo_set_source_surface(cairo, image.get(), 0, 0);
    // Sharp pixels when enlarged; averaged when a large matrix (784 inputs) shrinks into fewer px.
    const bool shrinks = factor == 1 && (std::abs(device_width) < mark.columns || std::abs(device_height) < mark.rows);
    cairo_pattern_set_filter(cairo_get_source(cairo), shrinks ? CAIRO_FILTER_GOOD : CAIRO_FILTER_NEAREST);
    cairo_rectangle(cairo, 0, 0, width, height);
    cairo_fill(cairo);
    cairo_restore(cairo);
  }
};

// ---- axes, colour bar, legend

double crisp(double position) { return std::round(position - 0.5) + 0.5; }  // 1 px lines on pixel centres

void draw_axes(Canvas& canvas, const Panel& panel, const PanelLayout& layout, const Frame& frame, Rect cell) {
  const Rect& plot = layout.plot;
  canvas.set_font(style::tick_label);
  if (panel.frame) {
    canvas.stroke_line({plot.x, plot.y}, {plot.x, plot.bottom()}, colors::axis, 1);
    canvas.stroke_line({plot.x, plot.bottom()}, {plot.right(), plot.bottom()}, colors::axis, 1);
  }
  for (std::size_t i = 0; i < layout.x.ticks.size(); ++i) {
    const Tick& tick = layout.x.ticks[i];
    const double x = crisp(frame.px(tick.value));
    canvas.stroke_line({x, plot.bottom()}, {x, plot.bottom() + style::tick_length}, colors::axis, 1);
    if (i % static_cast<std::size_t>(layout.x.label_stride) != 0) continue;
    const double label_top = plot.bottom() + style::tick_length + style::tick_gap;
    if (layout.x.rotated_labels) {
      canvas.draw_text(tick.label, {x + 3, label_top + 2}, HAlign::right, VAlign::middle, colors::text,
                       -std::numbers::pi / 4);
    } else {
      canvas.draw_text(tick.label, {x, label_top}, HAlign::center, VAlign::top, colors::text);
    }
  }
  for (std::size_t i = 0; i < layout.y.ticks.size(); ++i) {
    const Tick& tick = layout.y.ticks[i];
    const double y = crisp(frame.py(tick.value));
    canvas.stroke_line({plot.x - style::tick_length, y}, {plot.x, y}, colors::axis, 1);
    if (i % static_cast<std::size_t>(layout.y.label_stride) != 0) continue;
    canvas.draw_text(tick.label, {plot.x - style::tick_length - style::tick_gap, y}, HAlign::right, VAlign::middle,
                     colors::text);
  }
  canvas.set_font(style::axis_label);
  if (!panel.x.label.empty()) {
    canvas.draw_text(canvas.elide(panel.x.label, cell.width - 20), {plot.center().x, layout.x_label_top},
                     HAlign::center, VAlign::top, colors::text);
  }
  if (!panel.y.label.empty()) {
    canvas.draw_text(canvas.elide(panel.y.label, cell.height - 20), {layout.y_label_left, plot.center().y},
                     HAlign::center, VAlign::top, colors::text, -std::numbers::pi / 2);
  }
  if (!panel.title.empty()) {
    canvas.set_font(style::panel_title, true);
    canvas.draw_text(canvas.elide(panel.title, cell.width - 20), {plot.center().x, plot.y - 8}, HAlign::center,
                     VAlign::bottom, colors::text);
  }
}

void draw_grid(const Canvas& canvas, const Panel& panel, const PanelLayout& layout, const Frame& frame) {
  const Rect& plot = layout.plot;
  if (panel.x.grid) {
    for (const Tick& tick : layout.x.ticks) {
      const double x = crisp(frame.px(tick.value));
      canvas.stroke_line({x, plot.y}, {x, plot.bottom()}, colors::grid, 1);
    }
  }
  if (panel.y.grid) {
    for (const Tick& tick : layout.y.ticks) {
      const double y = crisp(frame.py(tick.value));
      canvas.stroke_line({plot.x, y}, {plot.right(), y}, colors::grid, 1);
    }
  }
}

void draw_color_bar(Canvas& canvas, const ColorBar& bar, const PanelLayout& layout) {
  const Rect& strip = *layout.color_bar;
  constexpr int stops = 32;
  cairo_pattern_t* gradient = cairo_pattern_create_linear(0, strip.bottom(), 0, strip.y);
  for (int stop = 0; stop <= stops; ++stop) {
    const double t = static_cast<double>(stop) / stops;
    const Color color = sample(bar.map, t);
    cairo_pattern_add_color_stop_rgb(gradient, t, color.red, color.green, color.blue);
  }
  cairo_t* cairo = canvas.cairo();
  cairo_set_source(cairo, gradient);
  cairo_rectangle(cairo, strip.x, strip.y, strip.width, strip.height);
  cairo_fill(cairo);
  cairo_pattern_destroy(gradient);
  canvas.stroke_rect(strip, colors::axis, 1);

  canvas.set_font(style::tick_label);
  const Range range = padded_range(bar.min, bar.max, 0, bar.scale);
  const Scale scale(bar.scale, range.low, range.high);
  double widest = 0;
  for (const Tick& tick : layout.color_ticks) {
    const double y = strip.bottom() - scale.fraction(tick.value) * strip.height;
    canvas.stroke_line({strip.right(), y}, {strip.right() + style::tick_length, y}, colors::axis, 1);
    canvas.draw_text(tick.label, {strip.right() + style::tick_length + style::tick_gap, y}, HAlign::left,
                     VAlign::middle, colors::text);
    widest = std::max(widest, canvas.text_width(tick.label));
  }
  if (!bar.label.empty()) {
    canvas.set_font(style::axis_label);
    canvas.draw_text(canvas.elide(bar.label, strip.height),
                     {strip.right() + style::tick_length + style::tick_gap + widest + 8, strip.center().y},
                     HAlign::center, VAlign::top, colors::text, -std::numbers::pi / 2);
  }
}


void draw_panel(Canvas& canvas, const Panel& panel, Rect cell) {
  for (const Mark& mark : panel.marks) std::visit([](const auto& concrete) { validate(concrete); }, mark);
  const bool has_legend = !panel.legend.empty();
  bool legend_outside = has_legend && panel.legend_placement == LegendPlacement::outside;
  PanelLayout layout = layout_panel(canvas, panel, cell, legend_outside);
  std::optional<Rect> legend_box;
  if (has_legend && !legend_outside) {
    const Rect extent = legend_extent(canvas, panel);
    const auto [corner, covered] = emptiest_corner(canvas, panel, layout.frame(panel), extent);
    const bool fits = extent.width <= layout.plot.width * 0.6 && extent.height <= layout.plot.height * 0.8;
    if (panel.legend_placement == LegendPlacement::inside || (covered == 0 && fits)) {
      legend_box = corner;
    } else {
      legend_outside = true;
      layout = layout_panel(canvas, panel, cell, true);
    }
  }
  if (legend_outside) legend_box = layout.outside_legend;
  const Frame frame = layout.frame(panel);

  canvas.fill_rect(layout.plot, panel.background);
  draw_grid(canvas, panel, layout, frame);
  cairo_t* cairo = canvas.cairo();
  cairo_save(cairo);
  cairo_rectangle(cairo, layout.plot.x, layout.plot.y, layout.plot.width, layout.plot.height);
  cairo_clip(cairo);
  for (const Mark& mark : panel.marks) std::visit(MarkPainter{canvas, frame}, mark);
  cairo_restore(cairo);
  draw_axes(canvas, panel, layout, frame, cell);
  if (panel.color_bar) draw_color_bar(canvas, *panel.color_bar, layout);
  if (legend_box) draw_legend(canvas, panel.legend, panel.legend_title, *legend_box, cell);
}

void draw_figure(cairo_t* cairo, const Figure& figure) {
  Canvas canvas(cairo);
  const auto width = static_cast<double>(figure.width);
  const auto height = static_cast<double>(figure.height);
  canvas.fill_rect({0, 0, width, height}, colors::white);
  double top = 0;
  if (!figure.title.empty()) {
    canvas.set_font(style::figure_title, true);
    canvas.draw_text(canvas.elide(figure.title, width - 20), {width / 2, style::padding}, HAlign::center, VAlign::top,
                     colors::text);
    top = style::padding + canvas.line_height();
  }
  if (figure.panels.empty()) return;
  // The figure's legend takes a strip on the right, level with the first row of panels.
  double grid_width = width;
  std::optional<Rect> legend_box;
  if (!figure.legend.empty()) {
    const Rect extent = legend_extent(canvas, figure.legend, figure.legend_title);
    grid_width = std::max(width / 2, width - extent.width - 2 * style::legend_gap);
    legend_box = Rect{grid_width + style::legend_gap, top + style::padding + 28, extent.width, extent.height};
  }
  const int count = static_cast<int>(figure.panels.size());
  const int columns = std::clamp(figure.columns, 1, count);
  const int rows = (count + columns - 1) / columns;
  const double cell_width = grid_width / columns;
  const double cell_height = (height - top) / rows;
  for (int i = 0; i < count; ++i) {
    const Rect cell{(i % columns) * cell_width, top + (i / columns) * cell_height, cell_width, cell_height};
    draw_panel(canvas, figure.panels[static_cast<std::size_t>(i)], cell);
  }
  if (legend_box) draw_legend(canvas, figure.legend, figure.legend_title, *legend_box, Rect{grid_width, top, width - grid_width, height - top});
}

void validate(const Figure& figure) {
  if (figure.width <= 0 || figure.height <= 0 || figure.width > max_figure_side || figure.height > max_figure_side) {
    throw std::invalid_argument("Figure: size must be 1.." + std::to_string(max_figure_side) + " px, got " +
                                std::to_string(figure.width) + " x " + std::to_string(figure.height));
  }
}

void check(cairo_status_t status, const fs::path& path, const char* format) {
  if (status != CAIRO_STATUS_SUCCESS) {
    throw InputError(path.string() + ": cannot write " + format + ": " + cairo_status_to_string(status));
  }
}

}  // namespace

void save_png(const Figure& figure, const fs::path& path, double pixel_ratio) {
  validate(figure);
  if (!(pixel_ratio > 0 && pixel_ratio <= 8)) throw std::invalid_argument("save_png: pixel_ratio must be in (0, 8]");
  const auto width = static_cast<int>(std::lround(figure.width * pixel_ratio));
  const auto height = static_cast<int>(std::lround(figure.height * pixel_ratio));
  const SurfacePtr surface(cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height));
  check(cairo_surface_status(surface.get()), path, "PNG");
  {
    const ContextPtr cairo(cairo_create(surface.get()));
    cairo_scale(cairo.get(), pixel_ratio, pixel_ratio);
    draw_figure(cairo.get(), figure);
    check(cairo_status(cairo.get()), path, "PNG");
  }
  check(cairo_surface_write_to_png(surface.get(), path.c_str()), path, "PNG");
}

void save_svg(const Figure& figure, const fs::path& path) {
  validate(figure);
  const SurfacePtr surface(cairo_svg_surface_create(path.c_str(), figure.width, figure.height));
  check(cairo_surface_status(surface.get()), path, "SVG");
  cairo_svg_surface_set_document_unit(surface.get(), CAIRO_SVG_UNIT_PX);
  try {
    const ContextPtr cairo(cairo_create(surface.get()));
    draw_figure(cairo.get(), figure);
    check(cairo_status(cairo.get()), path, "SVG");
  } catch (...) {
    cairo_surface_finish(surface.get());
    std::error_code ignored;
    fs::remove(path, ignored);  // no half-drawn file left behind
    throw;
  }
  cairo_surface_finish(surface.get());
  check(cairo_surface_status(surface.get()), path, "SVG");
}

}  // namespace nnlab
