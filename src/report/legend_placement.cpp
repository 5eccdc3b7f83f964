#include "report/legend_placement.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "report/mark_geometry.hpp"

namespace nnlab {

namespace {

// Which 4 x 4 px cells of the plot some mark covers: the legend goes where none does.
class Occupancy {
 public:
  explicit Occupancy(Rect area)
      : area_(area),
        columns_(std::max(1, static_cast<int>(std::ceil(area.width / cell)))),
        rows_(std::max(1, static_cast<int>(std::ceil(area.height / cell)))),
        covered_(static_cast<std::size_t>(columns_) * static_cast<std::size_t>(rows_), false) {}

  void cover(const Rect& rect) {
    const auto [first_column, last_column] = span(rect.x - area_.x, rect.right() - area_.x, columns_);
    const auto [first_row, last_row] = span(rect.y - area_.y, rect.bottom() - area_.y, rows_);
    for (int row = first_row; row <= last_row; ++row) {
      for (int column = first_column; column <= last_column; ++column) {
        covered_[static_cast<std::size_t>(row) * static_cast<std::size_t>(columns_) +
                 static_cast<std::size_t>(column)] = true;
      }
    }
  }
  void cover(Point point, double radius) { cover(Rect{point.x - radius, point.y - radius, 2 * radius, 2 * radius}); }

  void cover_segment(Point from, Point to, double radius) {
    if (!clip(from, to)) return;
    const double length = std::hypot(to.x - from.x, to.y - from.y);
    const int steps = std::max(1, static_cast<int>(std::ceil(length / 2)));
    for (int step = 0; step <= steps; ++step) {
      const double t = static_cast<double>(step) / steps;
      cover({from.x + (to.x - from.x) * t, from.y + (to.y - from.y) * t}, radius);
    }
  }

  int count(const Rect& rect) const {
    const auto [first_column, last_column] = span(rect.x - area_.x, rect.right() - area_.x, columns_);
    const auto [first_row, last_row] = span(rect.y - area_.y, rect.bottom() - area_.y, rows_);
    int covered = 0;
    for (int row = first_row; row <= last_row; ++row) {
      for (int column = first_column; column <= last_column; ++column) {
        covered += covered_[static_cast<std::size_t>(row) * static_cast<std::size_t>(columns_) +
                            static_cast<std::size_t>(column)];
      }
    }
    return covered;
  }

 private:
  static constexpr double cell = 4;

  // Cell indices covering [from, to) px along one side, clamped to the grid; empty when outside.
  static std::pair<int, int> span(double from, double to, int cells) {
    const int first = std::max(0, static_cast<int>(std::floor(std::max(from, -1.0) / cell)));
    const int last = std::min(cells - 1, static_cast<int>(std::floor(std::min(to, cells * cell + 1) / cell)));
    return {first, last};
  }

  // Liang–Barsky: shortens the segment to its part inside the area; false when none is.
  bool clip(Point& from, Point& to) const {
    double t0 = 0;
    double t1 = 1;
    const double dx = to.x - from.x;
    const double dy = to.y - from.y;
    const std::array<double, 4> p = {-dx, dx, -dy, dy};
    const std::array<double, 4> q = {from.x - area_.x, area_.right() - from.x, from.y - area_.y,
                                     area_.bottom() - from.y};
    for (std::size_t i = 0; i < 4; ++i) {
      if (p[i] == 0) {
        if (q[i] < 0) return false;
        continue;
      }
      const double t = q[i] / p[i];
      if (p[i] < 0) {
        t0 = std::max(t0, t);
      } else {
        t1 = std::min(t1, t);
      }
      if (t0 > t1) return false;
    }
    const Point start{from.x + dx * t0, from.y + dy * t0};
    to = {from.x + dx * t1, from.y + dy * t1};
    from = start;
    return true;
  }

  Rect area_;
  int columns_;
  int rows_;
  std::vector<bool> covered_;
};

struct MarkCoverage {
  Occupancy& occupancy;
  Canvas& canvas;
  const Frame& frame;

  void operator()(const LineMark& mark) const {
    for (const Run& run : line_runs(frame, mark.x, mark.y)) {
      if (run.size() == 1) occupancy.cover(run.front(), mark.width);
      for (std::size_t i = 1; i < run.size(); ++i) occupancy.cover_segment(run[i - 1], run[i], mark.width / 2 + 1);
    }
  }
  void operator()(const BandMark& mark) const {
    for (const BandRun& run : band_runs(frame, mark)) {
      for (std::size_t i = 1; i < run.upper.size(); ++i) {
        // Vertical strips every 2 px between the upper and lower edge.
        const double from = run.upper[i - 1].x;
        const double to = run.upper[i].x;
        const int steps = std::max(1, static_cast<int>(std::ceil(std::min(std::abs(to - from), 4000.0) / 2)));
        for (int step = 0; step <= steps; ++step) {
          const double t = static_cast<double>(step) / steps;
          const double x = from + (to - from) * t;
          const double upper = run.upper[i - 1].y + (run.upper[i].y - run.upper[i - 1].y) * t;
          const double lower = run.lower[i - 1].y + (run.lower[i].y - run.lower[i - 1].y) * t;
          occupancy.cover(Rect{x - 1, std::min(upper, lower), 2, std::abs(lower - upper)});
        }
      }
    }
  }
  void operator()(const AreaMark& mark) const {  // its bounding box: a violin is nearly convex
    const std::vector<Run> runs = line_runs(frame, mark.x, mark.y);
    if (runs.size() != 1 || runs.front().size() != mark.x.size()) return;
    Point low = runs.front().front(), high = low;
    for (const Point& point : runs.front()) {
      low = {std::min(low.x, point.x), std::min(low.y, point.y)};
      high = {std::max(high.x, point.x), std::max(high.y, point.y)};
    }
    occupancy.cover(rect_between(low, high));
  }
  void operator()(const PointMark& mark) const {
    for (std::size_t i = 0; i < mark.x.size(); ++i) {
      if (frame.shows(mark.x[i], mark.y[i])) occupancy.cover(frame.at(mark.x[i], mark.y[i]), mark.radius);
    }
  }
  void operator()(const ErrorBarMark& mark) const {
    for (std::size_t i = 0; i < mark.x.size(); ++i) {
      if (frame.shows(mark.x[i], mark.low[i]) && frame.shows_y(mark.high[i])) {
        occupancy.cover_segment(frame.at(mark.x[i], mark.low[i]), frame.at(mark.x[i], mark.high[i]), 4);
      }
    }
  }
  void operator()(const RectMark& mark) const {
    if (frame.shows(mark.x0, mark.y0) && frame.shows(mark.x1, mark.y1)) {
      occupancy.cover(rect_between(frame.at(mark.x0, mark.y0), frame.at(mark.x1, mark.y1)));
    }
  }
  void operator()(const TextMark& mark) const {
    if (!frame.shows(mark.x, mark.y)) return;
    canvas.set_font(mark.size);
    const double width = canvas.text_width(mark.text);
    const Point at{frame.px(mark.x) + mark.dx, frame.py(mark.y) + mark.dy};
    const double left = mark.anchor == TextAnchor::left     ? at.x
                        : mark.anchor == TextAnchor::center ? at.x - width / 2
                                                            : at.x - width;
    occupancy.cover(Rect{left, at.y - mark.size / 2, width, mark.size});
  }
  void operator()(const ImageMark& mark) const {
    if (frame.shows(mark.x0, mark.y0) && frame.shows(mark.x1, mark.y1)) {
      occupancy.cover(rect_between(frame.at(mark.x0, mark.y0), frame.at(mark.x1, mark.y1)));
    }
  }
};

}  // namespace

std::pair<Rect, int> emptiest_corner(Canvas& canvas, const Panel& panel, const Frame& frame, Rect extent) {
  Occupancy occupancy(frame.plot());
  for (const Mark& mark : panel.marks) std::visit(MarkCoverage{occupancy, canvas, frame}, mark);
  constexpr double inset = 8;
  const Rect& plot = frame.plot();
  const double left = plot.x + inset;
  const double right = plot.right() - inset - extent.width;
  const double top = plot.y + inset;
  const double bottom = plot.bottom() - inset - extent.height;
  const std::array<Rect, 4> corners = {
      Rect{right, top, extent.width, extent.height}, Rect{left, top, extent.width, extent.height},
      Rect{right, bottom, extent.width, extent.height}, Rect{left, bottom, extent.width, extent.height}};
  std::pair<Rect, int> best{corners[0], occupancy.count(corners[0])};
  for (std::size_t i = 1; i < corners.size(); ++i) {
    const int covered = occupancy.count(corners[i]);
    if (covered < best.second) best = {corners[i], covered};
  }
  return best;
}

void draw_legend(Canvas& canvas, const std::vector<LegendEntry>& entries, const std::string& title, Rect box, Rect cell) {
  const double title_rows = title.empty() ? 0 : 1;
  // Entries that do not fit above the bottom of the cell are summarised in a last row.
  const auto room = static_cast<std::size_t>(std::max(
      1.0, std::floor((cell.bottom() - box.y - 2 * chart_style::legend_padding) / chart_style::legend_row) - title_rows));
  const bool truncated = entries.size() > room;
  const std::size_t shown = truncated ? room - 1 : entries.size();
  box.height = 2 * chart_style::legend_padding +
               (title_rows + static_cast<double>(shown + (truncated ? 1 : 0))) * chart_style::legend_row;
  canvas.fill_rect(box, colors::white.with_alpha(0.9));
  canvas.stroke_rect(box, Color{0.8, 0.8, 0.8}, 1);
  if (!title.empty()) {
    canvas.set_font(chart_style::legend_text, true);
    canvas.draw_text(canvas.elide(title, chart_style::max_legend_label),
                     {box.x + chart_style::legend_padding, box.y + chart_style::legend_padding + 0.5 * chart_style::legend_row},
                     HAlign::left, VAlign::middle, colors::text);
  }
  canvas.set_font(chart_style::legend_text);
  for (std::size_t i = 0; i < shown; ++i) {
    const LegendEntry& entry = entries[i];
    const double y =
        box.y + chart_style::legend_padding + (title_rows + static_cast<double>(i) + 0.5) * chart_style::legend_row;
    const double symbol_left = box.x + chart_style::legend_padding;
    const Point symbol_center{symbol_left + chart_style::legend_symbol / 2, y};
    switch (entry.symbol) {
      case LegendSymbol::line:
        canvas.stroke_line({symbol_left, y}, {symbol_left + chart_style::legend_symbol, y}, entry.color, 2.5);
        break;
      case LegendSymbol::dashed_line: {
        cairo_t* cairo = canvas.cairo();
        const std::array<double, 2> dashes = {6, 4};
        canvas.set_color(entry.color);
        cairo_set_line_width(cairo, 2.5);
        cairo_set_dash(cairo, dashes.data(), 2, 0);
        cairo_move_to(cairo, symbol_left, y);
        cairo_line_to(cairo, symbol_left + chart_style::legend_symbol, y);
        cairo_stroke(cairo);
        cairo_set_dash(cairo, nullptr, 0, 0);
        break;
      }
      case LegendSymbol::marker:
        canvas.fill_marker(symbol_center, entry.shape, 4.5, entry.color);
        break;
      case LegendSymbol::patch:
        canvas.fill_rect({symbol_center.x - 9, y - 6, 18, 12}, entry.color);
        break;
    }
    canvas.draw_text(canvas.elide(entry.label, chart_style::max_legend_label), {symbol_left + chart_style::legend_symbol + 8, y},
                     HAlign::left, VAlign::middle, colors::text);
  }
  if (truncated) {
    const double y =
        box.y + chart_style::legend_padding + (title_rows + static_cast<double>(shown) + 0.5) * chart_style::legend_row;
    canvas.draw_text("\u2026 " + std::to_string(entries.size() - shown) + " more", {box.x + chart_style::legend_padding, y},
                     HAlign::left, VAlign::middle, colors::axis);
  }
}

}  // namespace nnlab
