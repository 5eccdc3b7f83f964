// Counter-based randomness (Philox4x32-10, Salmon et al. 2011). A stream is a pure
// function of (seed, purpose, stream, step): no generator state is shared, so results
// never depend on how members are grouped into populations or spread over threads.
//
// A member's identity is its seed. Its position in a population never enters the key,
// which is what makes member m of a population follow the trajectory it would follow
// trained alone (DESIGN §1, population invariance).
#pragma once

#include <array>
#include <cstdint>

namespace nnlab {

// What the numbers are for; different purposes never share a stream.
enum class RngPurpose : std::uint32_t {
  init = 1,          // weight initialisation; stream = layer index, step = 0 weight / 1 bias
  shuffle = 2,       // data order; step = epoch
  dropout = 3,       // dropout masks; stream = layer index, step = optimiser step
  labels = 4,        // random-label corruption
  split = 5,         // train/validation split, subsets
  data = 6,          // synthetic data generation (e.g. two spirals)
  sweep = 7,         // random-search sampling of sweep values
  metrics = 8,       // the fixed subset train metrics are measured on (seed 0 for everyone)
  data_init = 9,     // the batch lsuv and pca initialise from
  augment = 10,      // data.augment; stream = training-set row, step = epoch
  mixup = 11,        // train.mixup's λ and partners; stream = batch index, step = epoch
  prune_control = 12,  // the seed of prune.control's random-reinit member (experiment/prune_control.hpp)
};

// Philox4x32-10 block function: 128-bit counter, 64-bit key -> 128 random bits.
std::array<std::uint32_t, 4> philox4x32(std::array<std::uint32_t, 4> counter, std::array<std::uint32_t, 2> key);

// Block `block` (0, 1, ...) of the stream CounterRng(seed, purpose, stream, step) reads in
// order: four words of it at random access, for kernels that draw element e from block e / 4
// on any thread.
std::array<std::uint32_t, 4> counter_block(std::uint64_t seed, RngPurpose purpose, std::uint32_t stream, std::uint64_t step,
                                           std::uint32_t block);

// A sequence of random numbers; cheap to create, one per (seed, purpose, stream, step).
class CounterRng {
 public:
  CounterRng(std::uint64_t seed, RngPurpose purpose, std::uint32_t stream = 0, std::uint64_t step = 0);

  std::uint32_t next_u32();
  std::uint64_t next_u64();
  double uniform();                      // [0, 1), 53 random bits
  double uniform(double low, double high);
  double normal();                       // standard normal (Box–Muller, both values used)
  std::uint64_t below(std::uint64_t n);  // uniform integer in [0, n), unbiased; n > 0

 private:
  friend std::array<std::uint32_t, 4> counter_block(std::uint64_t, RngPurpose, std::uint32_t, std::uint64_t, std::uint32_t);
  void refill();

  std::array<std::uint32_t, 2> key_{};
  std::array<std::uint32_t, 4> counter_{};
  std::array<std::uint32_t, 4> block_{};
  int used_ = 4;
  bool has_spare_normal_ = false;
  double spare_normal_ = 0.0;
};

}  // namespace nnlab
