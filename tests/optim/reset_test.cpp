// Optimizer::reset (pruning's rewind): a reset member then steps exactly as a fresh optimiser
// does from the same parameters (Adagrad's initial accumulator, Adam's bias correction from step
// 1, Lookahead's slow weights from the reset point), and the other member is untouched.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "optim/optimizer.hpp"

namespace nnlab {
namespace {

std::vector<float> values(const Tensor& t, Index m) { return {t.slice(m), t.slice(m) + t.slice_size()}; }

void check_reset_matches_fresh(OptimizerOptions options) {
  Tensor value({2, 3}, {0.5f, -1.0f, 2.0f, 0.25f, 0.75f, -0.5f}), grad({2, 3}, {0.1f, -0.2f, 0.3f, -0.4f, 0.5f, 0.6f});
  const std::vector<ParameterSlot> slots{{&value, &grad, 0}};
  const std::vector<OptimizerOptions> both{options, options};
  const auto used = make_optimizer(both);
  for (int s = 0; s < 4; ++s) used->step(slots);
  const std::vector<float> other_before = values(value, 1);
  Tensor start = value;  // both members' parameters at the reset
  used->reset(0, slots);
  EXPECT_EQ(used->steps_taken(0), 0);
  EXPECT_EQ(used->steps_taken(1), 4);
  const auto fresh = make_optimizer(both);
  Tensor fresh_value = start;
  const std::vector<ParameterSlot> fresh_slots{{&fresh_value, &grad, 0}};
  const std::vector<std::uint8_t> only_first{1, 0};
  for (int s = 0; s < 4; ++s) {
    used->step(slots, {}, only_first);
    fresh->step(fresh_slots, {}, only_first);
  }
  EXPECT_EQ(values(value, 0), values(fresh_value, 0));
  EXPECT_EQ(values(value, 1), other_before);
}

TEST(OptimizerReset, AResetMemberStepsAsAFreshOne) {
  OptimizerOptions sgd = defaults_for(OptimizerKind::sgd);
  sgd.lr = 0.1, sgd.momentum = 0.9;
  OptimizerOptions adagrad = defaults_for(OptimizerKind::adagrad);
  adagrad.initial_accumulator_value = 0.3;
  OptimizerOptions adam = defaults_for(OptimizerKind::adam);
  adam.lr = 0.05;
  OptimizerOptions rmsprop = defaults_for(OptimizerKind::rmsprop);
  rmsprop.momentum = 0.5, rmsprop.centered = true;
  OptimizerOptions lookahead = adam;
  lookahead.wrapper = OptimizerWrapper::lookahead, lookahead.lookahead_k = 3;
  for (const OptimizerOptions& options : {sgd, adagrad, adam, rmsprop, lookahead}) {
    SCOPED_TRACE(std::string(optimizer_kind_name(options.kind)));
    check_reset_matches_fresh(options);
  }
}

}  // namespace
}  // namespace nnlab
