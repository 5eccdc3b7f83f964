// SGD with momentum against numbers worked out by hand, and against Rumelhart, Hinton &
// Williams' (1986) form of momentum, which PyTorch's form rewrites.
#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "optim/optimizer.hpp"

namespace nnlab {
namespace {

TEST(SgdByHand, MomentumThreeSteps) {
  // lr = 0.1, momentum = 0.9, dampening = 0; p starts at [1, 1].
  Tensor value({1, 2}, {1.0f, 1.0f});
  Tensor grad({1, 2});
  const std::vector<ParameterSlot> slots{{&value, &grad, 0}};
  const std::vector<OptimizerOptions> members{{.kind = OptimizerKind::sgd, .lr = 0.1, .momentum = 0.9}};
  const auto optimizer = make_optimizer(members);

  // Step 1: g = [1, -2]. The buffer starts as g: b = [1, -2]; p = [1 - 0.1, 1 + 0.2] = [0.9, 1.2].
  grad[0] = 1.0f, grad[1] = -2.0f;
  optimizer->step(slots);
  EXPECT_NEAR(value[0], 0.9f, 1e-6f);
  EXPECT_NEAR(value[1], 1.2f, 1e-6f);
  // Step 2: g = [0.5, 0.5]. b = 0.9 [1, -2] + [0.5, 0.5] = [1.4, -1.3]; p = [0.9 - 0.14, 1.2 + 0.13] = [0.76, 1.33].
  grad[0] = 0.5f, grad[1] = 0.5f;
  optimizer->step(slots);
  EXPECT_NEAR(value[0], 0.76f, 1e-6f);
  EXPECT_NEAR(value[1], 1.33f, 1e-6f);
  // Step 3: g = [-1, 0]. b = 0.9 [1.4, -1.3] + [-1, 0] = [0.26, -1.17]; p = [0.76 - 0.026, 1.33 + 0.117] =
  // [0.734, 1.447].
  grad[0] = -1.0f, grad[1] = 0.0f;
  optimizer->step(slots);
  EXPECT_NEAR(value[0], 0.734f, 1e-6f);
  EXPECT_NEAR(value[1], 1.447f, 1e-6f);
  EXPECT_EQ(optimizer->steps_taken(0), 3);
}

TEST(SgdByHand, PlainWeightDecayAndNesterovOneStep) {
  // wd = 0.5: d = g + 0.5 p = 1 + 0.5 * 2 = 2. Nesterov, momentum 0.5, first step: b = d = 2,
  // d = d + 0.5 b = 3; p = 2 - 0.1 * 3 = 1.7.
  Tensor value({1, 1}, {2.0f});
  Tensor grad({1, 1}, {1.0f});
  const std::vector<ParameterSlot> slots{{&value, &grad, 0}};
  const std::vector<OptimizerOptions> members{
      {.kind = OptimizerKind::sgd, .lr = 0.1, .weight_decay = 0.5, .momentum = 0.5, .nesterov = true}};
  make_optimizer(members)->step(slots);
  EXPECT_NEAR(value[0], 1.7f, 1e-6f);
}

// Rumelhart et al.: dw(t) = -eps dE/dw(t) + alpha dw(t-1), w += dw. PyTorch: b = alpha b + g,
// w -= lr b. With dw = -lr b the two are the same recurrence when dampening = 0 and lr is
// constant. Both follow the gradient of E(w) = 1/2 sum h_i (w_i - c_i)^2, each from its own w.
TEST(SgdByHand, RumelhartMomentumIsPyTorchMomentum) {
  constexpr double epsilon = 0.1, alpha = 0.9;
  constexpr std::array<double, 3> curvature{1.0, 0.5, 2.0}, centre{0.3, -1.0, 2.0};
  std::array<double, 3> weights{1.0, 1.0, -1.0}, last_change{0.0, 0.0, 0.0};

  Tensor value({1, 3}, {1.0f, 1.0f, -1.0f});
  Tensor grad({1, 3});
  const std::vector<ParameterSlot> slots{{&value, &grad, 0}};
  const std::vector<OptimizerOptions> members{{.kind = OptimizerKind::sgd, .lr = epsilon, .momentum = alpha}};
  const auto optimizer = make_optimizer(members);

  for (int step = 0; step < 60; ++step) {
    for (std::size_t i = 0; i < 3; ++i) {
      const double gradient = curvature[i] * (weights[i] - centre[i]);
      last_change[i] = -epsilon * gradient + alpha * last_change[i];
      weights[i] += last_change[i];
      grad[static_cast<Index>(i)] = static_cast<float>(curvature[i] * (value[static_cast<Index>(i)] - centre[i]));
    }
    optimizer->step(slots);
    // Float against double: equal up to float rounding, which the contraction keeps small.
    for (std::size_t i = 0; i < 3; ++i)
      EXPECT_NEAR(value[static_cast<Index>(i)], weights[i], 2e-6) << "step " << step << ", weight " << i;
  }
  // And the trajectory did move (momentum overshoots the minimum before settling).
  EXPECT_NEAR(value[2], 2.0f, 0.5f);
}

}  // namespace
}  // namespace nnlab
