// Shared by the population tests of the optimisers: a population of members with
// pseudo-random, trajectory-dependent gradients, and three members that differ in every scalar.
#pragma once

#include <cstdint>
#include <vector>

#include "optim/optimizer.hpp"

namespace nnlab::population_fixture {

// Parameter shapes per member: a small weight, a bias, and one large enough that the
// population's update runs on several threads while a lone member's does not.
inline const std::vector<Shape> member_shapes{{5, 3}, {5}, {16384}};
constexpr int steps = 8;
constexpr int frozen_step = 3;  // member 1 sits this step out

// A pseudo-random gradient element in [-1, 1) from (member identity, step, parameter, element),
// plus a pull towards 0 so that the gradient depends on the trajectory.
inline float gradient_element(int identity, int step, std::size_t parameter, Index element, float value) {
  std::uint64_t x = (static_cast<std::uint64_t>(identity) << 48) ^ (static_cast<std::uint64_t>(step) << 32) ^
                    (static_cast<std::uint64_t>(parameter) << 24) ^ static_cast<std::uint64_t>(element);
  x ^= x >> 33, x *= 0xff51afd7ed558ccdULL, x ^= x >> 33, x *= 0xc4ceb9fe1a85ec53ULL, x ^= x >> 33;
  return static_cast<float>(static_cast<double>(x >> 11) * 0x1.0p-52 - 1.0) + 0.1f * value;
}

// Member m's own rate schedule, as the trainer would hand it over.
inline double member_rate(const OptimizerOptions& options, int identity, int step) {
  return options.lr / (1.0 + 0.05 * step * (identity + 1));
}

struct Population {
  std::vector<int> identities;  // which members these are
  std::vector<Tensor> values, grads;
  std::vector<ParameterSlot> slots;

  explicit Population(std::vector<int> who) : identities(std::move(who)) {
    const auto members = static_cast<Index>(identities.size());
    for (std::size_t p = 0; p < member_shapes.size(); ++p) {
      Shape shape{members};
      shape.insert(shape.end(), member_shapes[p].begin(), member_shapes[p].end());
      values.emplace_back(shape);
      grads.emplace_back(shape);
      for (Index m = 0; m < members; ++m)
        for (Index i = 0; i < values[p].slice_size(); ++i)
          values[p].slice(m)[i] = gradient_element(identities[static_cast<std::size_t>(m)], -1, p, i, 0.0f);
    }
    for (std::size_t p = 0; p < values.size(); ++p) slots.push_back({&values[p], &grads[p], static_cast<int>(p)});
  }

  void fill_gradients(int step) {
    for (std::size_t p = 0; p < values.size(); ++p)
      for (Index m = 0; m < values[p].dim(0); ++m)
        for (Index i = 0; i < values[p].slice_size(); ++i)
          grads[p].slice(m)[i] =
              gradient_element(identities[static_cast<std::size_t>(m)], step, p, i, values[p].slice(m)[i]);
  }
};

// Three members of one kind that differ in every scalar the kind reads.
inline std::vector<OptimizerOptions> three_members(OptimizerKind kind) {
  std::vector<OptimizerOptions> members(3, defaults_for(kind));
  const std::vector<std::vector<double>> multipliers{{1.0, 0.5}, {}, {2.0, 1.0, 0.25}};
  for (std::size_t m = 0; m < 3; ++m) {
    OptimizerOptions& options = members[m];
    const double k = static_cast<double>(m);
    options.lr = options.lr * (1.0 + k);
    options.weight_decay = 0.01 * k;
    options.momentum = 0.45 * k;  // 0, 0.45, 0.9
    options.dampening = m == 2 ? 0.1 : 0.0;
    options.nesterov = m == 1;
    options.beta1 = 0.9 - 0.05 * k;
    options.beta2 = 0.999 - 0.01 * k;
    options.amsgrad = m == 1 && kind != OptimizerKind::radam;
    options.eps = options.eps * (1.0 + 9.0 * k);
    options.alpha = 0.99 - 0.05 * k;
    options.centered = m != 1;
    options.rho = 0.9 + 0.04 * k;
    options.lr_decay = 0.01 * k;
    options.initial_accumulator_value = 0.1 * k;
    options.layer_lr_multipliers = multipliers[m];
  }
  return members;
}

}  // namespace nnlab::population_fixture
