// Image augmentation (data/augment.hpp) against hand results: every magnitude 0 leaves the image
// bit for bit, a known shift moves pixels by that offset with zero fill, 90° and 180° rotations
// of a square image are the index maps of numpy's rot90, a 2× zoom interpolates the centre
// neighbourhood, erasing zeros one rectangle of the published size range, bad settings are refused.
#include "data/augment.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

namespace nnlab {
namespace {

std::vector<float> ramp(Index size) {
  std::vector<float> image(static_cast<std::size_t>(size));
  for (Index i = 0; i < size; ++i) image[static_cast<std::size_t>(i)] = static_cast<float>(i + 1) * 0.37f;
  return image;
}

TEST(Augment, EveryMagnitudeZeroIsTheIdentity) {
  const ImageShape shape{2, 5, 7};
  const std::vector<float> in = ramp(shape.size());
  AugmentConfig zero;
  zero.scale_min = zero.scale_max = 1.0;
  ASSERT_FALSE(zero.any());
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    std::vector<float> out(in.size(), -1.0f);
    CounterRng rng(seed, RngPurpose::augment, 3, 1);
    augment_image(in, out, shape, zero, rng);
    EXPECT_EQ(out, in);
  }
  std::vector<float> out(in.size());
  rotate_scale_image(in, out, shape, 0.0, 1.0);
  EXPECT_EQ(out, in);
  shift_image(in, out, shape, 0, 0);
  EXPECT_EQ(out, in);
}

TEST(Augment, ShiftMovesPixelsByTheOffsetWithZeroFill) {
  const ImageShape shape{1, 4, 4};
  const std::vector<float> in{1, 2, 3, 4,  //
                              5, 6, 7, 8,  //
                              9, 10, 11, 12,  //
                              13, 14, 15, 16};
  std::vector<float> out(16);
  shift_image(in, out, shape, 1, 2);  // one right, two down
  EXPECT_EQ(out, (std::vector<float>{0, 0, 0, 0,  //
                                     0, 0, 0, 0,  //
                                     0, 1, 2, 3,  //
                                     0, 5, 6, 7}));
  shift_image(in, out, shape, -2, -1);  // two left, one up
  EXPECT_EQ(out, (std::vector<float>{7, 8, 0, 0,  //
                                     11, 12, 0, 0,  //
                                     15, 16, 0, 0,  //
                                     0, 0, 0, 0}));
}

TEST(Augment, QuarterAndHalfTurnsAreIndexMaps) {
  for (const Index n : {Index{3}, Index{4}}) {
    const ImageShape shape{2, n, n};
    const std::vector<float> in = ramp(shape.size());
    std::vector<float> quarter(in.size()), half(in.size());
    rotate_scale_image(in, quarter, shape, 90.0, 1.0);
    rotate_scale_image(in, half, shape, 180.0, 1.0);
    for (Index c = 0; c < 2; ++c) {
      for (Index i = 0; i < n; ++i) {
        for (Index j = 0; j < n; ++j) {
          const auto at = [&](Index y, Index x) { return in[static_cast<std::size_t>((c * n + y) * n + x)]; };
          // numpy.rot90 (counter-clockwise): out[i, j] = in[j, n − 1 − i].
          EXPECT_NEAR(quarter[static_cast<std::size_t>((c * n + i) * n + j)], at(j, n - 1 - i), 1e-5) << n << " " << i << " " << j;
          EXPECT_NEAR(half[static_cast<std::size_t>((c * n + i) * n + j)], at(n - 1 - i, n - 1 - j), 1e-5);
        }
      }
    }
  }
}

TEST(Augment, ZoomInterpolatesAboutTheCentre) {
  const ImageShape shape{1, 3, 3};
  const std::vector<float> in{1, 2, 3, 4, 5, 6, 7, 8, 9};
  std::vector<float> out(9);
  rotate_scale_image(in, out, shape, 0.0, 2.0);
  // Output (y, x) samples the input at centre + (offset / 2): the corners at half-pixel points.
  EXPECT_FLOAT_EQ(out[4], 5.0f);
  EXPECT_FLOAT_EQ(out[0], (1 + 2 + 4 + 5) / 4.0f);
  EXPECT_FLOAT_EQ(out[1], (2 + 5) / 2.0f);
  EXPECT_FLOAT_EQ(out[8], (5 + 6 + 8 + 9) / 4.0f);
  rotate_scale_image(in, out, shape, 0.0, 0.5);  // zoom out: the corners sample outside, zero filled
  EXPECT_FLOAT_EQ(out[4], 5.0f);
  EXPECT_FLOAT_EQ(out[0], 0.0f);
  EXPECT_FLOAT_EQ(out[1], 0.0f);  // samples row −1, above the image
}

TEST(Augment, FlipMirrorsEveryRowOfEveryChannel) {
  const ImageShape shape{2, 2, 3};
  const std::vector<float> in{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  std::vector<float> out(12);
  flip_horizontal(in, out, shape);
  EXPECT_EQ(out, (std::vector<float>{3, 2, 1, 6, 5, 4, 9, 8, 7, 12, 11, 10}));
  AugmentConfig config;
  config.flip_horizontal = true;
  int flipped = 0;
  for (std::uint64_t row = 0; row < 1000; ++row) {
    CounterRng rng(1, RngPurpose::augment, static_cast<std::uint32_t>(row), 1);
    augment_image(in, out, shape, config, rng);
    flipped += out[0] == 3.0f;
  }
  EXPECT_NEAR(flipped, 500, 60);  // probability ½: 4 standard deviations
}

TEST(Augment, EraseZerosOneRectangleOfThePublishedSizes) {
  const ImageShape shape{1, 28, 28};
  const std::vector<float> ones(784, 1.0f);
  AugmentConfig config;
  config.erase = 1.0;
  int erased = 0;
  for (std::uint64_t row = 0; row < 200; ++row) {
    std::vector<float> out(784);
    CounterRng rng(7, RngPurpose::augment, static_cast<std::uint32_t>(row), 2);
    augment_image(ones, out, shape, config, rng);
    Index top = 28, bottom = -1, left = 28, right = -1, zeros = 0;
    for (Index y = 0; y < 28; ++y)
      for (Index x = 0; x < 28; ++x)
        if (out[static_cast<std::size_t>(y * 28 + x)] == 0.0f) {
          ++zeros, top = std::min(top, y), bottom = std::max(bottom, y), left = std::min(left, x), right = std::max(right, x);
        }
    if (zeros == 0) continue;  // ten attempts that did not fit: left alone, as torchvision does
    ++erased;
    const Index height = bottom - top + 1, width = right - left + 1;
    EXPECT_EQ(zeros, height * width);  // one solid rectangle
    // Area 2–40 % of 784 and aspect 0.3–3.3, before rounding the sides to whole pixels.
    EXPECT_GE(zeros, 10);
    EXPECT_LE(zeros, 360);
    EXPECT_LE(static_cast<double>(height) / static_cast<double>(width), 1 / 0.3 * 1.5);
    EXPECT_GE(static_cast<double>(height) / static_cast<double>(width), 0.3 / 1.5);
  }
  EXPECT_GT(erased, 150);
  std::vector<float> image(784, 1.0f);
  erase_rectangle(image, shape, 2, 3, 4, 5);
  EXPECT_EQ(std::count(image.begin(), image.end(), 0.0f), 20);
  EXPECT_EQ(image[2 * 28 + 3], 0.0f);
  EXPECT_EQ(image[2 * 28 + 8], 1.0f);
  EXPECT_THROW(erase_rectangle(image, shape, 1, 0, 28, 1), std::invalid_argument);
}

TEST(Augment, NoiseHasTheGivenStandardDeviation) {
  const ImageShape shape{1, 28, 28};
  const std::vector<float> zeros(784, 0.0f);
  AugmentConfig config;
  config.noise = 0.3;
  double sum = 0, squares = 0;
  for (std::uint64_t row = 0; row < 50; ++row) {
    std::vector<float> out(784);
    CounterRng rng(2, RngPurpose::augment, static_cast<std::uint32_t>(row), 1);
    augment_image(zeros, out, shape, config, rng);
    for (const float v : out) sum += v, squares += static_cast<double>(v) * v;
  }
  const double n = 50 * 784;
  EXPECT_NEAR(sum / n, 0.0, 0.01);
  EXPECT_NEAR(std::sqrt(squares / n), 0.3, 0.005);
}

TEST(Augment, ShiftsAreWholePixelsWithinTheMaximum) {
  const ImageShape shape{1, 9, 9};
  std::vector<float> dot(81, 0.0f);
  dot[40] = 1.0f;  // the centre
  AugmentConfig config;
  config.shift = 2;
  std::vector<int> seen(25, 0);
  for (std::uint64_t row = 0; row < 2000; ++row) {
    std::vector<float> out(81);
    CounterRng rng(4, RngPurpose::augment, static_cast<std::uint32_t>(row), 1);
    augment_image(dot, out, shape, config, rng);
    Index at = -1;
    for (Index i = 0; i < 81; ++i)
      if (out[static_cast<std::size_t>(i)] == 1.0f) at = i;
    ASSERT_GE(at, 0);
    const Index dy = at / 9 - 4, dx = at % 9 - 4;
    ASSERT_LE(std::abs(dx), 2);
    ASSERT_LE(std::abs(dy), 2);
    ++seen[static_cast<std::size_t>((dy + 2) * 5 + dx + 2)];
  }
  for (const int count : seen) EXPECT_GT(count, 40);  // every offset of the 5 × 5, about 80 each
}

TEST(Augment, BadSettingsAndShapesAreRefused) {
  const auto refused = [](AugmentConfig config) {
    EXPECT_THROW(validate(config), std::invalid_argument);
  };
  refused(AugmentConfig{.shift = -1});
  refused(AugmentConfig{.rotate = -5});
  refused(AugmentConfig{.scale_min = 1.2, .scale_max = 0.9});
  refused(AugmentConfig{.scale_min = 0.0});
  refused(AugmentConfig{.noise = -0.1});
  refused(AugmentConfig{.erase = 1.5});
  EXPECT_NO_THROW(validate(AugmentConfig{.shift = 2, .rotate = 10, .scale_min = 0.9, .scale_max = 1.1, .flip_horizontal = true,
                                         .noise = 0.1, .erase = 0.5}));
  EXPECT_THROW(image_shape(Shape{784}), std::invalid_argument);
  EXPECT_EQ(image_shape(Shape{28, 28}).size(), 784);
  EXPECT_EQ(image_shape(Shape{3, 32, 32}).channels, 3);
}

}  // namespace
}  // namespace nnlab
