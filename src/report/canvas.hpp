// Drawing helpers over one cairo context (internal to the report layer): text in "DejaVu Sans"
// measured and placed by its anchor, rectangles, lines and markers.
#pragma once

#include <cairo.h>

#include <string>

#include "report/color.hpp"
#include "report/figure.hpp"

namespace nnlab {

struct Point {
  double x = 0.0;
  double y = 0.0;
};

struct Rect {
  double x = 0.0;
  double y = 0.0;
  double width = 0.0;
  double height = 0.0;

  double right() const { return x + width; }
  double bottom() const { return y + height; }
  Point center() const { return {x + width / 2, y + height / 2}; }
  bool contains(Point point) const { return point.x >= x && point.x <= right() && point.y >= y && point.y <= bottom(); }
};

enum class HAlign { left, center, right };
enum class VAlign { top, middle, bottom };  // middle centres digits and capitals on the anchor

inline constexpr const char* chart_font = "DejaVu Sans";

class Canvas {
 public:
  explicit Canvas(cairo_t* cairo);

  cairo_t* cairo() const { return cairo_; }

  void set_font(double size, bool bold = false);
  double text_width(const std::string& text) const;
  double line_height() const;  // ascent + descent of the current font
  // `text` shortened with "…" until it is at most `max_width` wide.
  std::string elide(const std::string& text, double max_width) const;
  // Rotation (radians, clockwise positive as on screen) turns the text about the anchor.
  void draw_text(const std::string& text, Point anchor, HAlign horizontal, VAlign vertical, Color color,
                 double angle = 0.0) const;

  void set_color(const Color& color) const;
  void fill_rect(const Rect& rect, const Color& color) const;
  void stroke_rect(const Rect& rect, const Color& color, double width) const;
  void stroke_line(Point from, Point to, const Color& color, double width) const;
  // A filled marker of about the area of a circle of `radius` px.
  void fill_marker(Point center, MarkerShape shape, double radius, const Color& color) const;

 private:
  cairo_t* cairo_;
  double font_size_ = 12.0;
};

}  // namespace nnlab
