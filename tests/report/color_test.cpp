// The palette and colour maps against their published definitions.
#include "report/color.hpp"

#include <gtest/gtest.h>

namespace nnlab {
namespace {

TEST(Palette, OkabeItoInContrastOrder) {
  EXPECT_EQ(to_hex(palette_color(0)), "#0072b2");
  EXPECT_EQ(to_hex(palette_color(1)), "#d55e00");
  EXPECT_EQ(to_hex(palette_color(2)), "#009e73");
  EXPECT_EQ(to_hex(palette_color(7)), "#f0e442");
  EXPECT_EQ(palette_color(8), palette_color(0));  // wraps
  EXPECT_EQ(palette_shape(3), 0);
  EXPECT_EQ(palette_shape(9), 1);  // the second round of colours uses squares
}

TEST(Palette, TenClassColoursAreTableau10) {
  EXPECT_EQ(to_hex(class_color(0)), "#1f77b4");
  EXPECT_EQ(to_hex(class_color(3)), "#d62728");
  EXPECT_EQ(to_hex(class_color(9)), "#17becf");
  EXPECT_EQ(class_color(10), class_color(0));
  for (int a = 0; a < class_palette_size; ++a)
    for (int b = a + 1; b < class_palette_size; ++b) EXPECT_NE(to_hex(class_color(a)), to_hex(class_color(b)));
}

TEST(ColorMaps, EndsAndMiddles) {
  EXPECT_EQ(to_hex(sample(ColorMap::viridis, 0)), "#440154");
  EXPECT_EQ(to_hex(sample(ColorMap::viridis, 1)), "#fde725");
  EXPECT_EQ(to_hex(sample(ColorMap::viridis, -3)), "#440154");  // clamped
  EXPECT_EQ(to_hex(sample(ColorMap::diverging, 0)), "#053061");
  EXPECT_EQ(to_hex(sample(ColorMap::diverging, 0.5)), "#f7f7f7");
  EXPECT_EQ(to_hex(sample(ColorMap::diverging, 1)), "#67001f");
  // Half-way between the first two viridis anchors (t = 1/18).
  const Color between = sample(ColorMap::viridis, 1.0 / 18);
  EXPECT_NEAR(between.red * 255, (0x44 + 0x48) / 2.0, 1e-9);
  EXPECT_NEAR(between.blue * 255, (0x54 + 0x78) / 2.0, 1e-9);
}

TEST(Luminance, WcagEndPoints) {
  EXPECT_DOUBLE_EQ(relative_luminance(colors::black), 0);
  EXPECT_DOUBLE_EQ(relative_luminance(colors::white), 1);
  EXPECT_NEAR(relative_luminance(rgb_hex(0x808080)), 0.2158605, 1e-6);
}

}  // namespace
}  // namespace nnlab
