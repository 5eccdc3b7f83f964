// Population invariance: member m of a population follows, bit for bit, the trajectory it
// follows alone; inactive members are frozen; per-layer multipliers; argument checks.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "optim/optimizer.hpp"
#include "population_fixture.hpp"

namespace nnlab {
namespace {

using namespace population_fixture;

class PopulationInvariance : public ::testing::TestWithParam<OptimizerKind> {};

TEST_P(PopulationInvariance, EachMemberMatchesItselfTrainedAloneBitForBit) {
  const std::vector<OptimizerOptions> members = three_members(GetParam());
  Population together({0, 1, 2});
  const auto optimizer = make_optimizer(members);
  for (int step = 0; step < steps; ++step) {
    together.fill_gradients(step);
    std::vector<double> rates;
    for (int m = 0; m < 3; ++m) rates.push_back(member_rate(members[static_cast<std::size_t>(m)], m, step));
    const std::vector<std::uint8_t> active{1, static_cast<std::uint8_t>(step == frozen_step ? 0 : 1), 1};
    optimizer->step(together.slots, rates, active);
  }
  EXPECT_EQ(optimizer->steps_taken(0), steps);
  EXPECT_EQ(optimizer->steps_taken(1), steps - 1);

  for (int m = 0; m < 3; ++m) {
    SCOPED_TRACE(testing::Message() << "member " << m);
    const std::vector<OptimizerOptions> alone_options{members[static_cast<std::size_t>(m)]};
    Population alone({m});
    const auto alone_optimizer = make_optimizer(alone_options);
    for (int step = 0; step < steps; ++step) {
      alone.fill_gradients(step);
      // Alone, the frozen member simply takes no step: inactive must mean "as if it never happened".
      if (m == 1 && step == frozen_step) continue;
      const std::vector<double> rate{member_rate(alone_options[0], m, step)};
      alone_optimizer->step(alone.slots, rate);
    }
    EXPECT_EQ(alone_optimizer->steps_taken(0), optimizer->steps_taken(m));
    for (std::size_t p = 0; p < alone.values.size(); ++p) {
      const auto bytes = static_cast<std::size_t>(alone.values[p].size()) * sizeof(float);
      EXPECT_EQ(std::memcmp(alone.values[p].data(), together.values[p].slice(m), bytes), 0) << "parameter " << p;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(EveryKind, PopulationInvariance,
                         ::testing::Values(OptimizerKind::sgd, OptimizerKind::adagrad, OptimizerKind::adadelta,
                                           OptimizerKind::rmsprop, OptimizerKind::adam, OptimizerKind::adamw,
                                           OptimizerKind::radam),
                         [](const ::testing::TestParamInfo<OptimizerKind>& info) {
                           return std::string(optimizer_kind_name(info.param));
                         });

// A checkpoint's optimiser state: an optimiser restored from another's state after a few
// steps continues exactly as the original does (state buffers and per-member step counts).
class StateRoundTrip : public ::testing::TestWithParam<OptimizerKind> {};

TEST_P(StateRoundTrip, RestoredOptimizerContinuesBitForBit) {
  const std::vector<OptimizerOptions> members = three_members(GetParam());
  Population original({0, 1, 2});
  const auto optimizer = make_optimizer(members);
  const auto take_step = [&](Optimizer& which, Population& population, int step) {
    population.fill_gradients(step);
    std::vector<double> rates;
    for (int m = 0; m < 3; ++m) rates.push_back(member_rate(members[static_cast<std::size_t>(m)], m, step));
    const std::vector<std::uint8_t> active{1, static_cast<std::uint8_t>(step == frozen_step ? 0 : 1), 1};
    which.step(population.slots, rates, active);
  };
  for (int step = 0; step < 5; ++step) take_step(*optimizer, original, step);

  const OptimizerState state = optimizer->state();
  EXPECT_EQ(state.steps, (std::vector<std::int64_t>{5, 4, 5}));
  Population copy({0, 1, 2});
  copy.values = original.values;
  const auto restored = make_optimizer(members);
  restored->restore(state);
  for (int m = 0; m < 3; ++m) EXPECT_EQ(restored->steps_taken(m), optimizer->steps_taken(m));
  for (int step = 5; step < steps; ++step) {
    take_step(*optimizer, original, step);
    take_step(*restored, copy, step);
  }
  for (std::size_t p = 0; p < original.values.size(); ++p) {
    const auto bytes = static_cast<std::size_t>(original.values[p].size()) * sizeof(float);
    EXPECT_EQ(std::memcmp(original.values[p].data(), copy.values[p].data(), bytes), 0) << "parameter " << p;
  }
  // A fresh optimiser restored from an unstepped one's state behaves like a fresh one.
  const auto fresh = make_optimizer(members);
  const OptimizerState empty = fresh->state();
  EXPECT_TRUE(empty.buffers.empty());
  EXPECT_NO_THROW(make_optimizer(members)->restore(empty));
}

TEST_P(StateRoundTrip, StateThatDoesNotFitIsRejected) {
  const std::vector<OptimizerOptions> members = three_members(GetParam());
  Population population({0, 1, 2});
  const auto optimizer = make_optimizer(members);
  population.fill_gradients(0);
  optimizer->step(population.slots);
  const OptimizerState state = optimizer->state();

  OptimizerState fewer_members = state;
  fewer_members.steps.pop_back();
  EXPECT_THROW(make_optimizer(members)->restore(fewer_members), std::invalid_argument);
  if (!state.buffers.empty()) {
    OptimizerState missing_buffer = state;
    missing_buffer.buffers.pop_back();
    EXPECT_THROW(make_optimizer(members)->restore(missing_buffer), std::invalid_argument);
    OptimizerState wrong_shape = state;
    wrong_shape.buffers.front().value = Tensor({3, 2});
    EXPECT_THROW(make_optimizer(members)->restore(wrong_shape), std::invalid_argument);
  }
}

INSTANTIATE_TEST_SUITE_P(EveryKind, StateRoundTrip,
                         ::testing::Values(OptimizerKind::sgd, OptimizerKind::adagrad, OptimizerKind::adadelta,
                                           OptimizerKind::rmsprop, OptimizerKind::adam, OptimizerKind::adamw,
                                           OptimizerKind::radam),
                         [](const ::testing::TestParamInfo<OptimizerKind>& info) {
                           return std::string(optimizer_kind_name(info.param));
                         });

// 40 members in runs of identical options (updated together as one slice by the optimizer),
// broken by other options, by rates that differ within a run and by members sitting steps out.
TEST(Population, RunsOfIdenticalMembersMatchEachMemberAlone) {
  for (const OptimizerKind kind : {OptimizerKind::sgd, OptimizerKind::adam}) {
    SCOPED_TRACE(std::string(optimizer_kind_name(kind)));
    const std::vector<OptimizerOptions> variants = three_members(kind);
    std::vector<OptimizerOptions> members;
    std::vector<int> identities;
    for (int m = 0; m < 40; ++m) {
      members.push_back(variants[m < 10 || (m >= 15 && m < 25) || m >= 26 ? 2 : (m < 15 ? 1 : 0)]);
      identities.push_back(m);
    }
    // Member 30's rate differs from its neighbours' (same options), and members sit out steps.
    const auto rate = [&](int m, int step) {
      return members[static_cast<std::size_t>(m)].lr * (m == 30 ? 0.5 : 1.0) / (1.0 + 0.1 * step);
    };
    const auto is_active = [](int m, int step) {
      return !((m == 3 && step == 2) || (m == 20 && step >= 5) || (m == 39 && step == 0));
    };
    Population together(identities);
    const auto optimizer = make_optimizer(members);
    for (int step = 0; step < steps; ++step) {
      together.fill_gradients(step);
      std::vector<double> rates;
      std::vector<std::uint8_t> active;
      for (int m = 0; m < 40; ++m) {
        rates.push_back(rate(m, step));
        active.push_back(is_active(m, step) ? 1 : 0);
      }
      optimizer->step(together.slots, rates, active);
    }
    for (int m = 0; m < 40; ++m) {
      SCOPED_TRACE(testing::Message() << "member " << m);
      const std::vector<OptimizerOptions> alone_options{members[static_cast<std::size_t>(m)]};
      Population alone({m});
      const auto alone_optimizer = make_optimizer(alone_options);
      for (int step = 0; step < steps; ++step) {
        alone.fill_gradients(step);
        if (!is_active(m, step)) continue;
        const std::vector<double> alone_rate{rate(m, step)};
        alone_optimizer->step(alone.slots, alone_rate);
      }
      EXPECT_EQ(alone_optimizer->steps_taken(0), optimizer->steps_taken(m));
      for (std::size_t p = 0; p < alone.values.size(); ++p) {
        const auto bytes = static_cast<std::size_t>(alone.values[p].size()) * sizeof(float);
        EXPECT_EQ(std::memcmp(alone.values[p].data(), together.values[p].slice(m), bytes), 0) << "parameter " << p;
      }
    }
  }
}

TEST(Population, InactiveMemberIsUntouched) {
  const std::vector<OptimizerOptions> members = three_members(OptimizerKind::adam);
  Population population({0, 1, 2});
  const auto optimizer = make_optimizer(members);
  population.fill_gradients(0);
  optimizer->step(population.slots);
  const std::vector<Tensor> before = population.values;
  population.fill_gradients(1);
  const std::vector<std::uint8_t> active{1, 0, 1};
  optimizer->step(population.slots, {}, active);
  for (std::size_t p = 0; p < before.size(); ++p) {
    const auto bytes = static_cast<std::size_t>(before[p].slice_size()) * sizeof(float);
    EXPECT_EQ(std::memcmp(before[p].slice(1), population.values[p].slice(1), bytes), 0);
    EXPECT_NE(std::memcmp(before[p].slice(0), population.values[p].slice(0), bytes), 0);
  }
  EXPECT_EQ(optimizer->steps_taken(0), 2);
  EXPECT_EQ(optimizer->steps_taken(1), 1);
}

TEST(Population, LayerMultipliersScaleTheRate) {
  // SGD, lr 0.2, multipliers {0.5} (layer 1 has none: 1). g = 1 everywhere:
  // layer 0 moves by 0.2 * 0.5 = 0.1, layer 1 by 0.2; a multiplier of 0 freezes layer 2.
  Tensor w0({1, 2}), w1({1, 2}), w2({1, 2});
  Tensor g({1, 2}, 1.0f);
  const std::vector<ParameterSlot> slots{{&w0, &g, 0}, {&w1, &g, 1}, {&w2, &g, 3}};
  const std::vector<OptimizerOptions> members{
      {.kind = OptimizerKind::sgd, .lr = 0.2, .layer_lr_multipliers = {0.5, 1.0, 7.0, 0.0}}};
  const auto optimizer = make_optimizer(members);
  optimizer->step(slots);  // no rates: options.lr
  EXPECT_FLOAT_EQ(w0[0], -0.1f);
  EXPECT_FLOAT_EQ(w1[1], -0.2f);
  EXPECT_EQ(w2[0], 0.0f);
  const std::vector<double> rates{1.0};  // the schedule's rate replaces options.lr
  optimizer->step(slots, rates);
  EXPECT_FLOAT_EQ(w0[0], -0.6f);
  EXPECT_FLOAT_EQ(w1[1], -1.2f);
  EXPECT_EQ(w2[0], 0.0f);
}

TEST(Population, AdamWithMultiplierZeroFreezesTheLayer) {
  Tensor frozen({1, 3}, 1.0f), moving({1, 3}, 1.0f);
  Tensor g({1, 3}, 0.5f);
  const std::vector<ParameterSlot> slots{{&frozen, &g, 0}, {&moving, &g, 1}};
  const std::vector<OptimizerOptions> members{
      {.kind = OptimizerKind::adamw, .lr = 0.1, .weight_decay = 0.1, .layer_lr_multipliers = {0.0}}};
  const auto optimizer = make_optimizer(members);
  for (int step = 0; step < 3; ++step) optimizer->step(slots);
  EXPECT_EQ(frozen[0], 1.0f);  // neither the update nor the decoupled decay (lr * wd = 0) moves it
  EXPECT_LT(moving[0], 1.0f);
}

TEST(Population, RejectsBadArguments) {
  EXPECT_THROW(make_optimizer(std::vector<OptimizerOptions>{}), std::invalid_argument);
  const std::vector<OptimizerOptions> mixed{{.kind = OptimizerKind::sgd}, {.kind = OptimizerKind::adam}};
  EXPECT_THROW(make_optimizer(mixed), std::invalid_argument);
  const std::vector<OptimizerOptions> negative{{.kind = OptimizerKind::sgd}, {.kind = OptimizerKind::sgd, .lr = -1.0}};
  try {
    make_optimizer(negative);
    ADD_FAILURE() << "accepted a negative lr";
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("member 1: lr"), std::string::npos) << error.what();
  }

  const std::vector<OptimizerOptions> two(2, OptimizerOptions{});
  const auto optimizer = make_optimizer(two);
  Tensor value({2, 3}), grad({2, 3}), wrong_population({3, 3}), other_shape({2, 4});
  const std::vector<ParameterSlot> slots{{&value, &grad, 0}};
  EXPECT_THROW(optimizer->step(std::vector<ParameterSlot>{{&wrong_population, &wrong_population, 0}}),
               std::invalid_argument);
  EXPECT_THROW(optimizer->step(std::vector<ParameterSlot>{{&value, &other_shape, 0}}), std::invalid_argument);
  EXPECT_THROW(optimizer->step(std::vector<ParameterSlot>{{&value, nullptr, 0}}), std::invalid_argument);
  EXPECT_THROW(optimizer->step(slots, std::vector<double>{0.1}), std::invalid_argument);
  EXPECT_THROW(optimizer->step(slots, {}, std::vector<std::uint8_t>{1, 1, 1}), std::invalid_argument);
  optimizer->step(slots);
  // State is keyed by position: a different list is a programming error.
  EXPECT_THROW(optimizer->step(std::vector<ParameterSlot>{{&other_shape, &other_shape, 0}}), std::invalid_argument);
  EXPECT_THROW(optimizer->step(std::vector<ParameterSlot>{{&value, &grad, 0}, {&value, &grad, 0}}),
               std::invalid_argument);
  EXPECT_THROW(optimizer->steps_taken(2), std::out_of_range);
  EXPECT_EQ(optimizer->steps_taken(1), 1);
}

}  // namespace
}  // namespace nnlab
