// Colours for charts: the Okabe–Ito palette for categories, viridis for ordered values and a
// blue–white–red map for signed values centred on zero. All are readable with colour-vision deficiencies.
#pragma once

#include <cstdint>
#include <string>

namespace nnlab {

// Components in [0, 1]; alpha 1 = opaque.
struct Color {
  double red = 0.0;
  double green = 0.0;
  double blue = 0.0;
  double alpha = 1.0;

  Color with_alpha(double new_alpha) const { return {red, green, blue, new_alpha}; }
  bool operator==(const Color&) const = default;
};

Color rgb_hex(std::uint32_t hex);               // 0xRRGGBB, opaque
std::string to_hex(const Color& color);         // "#rrggbb" (alpha dropped), for HTML and tests
double relative_luminance(const Color& color);  // WCAG definition: 0 = black, 1 = white

namespace colors {
inline const Color white{1.0, 1.0, 1.0};
inline const Color black{0.0, 0.0, 0.0};
inline const Color text{0.13, 0.13, 0.13};
inline const Color axis{0.35, 0.35, 0.35};
inline const Color grid{0.90, 0.90, 0.90};
inline const Color hinton_background{0.5, 0.5, 0.5};
}  // namespace colors

// Okabe & Ito (2008) "Color Universal Design", ordered so the first colours contrast most on white
// (blue, vermillion, bluish green, orange, reddish purple, sky blue, black, yellow); index wraps around.
inline constexpr int palette_size = 8;
Color palette_color(int index);
// Markers for categories: the colour cycles first, then the shape (circle, square, triangle, diamond).
int palette_shape(int index);

// Ten colours for up to ten classes (a t-SNE map of digits or clothes), each told apart from the
// others: matplotlib's "tab10" (Tableau 10). Index wraps around.
inline constexpr int class_palette_size = 10;
Color class_color(int index);

enum class ColorMap {
  viridis,    // sequential, dark purple (low) -> yellow (high)
  diverging,  // blue (negative) -> white (0) -> red (positive); use with a range symmetric about 0
};

// Samples `map` at t in [0, 1] (clamped); piecewise-linear between published anchor colours.
Color sample(ColorMap map, double t);

}  // namespace nnlab
