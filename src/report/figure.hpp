// A chart as plain data: a Figure holds panels (axes); a panel holds marks in data coordinates,
// its two axes, a legend and an optional colour bar. render.hpp draws it; the chart functions
// (charts.hpp, ...) build it; callers may add marks or adjust axes before saving.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "report/color.hpp"
#include "report/scale.hpp"

// GCC 12 warns falsely that members of these structs "may be used uninitialized" when a vector of
// std::variant<...> holding them grows (a known false positive); every member has an initialiser.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

namespace nnlab {

enum class MarkerShape { circle, square, triangle, diamond };

// A polyline; a point that cannot be shown (NaN, Inf, <= 0 on a log axis) breaks the line there.
struct LineMark {
  std::vector<double> x;
  std::vector<double> y;
  Color color;
  double width = 2.0;  // px
  bool dashed = false;
};

// The area between low(x) and high(x), e.g. an interquartile band.
struct BandMark {
  std::vector<double> x;
  std::vector<double> low;
  std::vector<double> high;
  Color fill;
};

struct PointMark {
  std::vector<double> x;
  std::vector<double> y;
  Color color;
  MarkerShape shape = MarkerShape::circle;
  double radius = 3.5;  // px
};

// Vertical whiskers from low to high at each x, with short caps.
struct ErrorBarMark {
  std::vector<double> x;
  std::vector<double> low;
  std::vector<double> high;
  Color color;
  double width = 1.5;  // px
};

// A closed polygon through (x[i], y[i]), filled: a violin, any shape a band cannot draw. Drawn only
// when every corner can be shown (finite, > 0 on a log axis).
struct AreaMark {
  std::vector<double> x;
  std::vector<double> y;
  Color fill;
};

// An axis-aligned rectangle between two corners given in data coordinates (bars, cells, squares).
struct RectMark {
  double x0 = 0.0;
  double y0 = 0.0;
  double x1 = 0.0;
  double y1 = 0.0;
  Color fill;
  std::optional<Color> stroke;
};

enum class TextAnchor { left, center, right };  // horizontal; text is centred vertically on y

struct TextMark {
  double x = 0.0;
  double y = 0.0;
  std::string text;
  Color color = colors::text;
  double size = 12.0;  // px
  TextAnchor anchor = TextAnchor::center;
  double dx = 0.0;  // px shift from the anchor point, e.g. dy = -10 puts a label above a bar
  double dy = 0.0;
};

// A raster stretched over the data rectangle [x0, x1] x [y0, y1]; row 0 is drawn at the top, pixels stay sharp.
struct ImageMark {
  double x0 = 0.0;
  double y0 = 0.0;
  double x1 = 1.0;
  double y1 = 1.0;
  int columns = 0;
  int rows = 0;
  std::vector<Color> pixels;  // rows * columns, row-major
};

using Mark = std::variant<LineMark, BandMark, AreaMark, PointMark, ErrorBarMark, RectMark, TextMark, ImageMark>;

enum class LegendSymbol { line, dashed_line, marker, patch };

struct LegendEntry {
  std::string label;
  Color color;
  LegendSymbol symbol = LegendSymbol::line;
  MarkerShape shape = MarkerShape::circle;
};

enum class LegendPlacement {
  automatic,  // inside the plot in a corner no mark touches; to the right of the plot when there is none
  inside,     // the emptiest corner inside the plot, even if it covers marks
  outside,    // to the right of the plot
};

struct Axis {
  std::string label;
  ScaleKind scale = ScaleKind::linear;
  std::optional<double> min;  // fixed limits; unset = the data's extent widened by `padding`
  std::optional<double> max;
  double padding = 0.04;                // fraction of the data span added on each side
  std::vector<std::string> categories;  // when set: ticks at 0, 1, ... labelled with these names
  bool reversed = false;                // values grow leftwards / downwards (matrix rows top-down)
  bool visible = true;                  // ticks and tick labels
  bool grid = true;                     // light lines across the plot at the ticks
};

// A colour scale drawn to the right of the plot: which colour stands for which value.
struct ColorBar {
  ColorMap map = ColorMap::viridis;
  double min = 0.0;
  double max = 1.0;
  ScaleKind scale = ScaleKind::linear;
  std::string label;
};

struct Panel {
  std::string title;
  Axis x;
  Axis y;
  std::vector<Mark> marks;  // drawn in order, clipped to the plot area
  std::vector<LegendEntry> legend;
  std::string legend_title;  // shown once above the entries, e.g. the swept key "optimizer.lr" whose values they are
  LegendPlacement legend_placement = LegendPlacement::automatic;
  std::optional<ColorBar> color_bar;
  bool equal_aspect = false;  // one data unit as long on x as on y (images, heatmaps)
  bool frame = true;          // axis lines along the left and bottom of the plot
  Color background = colors::white;
};

struct Figure {
  int width = 800;  // px
  int height = 500;
  std::string title;
  int columns = 1;  // panels fill a grid of this many columns, row by row
  std::vector<Panel> panels;
  // One legend for all panels (small multiples), drawn right of the grid, which narrows to make room.
  std::vector<LegendEntry> legend;
  std::string legend_title;
};

}  // namespace nnlab

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
