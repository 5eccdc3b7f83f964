// Synthetic problems: labels counted by hand, encoder targets, spiral geometry and determinism.
#include "data/synthetic.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "data/test_support.hpp"

namespace nnlab {
namespace {

using testing::expect_input_error;

std::vector<float> row(const Dataset& dataset, Index i) {
  const Index width = dataset.features();
  return {dataset.inputs.data() + i * width, dataset.inputs.data() + (i + 1) * width};
}

int count_label(const Dataset& dataset, std::int32_t label) {
  return static_cast<int>(std::count(dataset.labels.begin(), dataset.labels.end(), label));
}

TEST(Synthetic, MirrorSixBits) {
  const Dataset mirror = make_mirror(6);
  ASSERT_EQ(mirror.size(), 64);
  EXPECT_EQ(mirror.features(), 6);
  EXPECT_EQ(mirror.classes, 2);
  EXPECT_EQ(count_label(mirror, 1), 8);  // a symmetric 6-bit vector is fixed by its first 3 bits: 2^3
  // Counting order, most significant bit first.
  EXPECT_EQ(row(mirror, 1), (std::vector<float>{0, 0, 0, 0, 0, 1}));
  EXPECT_EQ(row(mirror, 44), (std::vector<float>{1, 0, 1, 1, 0, 0}));
  EXPECT_EQ(mirror.labels[0], 1);   // 000000
  EXPECT_EQ(mirror.labels[33], 1);  // 100001
  EXPECT_EQ(mirror.labels[30], 1);  // 011110
  EXPECT_EQ(mirror.labels[45], 1);  // 101101
  EXPECT_EQ(mirror.labels[1], 0);   // 000001
  EXPECT_EQ(mirror.labels[44], 0);  // 101100
}

TEST(Synthetic, MirrorOtherSizes) {
  EXPECT_EQ(count_label(make_mirror(5), 1), 8);  // middle bit free: 2^3 of 32
  EXPECT_EQ(count_label(make_mirror(1), 1), 2);
  EXPECT_EQ(count_label(make_mirror(10), 1), 32);
}

TEST(Synthetic, ParityAndXor) {
  for (const int bits : {1, 2, 4, 7}) {
    const Dataset parity = make_parity(bits);
    ASSERT_EQ(parity.size(), Index{1} << bits);
    EXPECT_EQ(count_label(parity, 1), 1 << (bits - 1)) << bits;
  }
  const Dataset parity4 = make_parity(4);
  EXPECT_EQ(parity4.labels[7], 1);   // 0111
  EXPECT_EQ(parity4.labels[3], 0);   // 0011
  EXPECT_EQ(parity4.labels[15], 0);  // 1111
  const Dataset xor_problem = make_xor();
  EXPECT_EQ(xor_problem.name, "xor");
  EXPECT_EQ(xor_problem.labels, (std::vector<std::int32_t>{0, 1, 1, 0}));
  EXPECT_EQ(row(xor_problem, 1), (std::vector<float>{0, 1}));
  EXPECT_EQ(row(xor_problem, 2), (std::vector<float>{1, 0}));
}

TEST(Synthetic, Encoder) {
  const Dataset encoder = make_encoder(8);
  ASSERT_EQ(encoder.size(), 8);
  EXPECT_EQ(encoder.classes, 8);
  ASSERT_EQ(encoder.targets.shape(), (Shape{8, 8}));
  for (Index i = 0; i < 8; ++i) {
    EXPECT_EQ(encoder.labels[static_cast<std::size_t>(i)], i);
    for (Index j = 0; j < 8; ++j) {
      EXPECT_EQ(encoder.inputs[i * 8 + j], i == j ? 1.0f : 0.0f);
      EXPECT_EQ(encoder.targets[i * 8 + j], i == j ? 1.0f : 0.0f);
    }
  }
}

TEST(Synthetic, SpiralsGeometry) {
  const Dataset spirals = make_two_spirals(97, 0.0, 1);
  ASSERT_EQ(spirals.size(), 194);
  EXPECT_EQ(spirals.classes, 2);
  EXPECT_EQ(count_label(spirals, 0), 97);
  EXPECT_EQ(count_label(spirals, 1), 97);
  // Lang & Witbrock: point i at angle i*pi/16, radius 6.5*(104-i)/104; the second spiral mirrored.
  EXPECT_NEAR(spirals.inputs[0], 0.0, 1e-6);
  EXPECT_NEAR(spirals.inputs[1], 6.5, 1e-6);
  EXPECT_EQ(spirals.labels[0], 0);
  EXPECT_NEAR(spirals.inputs[2], 0.0, 1e-6);
  EXPECT_NEAR(spirals.inputs[3], -6.5, 1e-6);
  EXPECT_EQ(spirals.labels[1], 1);
  const Index point8 = 2 * 8;  // angle pi/2, radius 6
  EXPECT_NEAR(spirals.inputs[point8 * 2], 6.0, 1e-5);
  EXPECT_NEAR(spirals.inputs[point8 * 2 + 1], 0.0, 1e-5);
  const Index last = 2 * 96;  // angle 6 pi, radius 0.5
  EXPECT_NEAR(spirals.inputs[last * 2], 0.0, 1e-5);
  EXPECT_NEAR(spirals.inputs[last * 2 + 1], 0.5, 1e-6);
}

TEST(Synthetic, SpiralsNoiseIsSeededAndHasTheRequestedSpread) {
  const Dataset clean = make_two_spirals(5000, 0.0, 3);
  const Dataset noisy = make_two_spirals(5000, 0.5, 3);
  const Dataset again = make_two_spirals(5000, 0.5, 3);
  const Dataset other = make_two_spirals(5000, 0.5, 4);
  EXPECT_EQ(make_two_spirals(50, 0.0, 3).labels, make_two_spirals(50, 0.0, 99).labels);
  EXPECT_TRUE(std::equal(noisy.inputs.span().begin(), noisy.inputs.span().end(), again.inputs.span().begin()));
  EXPECT_FALSE(std::equal(noisy.inputs.span().begin(), noisy.inputs.span().end(), other.inputs.span().begin()));
  double sum = 0.0, sum_squares = 0.0;
  for (Index i = 0; i < clean.inputs.size(); ++i) {
    const double deviation = noisy.inputs[i] - clean.inputs[i];
    sum += deviation;
    sum_squares += deviation * deviation;
  }
  const double n = static_cast<double>(clean.inputs.size());
  EXPECT_NEAR(sum / n, 0.0, 0.02);
  EXPECT_NEAR(std::sqrt(sum_squares / n), 0.5, 0.02);
}

TEST(Synthetic, ValidatesSizes) {
  expect_input_error([] { make_mirror(0); }, {"mirror", "bits", "[1, 20]", "got 0"});
  expect_input_error([] { make_parity(21); }, {"parity", "bits", "got 21"});
  expect_input_error([] { make_encoder(1); }, {"encoder", "size"});
  expect_input_error([] { make_two_spirals(0, 0.0, 1); }, {"spirals", "points"});
  expect_input_error([] { make_two_spirals(10, -0.1, 1); }, {"spirals", "noise"});
}

}  // namespace
}  // namespace nnlab
