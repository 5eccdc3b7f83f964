#include "data/augment.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string>
#include <vector>

namespace nnlab {
namespace {

constexpr double erase_area_min = 0.02, erase_area_max = 0.4;  // Zhong et al. 2017: s_l, s_h
constexpr double erase_aspect_min = 0.3;                        // r_1; r_e in [r_1, 1/r_1]
constexpr int erase_attempts = 10;                              // as torchvision's RandomErasing

void check_sizes(std::span<const float> in, std::span<float> out, ImageShape shape, const char* what) {
  if (static_cast<Index>(in.size()) != shape.size() || static_cast<Index>(out.size()) != shape.size())
    throw std::invalid_argument(std::string(what) + ": image and shape differ in size");
}

}  // namespace

void validate(const AugmentConfig& config) {
  if (config.shift < 0) throw std::invalid_argument("shift must be >= 0");
  if (!(config.rotate >= 0 && std::isfinite(config.rotate))) throw std::invalid_argument("rotate must be >= 0 degrees");
  if (!(config.scale_min > 0 && std::isfinite(config.scale_max))) throw std::invalid_argument("scale must be > 0");
  if (config.scale_min > config.scale_max) throw std::invalid_argument("scale: min must be <= max");
  if (!(config.noise >= 0 && std::isfinite(config.noise))) throw std::invalid_argument("noise must be >= 0");
  if (!(config.erase >= 0 && config.erase <= 1)) throw std::invalid_argument("erase must be a probability in [0, 1]");
}

ImageShape image_shape(const Shape& example_shape) {
  if (example_shape.size() == 2) return {1, example_shape[0], example_shape[1]};
  if (example_shape.size() == 3) return {example_shape[0], example_shape[1], example_shape[2]};
  throw std::invalid_argument("needs image examples ([H, W] or [C, H, W]), got " + to_string(example_shape));
}

void shift_image(std::span<const float> in, std::span<float> out, ImageShape shape, Index dx, Index dy) {
  check_sizes(in, out, shape, "shift_image");
  const Index h = shape.height, w = shape.width;
  for (Index c = 0; c < shape.channels; ++c) {
    const float* from = in.data() + c * h * w;
    float* to = out.data() + c * h * w;
    for (Index y = 0; y < h; ++y) {
      const Index sy = y - dy;
      for (Index x = 0; x < w; ++x) {
        const Index sx = x - dx;
        to[y * w + x] = sy >= 0 && sy < h && sx >= 0 && sx < w ? from[sy * w + sx] : 0.0f;
      }
    }
  }
}

void rotate_scale_image(std::span<const float> in, std::span<float> out, ImageShape shape, double degrees, double factor) {
  check_sizes(in, out, shape, "rotate_scale_image");
  if (!(factor > 0)) throw std::invalid_argument("rotate_scale_image: factor must be > 0");
  const Index h = shape.height, w = shape.width;
  const double theta = degrees * std::numbers::pi / 180.0;
  const double cos_t = std::cos(theta) / factor, sin_t = std::sin(theta) / factor;
  const double cx = 0.5 * static_cast<double>(w - 1), cy = 0.5 * static_cast<double>(h - 1);
  for (Index c = 0; c < shape.channels; ++c) {
    const float* from = in.data() + c * h * w;
    float* to = out.data() + c * h * w;
    const auto pixel = [&](Index y, Index x) { return y >= 0 && y < h && x >= 0 && x < w ? static_cast<double>(from[y * w + x]) : 0.0; };
    for (Index y = 0; y < h; ++y) {
      for (Index x = 0; x < w; ++x) {
        // The inverse map: output offset (u, v) from the centre (v down) came from R(θ)⁻¹ (u, v) / factor;
        // counter-clockwise on screen takes the point right of the centre to the point above it.
        const double u = static_cast<double>(x) - cx, v = static_cast<double>(y) - cy;
        const double sx = cx + u * cos_t - v * sin_t, sy = cy + u * sin_t + v * cos_t;
        const double fx0 = std::floor(sx), fy0 = std::floor(sy);
        const double fx = sx - fx0, fy = sy - fy0;
        const auto x0 = static_cast<Index>(fx0), y0 = static_cast<Index>(fy0);
        const double value = (1 - fy) * ((1 - fx) * pixel(y0, x0) + fx * pixel(y0, x0 + 1)) +
                             fy * ((1 - fx) * pixel(y0 + 1, x0) + fx * pixel(y0 + 1, x0 + 1));
        to[y * w + x] = static_cast<float>(value);
      }
    }
  }
}

void flip_horizontal(std::span<const float> in, std::span<float> out, ImageShape shape) {
  check_sizes(in, out, shape, "flip_horizontal");
  const Index w = shape.width;
  for (Index r = 0; r < shape.channels * shape.height; ++r)
    for (Index x = 0; x < w; ++x) out[static_cast<std::size_t>(r * w + x)] = in[static_cast<std::size_t>(r * w + w - 1 - x)];
}

void erase_rectangle(std::span<float> image, ImageShape shape, Index top, Index left, Index height, Index width) {
  if (top < 0 || left < 0 || height < 0 || width < 0 || top + height > shape.height || left + width > shape.width)
    throw std::invalid_argument("erase_rectangle: the rectangle leaves the image");
  for (Index c = 0; c < shape.channels; ++c)
    for (Index y = top; y < top + height; ++y)
      std::fill_n(image.data() + (c * shape.height + y) * shape.width + left, width, 0.0f);
}

void augment_image(std::span<const float> in, std::span<float> out, ImageShape shape, const AugmentConfig& config, CounterRng& rng) {
  check_sizes(in, out, shape, "augment_image");
  std::copy(in.begin(), in.end(), out.begin());
  std::vector<float> scratch;
  const auto apply = [&](auto&& transform) {  // out = transform(out)
    scratch.assign(out.begin(), out.end());
    transform(std::span<const float>(scratch), out);
  };
  if (config.flip_horizontal && rng.uniform() < 0.5) apply([&](auto from, auto to) { flip_horizontal(from, to, shape); });
  const double degrees = config.rotate > 0 ? rng.uniform(-config.rotate, config.rotate) : 0.0;
  const double factor = config.scale_min != config.scale_max ? rng.uniform(config.scale_min, config.scale_max) : config.scale_min;
  if (degrees != 0.0 || factor != 1.0) apply([&](auto from, auto to) { rotate_scale_image(from, to, shape, degrees, factor); });
  if (config.shift > 0) {
    const auto offsets = static_cast<std::uint64_t>(2 * config.shift + 1);
    const Index dx = static_cast<Index>(rng.below(offsets)) - config.shift, dy = static_cast<Index>(rng.below(offsets)) - config.shift;
    if (dx != 0 || dy != 0) apply([&](auto from, auto to) { shift_image(from, to, shape, dx, dy); });
  }
  if (config.erase > 0 && rng.uniform() < config.erase) {
    const double area = static_cast<double>(shape.height * shape.width);
    for (int attempt = 0; attempt < erase_attempts; ++attempt) {
      const double target = rng.uniform(erase_area_min, erase_area_max) * area;
      const double aspect = rng.uniform(erase_aspect_min, 1.0 / erase_aspect_min);
      const auto height = static_cast<Index>(std::lround(std::sqrt(target * aspect)));
      const auto width = static_cast<Index>(std::lround(std::sqrt(target / aspect)));
      if (height < 1 || width < 1 || height >= shape.height || width >= shape.width) continue;
      const auto top = static_cast<Index>(rng.below(static_cast<std::uint64_t>(shape.height - height + 1)));
      const auto left = static_cast<Index>(rng.below(static_cast<std::uint64_t>(shape.width - width + 1)));
      erase_rectangle(out, shape, top, left, height, width);
      break;
    }
  }
  if (config.noise > 0)
    for (float& value : out) value += static_cast<float>(config.noise * rng.normal());
}

}  // namespace nnlab
