// Momentum / beta1 cycling: 25 steps of each optimiser under one_cycle or cyclic with
// cycle_momentum, the rate and momentum of every step from nnlab's schedule, against torch.optim
// under OneCycleLR / CyclicLR (golden_momentum_cycle.hpp, from golden_momentum_cycle.py); a
// member with a cycled momentum in a population as alone; and NaN leaving the options' own.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "golden_momentum_cycle.hpp"
#include "optim/optimizer.hpp"
#include "optim/schedule.hpp"
#include "regression_gradient.hpp"

namespace nnlab {
namespace {

struct Regression {
  Tensor w = Tensor({1, 3}), b = Tensor({1, 1}), grad_w = Tensor({1, 3}), grad_b = Tensor({1, 1});
  Regression() {
    for (Index j = 0; j < 3; ++j) w[j] = static_cast<float>(golden_momentum_cycle::initial_w[static_cast<std::size_t>(j)]);
    b[0] = static_cast<float>(golden_momentum_cycle::initial_b[0]);
  }
  std::vector<ParameterSlot> slots() { return {{&w, &grad_w, 0}, {&b, &grad_b, 1}}; }
  void gradient() { regression::regression_gradient(golden_momentum_cycle::x, golden_momentum_cycle::y, w, b, grad_w, grad_b); }
};

TEST(MomentumCycleGolden, EveryCaseMatchesTorchUnderItsScheduler) {
  ASSERT_EQ(golden_momentum_cycle::cases().size(), 6u);
  for (const auto& golden : golden_momentum_cycle::cases()) {
    SCOPED_TRACE(golden.name);
    ASSERT_TRUE(cycles_momentum(golden.schedule));
    Regression problem;
    const std::vector<ParameterSlot> slots = problem.slots();
    const std::vector<OptimizerOptions> members{golden.options};
    const auto optimizer = make_optimizer(members);
    ASSERT_EQ(golden.expected.size(), 25u);
    for (std::size_t step = 0; step < golden.expected.size(); ++step) {
      problem.gradient();
      const auto t = static_cast<std::int64_t>(step);
      const std::vector<double> rate{scheduled_learning_rate(golden.schedule, golden.options.lr, t)};
      const std::vector<double> momentum{scheduled_momentum(golden.schedule, t)};
      optimizer->step(slots, rate, {}, momentum);
      const std::vector<const Tensor*> values{&problem.w, &problem.b};
      for (std::size_t p = 0; p < 2; ++p)
        for (std::size_t i = 0; i < golden.expected[step][p].size(); ++i) {
          const double actual = (*values[p])[static_cast<Index>(i)], expected = golden.expected[step][p][i];
          EXPECT_NEAR(actual, expected, 1e-5 * std::max(1.0, std::fabs(expected)))
              << "step " << step + 1 << ", parameter " << p << ", element " << i
              << " (HINT: re-run /usr/bin/python3 tests/optim/golden_momentum_cycle.py)";
        }
    }
  }
}

// Runs `steps` steps of `members` with the given momenta (empty: none) and returns w.
Tensor run(const std::vector<OptimizerOptions>& members, const std::vector<std::vector<double>>& momenta, int steps) {
  const auto population = static_cast<Index>(members.size());
  Tensor w({population, 3}), grad({population, 3});
  for (Index i = 0; i < w.size(); ++i) w[i] = 0.1f * static_cast<float>(i % 3) - 0.05f;
  const std::vector<ParameterSlot> slots{{&w, &grad, 0}};
  const auto optimizer = make_optimizer(members);
  for (int s = 0; s < steps; ++s) {
    for (Index i = 0; i < grad.size(); ++i) grad[i] = std::sin(static_cast<float>(i % 3 + 3 * s)) + 0.5f * w[i];  // the same per member
    optimizer->step(slots, {}, {}, momenta.empty() ? std::vector<double>{} : momenta[static_cast<std::size_t>(s)]);
  }
  return w;
}

TEST(MomentumCycle, AMemberWithACycledMomentumTrainsAsAlone) {
  for (const OptimizerKind kind : {OptimizerKind::sgd, OptimizerKind::rmsprop, OptimizerKind::adam, OptimizerKind::radam}) {
    SCOPED_TRACE(std::string(optimizer_kind_name(kind)));
    OptimizerOptions options = defaults_for(kind);
    options.momentum = 0.9;
    const std::vector<OptimizerOptions> members(3, options);
    const double own = std::numeric_limits<double>::quiet_NaN();
    std::vector<std::vector<double>> momenta;
    for (int s = 0; s < 12; ++s) momenta.push_back({0.95 - 0.01 * s, own, 0.8 + 0.005 * s});
    const Tensor together = run(members, momenta, 12);
    for (std::size_t m = 0; m < 3; ++m) {
      std::vector<std::vector<double>> alone_momenta;
      for (const auto& step : momenta) alone_momenta.push_back({step[m]});
      const Tensor alone = run({options}, alone_momenta, 12);
      EXPECT_EQ(std::memcmp(alone.data(), together.slice(static_cast<Index>(m)), 3 * sizeof(float)), 0) << "member " << m;
    }
    // NaN is the options' own momentum: bit for bit the run without momenta.
    const Tensor plain = run({options}, {}, 12);
    EXPECT_EQ(std::memcmp(plain.data(), together.slice(1), 3 * sizeof(float)), 0);
  }
}

TEST(MomentumCycle, BadMomentaAreRejected) {
  const std::vector<OptimizerOptions> sgd{defaults_for(OptimizerKind::sgd)};  // momentum 0: no buffer
  EXPECT_THROW(run(sgd, {{0.9}}, 1), std::invalid_argument);
  const std::vector<OptimizerOptions> adagrad{defaults_for(OptimizerKind::adagrad)};
  EXPECT_THROW(run(adagrad, {{0.9}}, 1), std::invalid_argument);
  OptimizerOptions momentum = defaults_for(OptimizerKind::sgd);
  momentum.momentum = 0.9;
  EXPECT_THROW(run({momentum, momentum}, {{0.9}}, 1), std::invalid_argument);  // one value for two members
}

}  // namespace
}  // namespace nnlab
