#include "report/color.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <span>

namespace nnlab {

namespace {

constexpr std::array<std::uint32_t, palette_size> okabe_ito = {
    0x0072B2,  // blue
    0xD55E00,  // vermillion
    0x009E73,  // bluish green
    0xE69F00,  // orange
    0xCC79A7,  // reddish purple
    0x56B4E9,  // sky blue
    0x000000,  // black
    0xF0E442,  // yellow: weakest on white, so last
};

constexpr std::array<std::uint32_t, class_palette_size> tableau10 = {
    0x1F77B4, 0xFF7F0E, 0x2CA02C, 0xD62728, 0x9467BD, 0x8C564B, 0xE377C2, 0x7F7F7F, 0xBCBD22, 0x17BECF,
};

// viridis (matplotlib) at 10 evenly spaced points, as published in R's viridisLite.
constexpr std::array<std::uint32_t, 10> viridis_anchors = {0x440154, 0x482878, 0x3E4A89, 0x31688E, 0x26828E,
                                                           0x1F9E89, 0x35B779, 0x6DCD59, 0xB4DE2C, 0xFDE725};

// ColorBrewer RdBu (11 classes), reversed so that negative is blue; the middle anchor is near-white.
constexpr std::array<std::uint32_t, 11> diverging_anchors = {0x053061, 0x2166AC, 0x4393C3, 0x92C5DE, 0xD1E5F0, 0xF7F7F7,
                                                             0xFDDBC7, 0xF4A582, 0xD6604D, 0xB2182B, 0x67001F};

Color interpolate(std::span<const std::uint32_t> anchors, double t) {
  t = std::isnan(t) ? 0.0 : std::clamp(t, 0.0, 1.0);
  const double position = t * static_cast<double>(anchors.size() - 1);
  const auto below = std::min(static_cast<std::size_t>(position), anchors.size() - 2);
  const double fraction = position - static_cast<double>(below);
  const Color low = rgb_hex(anchors[below]);
  const Color high = rgb_hex(anchors[below + 1]);
  return {low.red + (high.red - low.red) * fraction, low.green + (high.green - low.green) * fraction,
          low.blue + (high.blue - low.blue) * fraction};
}

double linearise(double channel) {  // sRGB transfer function inverse (WCAG 2.x)
  return channel <= 0.03928 ? channel / 12.92 : std::pow((channel + 0.055) / 1.055, 2.4);
}

}  // namespace

Color rgb_hex(std::uint32_t hex) {
  return {static_cast<double>((hex >> 16) & 0xFF) / 255.0, static_cast<double>((hex >> 8) & 0xFF) / 255.0,
          static_cast<double>(hex & 0xFF) / 255.0};
}

std::string to_hex(const Color& color) {
  const auto byte = [](double channel) { return static_cast<int>(std::lround(std::clamp(channel, 0.0, 1.0) * 255.0)); };
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "#%02x%02x%02x", byte(color.red), byte(color.green), byte(color.blue));
  return buffer;
}

double relative_luminance(const Color& color) {
  return 0.2126 * linearise(color.red) + 0.7152 * linearise(color.green) + 0.0722 * linearise(color.blue);
}

Color palette_color(int index) {
  const int wrapped = ((index % palette_size) + palette_size) % palette_size;
  return rgb_hex(okabe_ito[static_cast<std::size_t>(wrapped)]);
}

Color class_color(int index) {
  const int wrapped = ((index % class_palette_size) + class_palette_size) % class_palette_size;
  return rgb_hex(tableau10[static_cast<std::size_t>(wrapped)]);
}

int palette_shape(int index) { return (std::max(index, 0) / palette_size) % 4; }

Color sample(ColorMap map, double t) {
  switch (map) {
    case ColorMap::viridis:
      return interpolate(viridis_anchors, t);
    case ColorMap::diverging:
      return interpolate(diverging_anchors, t);
  }
  return colors::black;
}

}  // namespace nnlab
