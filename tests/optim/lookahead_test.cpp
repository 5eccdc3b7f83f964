// Lookahead and Ranger: against the paper's algorithm on torch.optim (golden_lookahead.hpp, from
// golden_lookahead.py), population invariance across k and alpha, and the state round trip.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "golden_lookahead.hpp"
#include "optim/optimizer.hpp"
#include "population_fixture.hpp"
#include "regression_gradient.hpp"

namespace nnlab {
namespace {

using namespace population_fixture;

void regression_gradient(const Tensor& w, const Tensor& b, Tensor& grad_w, Tensor& grad_b) {
  regression::regression_gradient(golden_lookahead::x, golden_lookahead::y, w, b, grad_w, grad_b);
}

TEST(LookaheadGolden, EveryCaseMatchesThePaperOnTorch) {
  ASSERT_EQ(golden_lookahead::cases().size(), 3u);
  for (const auto& golden : golden_lookahead::cases()) {
    SCOPED_TRACE(golden.name);
    Tensor w({1, 3}), b({1, 1}), grad_w({1, 3}), grad_b({1, 1});
    for (Index j = 0; j < 3; ++j) w[j] = static_cast<float>(golden_lookahead::initial_w[static_cast<std::size_t>(j)]);
    b[0] = static_cast<float>(golden_lookahead::initial_b[0]);
    const std::vector<ParameterSlot> slots{{&w, &grad_w, 0}, {&b, &grad_b, 1}};
    const std::vector<OptimizerOptions> members{golden.options};
    const auto optimizer = make_optimizer(members);
    ASSERT_EQ(golden.expected.size(), 25u);
    for (std::size_t step = 0; step < golden.expected.size(); ++step) {
      regression_gradient(w, b, grad_w, grad_b);
      optimizer->step(slots);
      const std::vector<const Tensor*> values{&w, &b};
      for (std::size_t p = 0; p < 2; ++p)
        for (std::size_t i = 0; i < golden.expected[step][p].size(); ++i) {
          const double actual = (*values[p])[static_cast<Index>(i)], expected = golden.expected[step][p][i];
          EXPECT_NEAR(actual, expected, 1e-5 * std::max(1.0, std::fabs(expected)))
              << "step " << step + 1 << ", parameter " << p << ", element " << i
              << " (HINT: re-run /usr/bin/python3 tests/optim/golden_lookahead.py)";
        }
    }
    EXPECT_EQ(optimizer->steps_taken(0), 25);
  }
}

// Three members with other inner scalars, k and alpha; `wrapper` lookahead around `kind`, or ranger.
std::vector<OptimizerOptions> three_wrapped(OptimizerKind kind, OptimizerWrapper wrapper) {
  std::vector<OptimizerOptions> members = three_members(kind);
  const std::vector<std::int64_t> ks{3, 1, 2};
  const std::vector<double> alphas{0.5, 0.8, 1.0};
  for (std::size_t m = 0; m < 3; ++m) {
    members[m].wrapper = wrapper;
    members[m].lookahead_k = ks[m];
    members[m].lookahead_alpha = alphas[m];
  }
  return members;
}

void step_population(Optimizer& optimizer, Population& population, const std::vector<OptimizerOptions>& members, int step) {
  population.fill_gradients(step);
  std::vector<double> rates;
  std::vector<std::uint8_t> active;
  for (int m = 0; m < static_cast<int>(population.identities.size()); ++m) {
    const int identity = population.identities[static_cast<std::size_t>(m)];
    rates.push_back(member_rate(members[static_cast<std::size_t>(m)], identity, step));
    active.push_back(static_cast<std::uint8_t>(identity == 1 && step == frozen_step ? 0 : 1));
  }
  optimizer.step(population.slots, rates, active);
}

struct Wrapped {
  OptimizerKind kind;
  OptimizerWrapper wrapper;
};

class LookaheadPopulation : public ::testing::TestWithParam<Wrapped> {};

TEST_P(LookaheadPopulation, EachMemberMatchesItselfAloneBitForBit) {
  const std::vector<OptimizerOptions> members = three_wrapped(GetParam().kind, GetParam().wrapper);
  Population together({0, 1, 2});
  const auto optimizer = make_optimizer(members);
  for (int step = 0; step < steps; ++step) step_population(*optimizer, together, members, step);
  EXPECT_EQ(optimizer->steps_taken(1), steps - 1);  // the frozen member counts no step
  for (int m = 0; m < 3; ++m) {
    SCOPED_TRACE(testing::Message() << "member " << m);
    const std::vector<OptimizerOptions> alone_options{members[static_cast<std::size_t>(m)]};
    Population alone({m});
    const auto alone_optimizer = make_optimizer(alone_options);
    for (int step = 0; step < steps; ++step) step_population(*alone_optimizer, alone, alone_options, step);
    for (std::size_t p = 0; p < alone.values.size(); ++p) {
      const auto bytes = static_cast<std::size_t>(alone.values[p].size()) * sizeof(float);
      EXPECT_EQ(std::memcmp(alone.values[p].data(), together.values[p].slice(m), bytes), 0) << "parameter " << p;
    }
  }
}

// Restored mid-cycle (after 5 steps: member 0 with k 3 is 2 into its cycle), the copy ends bit-identical.
TEST_P(LookaheadPopulation, RestoredMidCycleContinuesBitForBit) {
  const std::vector<OptimizerOptions> members = three_wrapped(GetParam().kind, GetParam().wrapper);
  Population original({0, 1, 2});
  const auto optimizer = make_optimizer(members);
  for (int step = 0; step < 5; ++step) step_population(*optimizer, original, members, step);
  const OptimizerState state = optimizer->state();
  EXPECT_EQ(state.steps, (std::vector<std::int64_t>{5, 4, 5}));
  Population copy({0, 1, 2});
  copy.values = original.values;
  const auto restored = make_optimizer(members);
  restored->restore(state);
  for (int step = 5; step < steps + 4; ++step) {
    step_population(*optimizer, original, members, step);
    step_population(*restored, copy, members, step);
  }
  for (std::size_t p = 0; p < original.values.size(); ++p) {
    const auto bytes = static_cast<std::size_t>(original.values[p].size()) * sizeof(float);
    EXPECT_EQ(std::memcmp(original.values[p].data(), copy.values[p].data(), bytes), 0) << "parameter " << p;
  }
  // Without the slow weights the state does not fit.
  OptimizerState no_slow = state;
  std::erase_if(no_slow.buffers, [](const OptimizerState::Buffer& b) { return b.index == lookahead_slow_buffer; });
  EXPECT_THROW(make_optimizer(members)->restore(no_slow), std::invalid_argument);
}

INSTANTIATE_TEST_SUITE_P(Wrappers, LookaheadPopulation,
                         ::testing::Values(Wrapped{OptimizerKind::sgd, OptimizerWrapper::lookahead},
                                           Wrapped{OptimizerKind::adam, OptimizerWrapper::lookahead},
                                           Wrapped{OptimizerKind::rmsprop, OptimizerWrapper::lookahead},
                                           Wrapped{OptimizerKind::radam, OptimizerWrapper::ranger}),
                         [](const ::testing::TestParamInfo<Wrapped>& info) {
                           return info.param.wrapper == OptimizerWrapper::ranger
                                      ? std::string("ranger")
                                      : "lookahead_" + std::string(optimizer_kind_name(info.param.kind));
                         });

// Before its k-th step a member is the inner optimiser's, bit for bit.
TEST(Lookahead, BeforeTheKthStepItIsTheInnerOptimizer) {
  std::vector<OptimizerOptions> inner = three_members(OptimizerKind::adam);
  std::vector<OptimizerOptions> wrapped = inner;
  for (OptimizerOptions& options : wrapped) {
    options.wrapper = OptimizerWrapper::lookahead;
    options.lookahead_k = steps + 1;
    options.lookahead_alpha = 0.5;
  }
  Population a({0, 1, 2}), b({0, 1, 2});
  const auto plain = make_optimizer(inner), lookahead = make_optimizer(wrapped);
  for (int step = 0; step < steps; ++step) {
    step_population(*plain, a, inner, step);
    step_population(*lookahead, b, wrapped, step);
  }
  for (std::size_t p = 0; p < a.values.size(); ++p)
    EXPECT_EQ(std::memcmp(a.values[p].data(), b.values[p].data(), static_cast<std::size_t>(a.values[p].size()) * sizeof(float)), 0);
}

TEST(Lookahead, RejectsBadOptions) {
  OptimizerOptions options = defaults_for(OptimizerKind::adam);
  options.wrapper = OptimizerWrapper::lookahead;
  options.lookahead_k = 0;
  EXPECT_THROW(make_optimizer(std::vector<OptimizerOptions>{options}), std::invalid_argument);
  options.lookahead_k = 5;
  options.lookahead_alpha = 0.0;
  EXPECT_THROW(make_optimizer(std::vector<OptimizerOptions>{options}), std::invalid_argument);
  options.lookahead_alpha = 1.5;
  EXPECT_THROW(make_optimizer(std::vector<OptimizerOptions>{options}), std::invalid_argument);
  options.lookahead_alpha = 0.5;
  OptimizerOptions plain = defaults_for(OptimizerKind::adam);
  EXPECT_THROW(make_optimizer(std::vector<OptimizerOptions>{options, plain}), std::invalid_argument);
  EXPECT_EQ(optimizer_name(options), "lookahead(adam)");
}

}  // namespace
}  // namespace nnlab
