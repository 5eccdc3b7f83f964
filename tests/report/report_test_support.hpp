// Helpers for the report tests: a self-deleting scratch folder and a PNG probe that decodes a file
// with cairo and counts pixels by colour.
#pragma once

#include <cairo.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "report/color.hpp"
#include "support/scratch_directory.hpp"

namespace nnlab::testing {

using ScratchDir = ScratchDirectory;

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

struct Rgb8 {
  int red = 0;
  int green = 0;
  int blue = 0;
};

inline Rgb8 to_rgb8(const Color& color) {
  return {static_cast<int>(std::lround(color.red * 255)), static_cast<int>(std::lround(color.green * 255)),
          static_cast<int>(std::lround(color.blue * 255))};
}

// A decoded PNG; width 0 when the file is not a PNG cairo can read.
class PngProbe {
 public:
  explicit PngProbe(const std::filesystem::path& path) {
    cairo_surface_t* surface = cairo_image_surface_create_from_png(path.c_str());
    if (cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS) {
      cairo_surface_flush(surface);
      width_ = cairo_image_surface_get_width(surface);
      height_ = cairo_image_surface_get_height(surface);
      const int stride = cairo_image_surface_get_stride(surface);
      const unsigned char* data = cairo_image_surface_get_data(surface);
      for (int y = 0; y < height_; ++y) {
        const auto* row = reinterpret_cast<const std::uint32_t*>(data + static_cast<std::ptrdiff_t>(y) * stride);
        pixels_.insert(pixels_.end(), row, row + width_);
      }
    }
    cairo_surface_destroy(surface);
  }

  int width() const { return width_; }
  int height() const { return height_; }

  Rgb8 at(int x, int y) const {
    const std::uint32_t pixel =
        pixels_[static_cast<std::size_t>(y) * static_cast<std::size_t>(width_) + static_cast<std::size_t>(x)];
    return {static_cast<int>((pixel >> 16) & 0xFF), static_cast<int>((pixel >> 8) & 0xFF),
            static_cast<int>(pixel & 0xFF)};
  }

  // Pixels within `tolerance` (per channel, 0..255) of `color`.
  int count(const Color& color, int tolerance = 2) const {
    const Rgb8 target = to_rgb8(color);
    int matches = 0;
    for (int y = 0; y < height_; ++y) {
      for (int x = 0; x < width_; ++x) {
        const Rgb8 pixel = at(x, y);
        if (std::abs(pixel.red - target.red) <= tolerance && std::abs(pixel.green - target.green) <= tolerance &&
            std::abs(pixel.blue - target.blue) <= tolerance) {
          ++matches;
        }
      }
    }
    return matches;
  }

  int count_not(const Color& background) const { return width_ * height_ - count(background, 0); }

 private:
  int width_ = 0;
  int height_ = 0;
  std::vector<std::uint32_t> pixels_;
};

// Where tests that render samples write them: $NNLAB_REPORT_SAMPLES when set (to look at them), else `fallback`.
inline std::filesystem::path sample_directory(const std::filesystem::path& fallback) {
  const char* kept = std::getenv("NNLAB_REPORT_SAMPLES");
  return kept != nullptr && *kept != '\0' ? std::filesystem::path(kept) : fallback;
}

}  // namespace nnlab::testing
