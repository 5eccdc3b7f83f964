// reduce_on_plateau's fold (optim/plateau.hpp) against torch's ReduceLROnPlateau fed the same
// 60 epoch metrics (tests/optim/golden_plateau.py): every rate equal to the last bit, since
// both multiply the current rate by the factor once per reduction in double.
#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <vector>

#include "golden_plateau.hpp"
#include "optim/plateau.hpp"
#include "optim/schedule.hpp"

namespace nnlab {
namespace {

void expect_golden(const PlateauRule& rule, double lr, const std::vector<double>& series, const std::vector<double>& expected) {
  ASSERT_EQ(series.size(), 60u);
  ASSERT_EQ(expected.size(), series.size());
  PlateauState state = plateau_start(rule, lr);
  for (std::size_t i = 0; i < series.size(); ++i) {
    plateau_step(rule, state, static_cast<std::int64_t>(i + 1), series[i]);
    ASSERT_EQ(std::bit_cast<std::uint64_t>(state.rate), std::bit_cast<std::uint64_t>(expected[i]))
        << "epoch " << i + 1 << ": " << state.rate << " vs PyTorch " << expected[i]
        << " (HINT: re-run /usr/bin/python3 tests/optim/golden_plateau.py > tests/optim/golden_plateau.hpp)";
  }
}

using golden_plateau::accuracy;
using golden_plateau::loss;

TEST(PlateauGolden, MinRelative) {
  expect_golden({.factor = 0.5, .patience = 3}, 0.1, loss, golden_plateau::min_rel);
  expect_golden({}, 0.1, loss, golden_plateau::min_rel_defaults);
}

TEST(PlateauGolden, MinAbsoluteWithCooldown) {
  expect_golden({.factor = 0.3, .patience = 2, .threshold = 0.01, .threshold_mode = ThresholdMode::abs, .cooldown = 2}, 0.2, loss,
                golden_plateau::min_abs_cooldown);
}

TEST(PlateauGolden, MaxRelative) {
  expect_golden({.mode = PlateauMode::max, .factor = 0.3, .patience = 2, .threshold = 1e-3}, 0.05, accuracy, golden_plateau::max_rel);
}

TEST(PlateauGolden, MaxAbsoluteDownToMinLr) {
  expect_golden({.mode = PlateauMode::max, .factor = 0.5, .patience = 1, .threshold = 0.002, .threshold_mode = ThresholdMode::abs,
                 .cooldown = 3, .min_lr = 0.01},
                0.1, accuracy, golden_plateau::max_abs_min_lr);
  expect_golden({.factor = 0.5, .patience = 0, .min_lr = 0.001}, 0.1, loss, golden_plateau::patience0_min_lr);
}

TEST(PlateauGolden, ReductionsSmallerThanEpsAreSkipped) {
  expect_golden({.factor = 0.1, .patience = 1}, 5e-8, loss, golden_plateau::eps_rule);
  expect_golden({.factor = 0.2, .patience = 0, .eps = 1e-5}, 1e-3, loss, golden_plateau::custom_eps);
}

TEST(Plateau, AnEpochSeenBeforeIsIgnored) {
  const PlateauRule rule{.factor = 0.5, .patience = 0};
  PlateauState state = plateau_start(rule, 1.0);
  plateau_step(rule, state, 1, 2.0);
  EXPECT_TRUE(plateau_step(rule, state, 2, 3.0));
  EXPECT_EQ(state.rate, 0.5);
  EXPECT_FALSE(plateau_step(rule, state, 2, 3.0));  // a full batch's resumed boundary
  EXPECT_EQ(state.rate, 0.5);
  EXPECT_EQ(state.num_bad_epochs, 0);
}

TEST(Plateau, ScheduleSpecCarriesTheRuleAndValidatesIt) {
  ScheduleSpec spec{.kind = ScheduleKind::reduce_on_plateau};
  spec.plateau = PlateauRule{.mode = PlateauMode::max, .factor = 0.25, .patience = 4};
  EXPECT_NO_THROW(validate(spec));
  EXPECT_EQ(scheduled_learning_rate(spec, 0.03, 17), 0.03);  // the rate before any reduction
  spec.plateau.factor = 1.0;
  EXPECT_THROW(validate(spec), std::invalid_argument);
  spec.plateau.factor = 0.5;
  spec.plateau.patience = -1;
  EXPECT_THROW(validate(spec), std::invalid_argument);
  spec.plateau.patience = 0;
  spec.warmup_steps = 3;
  EXPECT_THROW(validate(spec), std::invalid_argument);
}

}  // namespace
}  // namespace nnlab
