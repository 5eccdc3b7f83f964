#include "report/canvas.hpp"

#include <cmath>
#include <numbers>

namespace nnlab {

namespace {
// DejaVu Sans capital and digit height is 1493/2048 of the em: centring it centres a tick label.
constexpr double cap_height_per_em = 0.729;
constexpr const char* ellipsis = "\u2026";

// Removes the last UTF-8 code point (continuation bytes are 10xxxxxx).
void pop_code_point(std::string& text) {
  while (!text.empty()) {
    const auto byte = static_cast<unsigned char>(text.back());
    text.pop_back();
    if ((byte & 0xC0) != 0x80) return;
  }
}
}  // namespace

Canvas::Canvas(cairo_t* cairo) : cairo_(cairo) {
  // Unhinted metrics: text measures the same on the PNG and the SVG surface, so both get one layout.
  cairo_font_options_t* options = cairo_font_options_create();
  cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
  cairo_set_font_options(cairo_, options);
  cairo_font_options_destroy(options);
  set_font(font_size_);
}

void Canvas::set_font(double size, bool bold) {
  cairo_select_font_face(cairo_, chart_font, CAIRO_FONT_SLANT_NORMAL,
                         bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cairo_, size);
  font_size_ = size;
}

double Canvas::text_width(const std::string& text) const {
  cairo_text_extents_t extents;
  cairo_text_extents(cairo_, text.c_str(), &extents);
  return extents.x_advance;
}

double Canvas::line_height() const {
  cairo_font_extents_t extents;
  cairo_font_extents(cairo_, &extents);
  return extents.ascent + extents.descent;
}

std::string Canvas::elide(const std::string& text, double max_width) const {
  if (text_width(text) <= max_width) return text;
  std::string shortened = text;
  while (!shortened.empty() && text_width(shortened + ellipsis) > max_width) pop_code_point(shortened);
  return shortened + ellipsis;
}

void Canvas::draw_text(const std::string& text, Point anchor, HAlign horizontal, VAlign vertical, Color color,
                       double angle) const {
  if (text.empty()) return;
  cairo_font_extents_t font;
  cairo_font_extents(cairo_, &font);
  const double width = text_width(text);
  const double dx = horizontal == HAlign::left ? 0.0 : horizontal == HAlign::center ? -width / 2 : -width;
  const double dy = vertical == VAlign::top      ? font.ascent
                    : vertical == VAlign::middle ? cap_height_per_em * font_size_ / 2
                                                 : -font.descent;
  cairo_save(cairo_);
  cairo_translate(cairo_, anchor.x, anchor.y);
  cairo_rotate(cairo_, angle);
  set_color(color);
  cairo_move_to(cairo_, dx, dy);
  cairo_show_text(cairo_, text.c_str());
  cairo_new_path(cairo_);
  cairo_restore(cairo_);
}

void Canvas::set_color(const Color& color) const {
  cairo_set_source_rgba(cairo_, color.red, color.green, color.blue, color.alpha);
}

void Canvas::fill_rect(const Rect& rect, const Color& color) const {
  set_color(color);
  cairo_rectangle(cairo_, rect.x, rect.y, rect.width, rect.height);
  cairo_fill(cairo_);
}

void Canvas::stroke_rect(const Rect& rect, const Color& color, double width) const {
  set_color(color);
  cairo_set_line_width(cairo_, width);
  cairo_rectangle(cairo_, rect.x, rect.y, rect.width, rect.height);
  cairo_stroke(cairo_);
}

void Canvas::stroke_line(Point from, Point to, const Color& color, double width) const {
  set_color(color);
  cairo_set_line_width(cairo_, width);
  cairo_set_dash(cairo_, nullptr, 0, 0);
  cairo_move_to(cairo_, from.x, from.y);
  cairo_line_to(cairo_, to.x, to.y);
  cairo_stroke(cairo_);
}

void Canvas::fill_marker(Point center, MarkerShape shape, double radius, const Color& color) const {
  set_color(color);
  switch (shape) {
    case MarkerShape::circle:
      cairo_new_sub_path(cairo_);
      cairo_arc(cairo_, center.x, center.y, radius, 0, 2 * std::numbers::pi);
      break;
    case MarkerShape::square: {
      const double half = radius * std::sqrt(std::numbers::pi) / 2;  // same area as the circle
      cairo_rectangle(cairo_, center.x - half, center.y - half, 2 * half, 2 * half);
      break;
    }
    case MarkerShape::triangle: {
      const double side = radius * 2.69;  // equilateral, area pi r^2
      const double height = side * std::sqrt(3.0) / 2;
      cairo_move_to(cairo_, center.x, center.y - height * 2 / 3);
      cairo_line_to(cairo_, center.x + side / 2, center.y + height / 3);
      cairo_line_to(cairo_, center.x - side / 2, center.y + height / 3);
      cairo_close_path(cairo_);
      break;
    }
    case MarkerShape::diamond: {
      const double half_diagonal = radius * std::sqrt(std::numbers::pi / 2);
      cairo_move_to(cairo_, center.x, center.y - half_diagonal);
      cairo_line_to(cairo_, center.x + half_diagonal, center.y);
      cairo_line_to(cairo_, center.x, center.y + half_diagonal);
      cairo_line_to(cairo_, center.x - half_diagonal, center.y);
      cairo_close_path(cairo_);
      break;
    }
  }
  cairo_fill(cairo_);
}

}  // namespace nnlab
