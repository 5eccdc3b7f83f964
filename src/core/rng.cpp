#include "core/rng.hpp"

#include <cmath>
#include <numbers>

namespace nnlab {

std::array<std::uint32_t, 4> philox4x32(std::array<std::uint32_t, 4> counter, std::array<std::uint32_t, 2> key) {
  constexpr std::uint32_t multiplier0 = 0xD2511F53u;
  constexpr std::uint32_t multiplier1 = 0xCD9E8D57u;
  constexpr std::uint32_t weyl0 = 0x9E3779B9u;
  constexpr std::uint32_t weyl1 = 0xBB67AE85u;
  for (int round = 0; round < 10; ++round) {
    const std::uint64_t product0 = std::uint64_t{multiplier0} * counter[0];
    const std::uint64_t product1 = std::uint64_t{multiplier1} * counter[2];
    const auto hi0 = static_cast<std::uint32_t>(product0 >> 32), lo0 = static_cast<std::uint32_t>(product0);
    const auto hi1 = static_cast<std::uint32_t>(product1 >> 32), lo1 = static_cast<std::uint32_t>(product1);
    counter = {hi1 ^ counter[1] ^ key[0], lo1, hi0 ^ counter[3] ^ key[1], lo0};
    key[0] += weyl0;
    key[1] += weyl1;
  }
  return counter;
}

CounterRng::CounterRng(std::uint64_t seed, RngPurpose purpose, std::uint32_t stream, std::uint64_t step) {
  key_ = {static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)};
  // counter[0] counts blocks within the stream; the rest name the stream.
  counter_ = {0u, static_cast<std::uint32_t>(step), static_cast<std::uint32_t>(step >> 32) ^ (static_cast<std::uint32_t>(purpose) << 24),
              stream};
}

std::array<std::uint32_t, 4> counter_block(std::uint64_t seed, RngPurpose purpose, std::uint32_t stream, std::uint64_t step,
                                           std::uint32_t block) {
  CounterRng rng(seed, purpose, stream, step);
  rng.counter_[0] = block;
  return philox4x32(rng.counter_, rng.key_);
}

void CounterRng::refill() {
  block_ = philox4x32(counter_, key_);
  ++counter_[0];
  used_ = 0;
}

std::uint32_t CounterRng::next_u32() {
  if (used_ == 4) refill();
  return block_[static_cast<std::size_t>(used_++)];
}

std::uint64_t CounterRng::next_u64() {
  const std::uint64_t high = next_u32();
  return (high << 32) | next_u32();
}

double CounterRng::uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

double CounterRng::uniform(double low, double high) { return low + (high - low) * uniform(); }

double CounterRng::normal() {
  if (has_spare_normal_) {
    has_spare_normal_ = false;
    return spare_normal_;
  }
  const double u1 = 1.0 - uniform();  // (0, 1]: log is finite
  const double u2 = uniform();
  const double radius = std::sqrt(-2.0 * std::log(u1));
  const double angle = 2.0 * std::numbers::pi * u2;
  spare_normal_ = radius * std::sin(angle);
  has_spare_normal_ = true;
  return radius * std::cos(angle);
}

std::uint64_t CounterRng::below(std::uint64_t n) {
  // Lemire's nearly-divisionless method would do; rejection on the top range is simpler.
  const std::uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  std::uint64_t value = next_u64();
  while (value >= limit) value = next_u64();
  return value % n;
}

}  // namespace nnlab
