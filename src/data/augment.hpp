// Image augmentation (data.augment): random translation, rotation, scaling, horizontal flip,
// Gaussian noise and random erasing of one example, as torchvision's RandomAffine,
// RandomHorizontalFlip and RandomErasing (Zhong et al. 2017). Pure functions of the image and a
// CounterRng; the training hook (train/augment_hook.hpp) keys the RNG per member, epoch and row.
#pragma once

#include <span>

#include "core/rng.hpp"
#include "core/tensor.hpp"

namespace nnlab {

struct AugmentConfig {
  Index shift = 0;             // max pixels of the random integer translation, each axis; zero fill
  double rotate = 0.0;         // max degrees; the angle is uniform in [−rotate, rotate], positive counter-clockwise
  double scale_min = 1.0;      // zoom factor uniform in [scale_min, scale_max], > 0
  double scale_max = 1.0;
  bool flip_horizontal = false;  // mirror left–right with probability ½
  double noise = 0.0;          // std of the Gaussian added to every pixel
  double erase = 0.0;          // probability of erasing one rectangle (area 2–40 %, aspect 0.3–3.3) with zeros
  bool any() const { return shift > 0 || rotate > 0 || scale_min != 1.0 || scale_max != 1.0 || flip_horizontal || noise > 0 || erase > 0; }
};

// Throws std::invalid_argument for negative magnitudes, scale_min > scale_max or erase outside [0, 1].
void validate(const AugmentConfig& config);

struct ImageShape {
  Index channels = 1, height = 0, width = 0;
  Index size() const { return channels * height * width; }
};

// [H, W] or [C, H, W] (channel-major rows); std::invalid_argument for anything else.
ImageShape image_shape(const Shape& example_shape);

// The transforms, `out` = T(`in`) (both shape.size(), not aliased); pixels from outside are 0.
// out(y, x) = in(y − dy, x − dx): positive dx moves the picture right, positive dy down.
void shift_image(std::span<const float> in, std::span<float> out, ImageShape shape, Index dx, Index dy);
// Rotation by `degrees` counter-clockwise and zoom by `factor` about the centre, bilinear.
void rotate_scale_image(std::span<const float> in, std::span<float> out, ImageShape shape, double degrees, double factor);
void flip_horizontal(std::span<const float> in, std::span<float> out, ImageShape shape);
// Zeros rows [top, top + height) and columns [left, left + width) of every channel, in place.
void erase_rectangle(std::span<float> image, ImageShape shape, Index top, Index left, Index height, Index width);

// One random augmentation of `in` into `out`: flip, rotate and scale, shift, erase, noise, in that
// order, each drawn from `rng` in that order (a magnitude of 0 draws nothing and leaves the
// image bit for bit).
void augment_image(std::span<const float> in, std::span<float> out, ImageShape shape, const AugmentConfig& config, CounterRng& rng);

}  // namespace nnlab
