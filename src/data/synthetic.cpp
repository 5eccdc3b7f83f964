#include "data/synthetic.hpp"

#include <cmath>
#include <numbers>
#include <string>

#include "core/error.hpp"
#include "core/rng.hpp"

namespace nnlab {

namespace {

void check_range(const char* problem, const char* what, long long value, long long low, long long high) {
  if (value < low || value > high) {
    throw InputError(std::string(problem) + ": " + what + " must be in [" + std::to_string(low) + ", " +
                     std::to_string(high) + "], got " + std::to_string(value));
  }
}

// Every bits-long bit vector in counting order, most significant bit first; labels left for the caller.
Dataset all_bit_patterns(int bits) {
  const Index count = Index{1} << bits;
  Dataset dataset;
  dataset.inputs = Tensor({count, bits});
  for (Index pattern = 0; pattern < count; ++pattern) {
    for (int i = 0; i < bits; ++i)
      dataset.inputs[pattern * bits + i] = static_cast<float>((pattern >> (bits - 1 - i)) & 1);
  }
  dataset.labels.resize(static_cast<std::size_t>(count));
  dataset.classes = 2;
  dataset.example_shape = {bits};
  return dataset;
}

}  // namespace

Dataset make_mirror(int bits) {
  check_range("mirror", "bits", bits, 1, max_synthetic_bits);
  Dataset dataset = all_bit_patterns(bits);
  dataset.name = "mirror-" + std::to_string(bits);
  for (Index pattern = 0; pattern < dataset.size(); ++pattern) {
    const float* row = dataset.inputs.data() + pattern * bits;
    bool symmetric = true;
    for (int i = 0; i < bits / 2; ++i) symmetric = symmetric && row[i] == row[bits - 1 - i];
    dataset.labels[static_cast<std::size_t>(pattern)] = symmetric ? 1 : 0;
  }
  return dataset;
}

Dataset make_parity(int bits) {
  check_range("parity", "bits", bits, 1, max_synthetic_bits);
  Dataset dataset = all_bit_patterns(bits);
  dataset.name = "parity-" + std::to_string(bits);
  for (Index pattern = 0; pattern < dataset.size(); ++pattern) {
    int parity = 0;
    for (int i = 0; i < bits; ++i) parity ^= static_cast<int>((pattern >> i) & 1);
    dataset.labels[static_cast<std::size_t>(pattern)] = parity;
  }
  return dataset;
}

Dataset make_xor() {
  Dataset dataset = make_parity(2);
  dataset.name = "xor";
  return dataset;
}

Dataset make_encoder(int size) {
  check_range("encoder", "size", size, 2, max_encoder_size);
  Dataset dataset;
  dataset.name = "encoder-" + std::to_string(size);
  dataset.inputs = Tensor({size, size});
  for (int i = 0; i < size; ++i) {
    dataset.inputs[Index{i} * size + i] = 1.0f;
    dataset.labels.push_back(i);
  }
  dataset.targets = dataset.inputs;  // an autoencoder reproduces its input
  dataset.classes = size;
  dataset.example_shape = {size};
  return dataset;
}

Dataset make_two_spirals(Index points, double noise, std::uint64_t seed) {
  check_range("spirals", "points", points, 1, max_spiral_points);
  if (!(noise >= 0.0) || !std::isfinite(noise)) {
    throw InputError("spirals: noise must be a finite number >= 0, got " + std::to_string(noise));
  }
  Dataset dataset;
  dataset.name = "two-spirals";
  dataset.inputs = Tensor({2 * points, 2});
  dataset.labels.resize(static_cast<std::size_t>(2 * points));
  dataset.classes = 2;
  dataset.example_shape = {2};
  CounterRng rng(seed, RngPurpose::data);
  // Position along the spiral in the original's units, 0..96, whatever the point count.
  const double step = points > 1 ? 96.0 / static_cast<double>(points - 1) : 0.0;
  for (Index i = 0; i < points; ++i) {
    const double t = static_cast<double>(i) * step;
    const double angle = t * std::numbers::pi / 16.0;
    const double radius = 6.5 * (104.0 - t) / 104.0;
    const double x = radius * std::sin(angle);
    const double y = radius * std::cos(angle);
    for (Index spiral = 0; spiral < 2; ++spiral) {
      const double sign = spiral == 0 ? 1.0 : -1.0;
      const Index row = 2 * i + spiral;
      // Draw noise even when it is 0, so the stream does not depend on the noise level.
      const double noise_x = noise * rng.normal();
      const double noise_y = noise * rng.normal();
      dataset.inputs[row * 2] = static_cast<float>(sign * x + noise_x);
      dataset.inputs[row * 2 + 1] = static_cast<float>(sign * y + noise_y);
      dataset.labels[static_cast<std::size_t>(row)] = static_cast<std::int32_t>(spiral);
    }
  }
  return dataset;
}

}  // namespace nnlab
