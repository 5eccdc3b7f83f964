// Every optimiser against torch.optim trajectories (golden_values.hpp, from make_golden.py).
#include <gtest/gtest.h>

#include <cmath>
#include <cstddef>
#include <vector>

#include "golden_values.hpp"
#include "optim/optimizer.hpp"

namespace nnlab {
namespace {

// Float results may differ from PyTorch's in the last bits (its kernels fuse multiply-adds).
bool close(float actual, float expected) { return std::fabs(actual - expected) <= 1e-6f * std::fabs(expected) + 1e-7f; }

void run_golden_case(const golden::Case& golden) {
  SCOPED_TRACE(golden.name);
  std::vector<Tensor> values, grads;
  for (const auto& initial : golden.initial) {
    const auto count = static_cast<Index>(initial.size());
    Tensor value({1, count});
    std::copy(initial.begin(), initial.end(), value.data());
    values.push_back(std::move(value));
    grads.emplace_back(Shape{1, count});
  }
  std::vector<ParameterSlot> slots;
  for (std::size_t p = 0; p < values.size(); ++p) slots.push_back({&values[p], &grads[p], golden.layer_index[p]});

  const std::vector<OptimizerOptions> members{golden.options};
  const auto optimizer = make_optimizer(members);
  for (std::size_t step = 0; step < golden.gradients.size(); ++step) {
    for (std::size_t p = 0; p < grads.size(); ++p)
      std::copy(golden.gradients[step][p].begin(), golden.gradients[step][p].end(), grads[p].data());
    const std::vector<double> rates{golden.learning_rates[step]};
    optimizer->step(slots, rates);
    for (std::size_t p = 0; p < values.size(); ++p) {
      for (std::size_t i = 0; i < golden.expected[step][p].size(); ++i) {
        const float actual = values[p][static_cast<Index>(i)], expected = golden.expected[step][p][i];
        EXPECT_TRUE(close(actual, expected))
            << "step " << step + 1 << ", parameter " << p << ", element " << i << ": " << actual << " vs torch "
            << expected << " (HINT: golden values come from torch " << golden::torch_version
            << "; re-run tests/optim/make_golden.py)";
      }
    }
  }
  EXPECT_EQ(optimizer->steps_taken(0), static_cast<std::int64_t>(golden.gradients.size()));
}

TEST(OptimGolden, EveryCaseMatchesTorch) {
  ASSERT_GE(golden::cases().size(), 15u);
  for (const auto& golden : golden::cases()) run_golden_case(golden);
}

// The cases cover each kind, and RAdam runs past the step where its rectification begins.
TEST(OptimGolden, CoverEveryKindAndRadamRectification) {
  std::vector<bool> seen(7, false);
  for (const auto& golden : golden::cases()) {
    seen[static_cast<std::size_t>(golden.options.kind)] = true;
    if (golden.options.kind == OptimizerKind::radam) {
      EXPECT_GE(golden.gradients.size(), 6u);
    }
  }
  for (std::size_t kind = 0; kind < seen.size(); ++kind) EXPECT_TRUE(seen[kind]) << "no golden case for kind " << kind;
}

}  // namespace
}  // namespace nnlab
