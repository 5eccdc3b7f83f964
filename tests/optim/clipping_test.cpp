// Gradient clipping per member, against norms and coefficients computed by hand.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "optim/clipping.hpp"

namespace nnlab {
namespace {

// Two members, two parameters each:
//   member 0: [3, 0] and [4]  -> ||g|| = sqrt(9 + 16) = 5
//   member 1: [1, 2] and [2]  -> ||g|| = sqrt(1 + 4 + 4) = 3
struct TwoMembers {
  Tensor weight_grad{{2, 2}, {3.0f, 0.0f, 1.0f, 2.0f}};
  Tensor bias_grad{{2, 1}, {4.0f, 2.0f}};
  Tensor weight{{2, 2}};
  Tensor bias{{2, 1}};
  std::vector<Tensor*> gradients{&weight_grad, &bias_grad};
  std::vector<ParameterSlot> slots{{&weight, &weight_grad, 0}, {&bias, &bias_grad, 0}};
};

TEST(Clipping, GradientNormsPerMember) {
  TwoMembers setup;
  const std::vector<double> norms = gradient_norms(setup.slots, 2);
  ASSERT_EQ(norms.size(), 2u);
  EXPECT_DOUBLE_EQ(norms[0], 5.0);
  EXPECT_DOUBLE_EQ(norms[1], 3.0);
}

TEST(Clipping, NormScalesOnlyMembersAboveTheirLimit) {
  TwoMembers setup;
  const std::vector<double> limits{1.0, 10.0};
  const std::vector<double> norms = clip_gradient_norm(setup.gradients, limits);
  EXPECT_DOUBLE_EQ(norms[0], 5.0);
  EXPECT_DOUBLE_EQ(norms[1], 3.0);
  // Member 0: clip_coef = 1 / (5 + 1e-6) = 0.19999996; [3, 0, 4] -> [0.59999988, 0, 0.79999984].
  EXPECT_NEAR(setup.weight_grad[0], 0.59999988f, 1e-7f);
  EXPECT_EQ(setup.weight_grad[1], 0.0f);
  EXPECT_NEAR(setup.bias_grad[0], 0.79999984f, 1e-7f);
  EXPECT_NEAR(gradient_norms(setup.slots, 2)[0], 1.0, 1e-6);
  // Member 1: clip_coef = 10 / 3 >= 1, untouched.
  EXPECT_EQ(setup.weight_grad[2], 1.0f);
  EXPECT_EQ(setup.weight_grad[3], 2.0f);
  EXPECT_EQ(setup.bias_grad[1], 2.0f);
}

TEST(Clipping, NormAtTheLimitStillScalesByPyTorchsCoefficient) {
  // max_norm = 5 = ||g||: clip_coef = 5 / 5.000001 < 1, so PyTorch scales (by 0.9999998).
  TwoMembers setup;
  const std::vector<double> limits{5.0, 0.0};  // 0: member 1 not clipped at all
  clip_gradient_norm(setup.gradients, limits);
  EXPECT_EQ(setup.weight_grad[0], 3.0f * static_cast<float>(5.0 / 5.000001));
  EXPECT_LT(setup.weight_grad[0], 3.0f);
  EXPECT_EQ(setup.bias_grad[1], 2.0f);
}

TEST(Clipping, ZeroGradientStaysZero) {
  Tensor grad({1, 3});
  std::vector<Tensor*> gradients{&grad};
  const std::vector<double> limits{1.0};
  EXPECT_EQ(clip_gradient_norm(gradients, limits)[0], 0.0);
  for (Index i = 0; i < 3; ++i) EXPECT_EQ(grad[i], 0.0f);
}

TEST(Clipping, ValueClampsPerMember) {
  Tensor grad({2, 3}, {0.7f, -2.0f, 0.1f, 0.7f, -2.0f, 0.1f});
  grad[2] = std::numeric_limits<float>::quiet_NaN();
  std::vector<Tensor*> gradients{&grad};
  const std::vector<double> limits{0.5, 0.0};
  clip_gradient_value(gradients, limits);
  EXPECT_EQ(grad[0], 0.5f);
  EXPECT_EQ(grad[1], -0.5f);
  EXPECT_TRUE(std::isnan(grad[2]));  // as torch.clamp: NaN is not hidden
  EXPECT_EQ(grad[3], 0.7f);          // member 1 has no limit
  EXPECT_EQ(grad[4], -2.0f);
  EXPECT_EQ(grad[5], 0.1f);
}

TEST(Clipping, RejectsWrongPopulation) {
  Tensor grad({3, 2});
  std::vector<Tensor*> gradients{&grad};
  const std::vector<double> limits{1.0, 1.0};
  EXPECT_THROW(clip_gradient_norm(gradients, limits), std::invalid_argument);
  EXPECT_THROW(clip_gradient_value(gradients, limits), std::invalid_argument);
}

}  // namespace
}  // namespace nnlab
