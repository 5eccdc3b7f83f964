// Draws a Figure with cairo: PNG (image surface) and SVG (vector surface) from the same drawing code.
#pragma once

#include <filesystem>

#include "report/figure.hpp"

namespace nnlab {

// `pixel_ratio` > 1 renders a sharper PNG of (width * ratio) x (height * ratio) pixels with the same layout.
// A file that cannot be written -> InputError "<path>: cannot write PNG: <reason>".
void save_png(const Figure& figure, const std::filesystem::path& path, double pixel_ratio = 1.0);

// An SVG of width x height px; text is drawn as glyph outlines, so it looks the same without the font.
void save_svg(const Figure& figure, const std::filesystem::path& path);

}  // namespace nnlab
