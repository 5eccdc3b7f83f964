// Dead and saturated units, counted on hand-built layer outputs, and measured by the trainer.
#include "train/unit_activity.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/rng.hpp"
#include "core/threads.hpp"
#include "train/independent_data.hpp"
#include "train/trainer.hpp"

namespace nnlab {
namespace {

ActivationSpec activation(ActivationKind kind) {
  ActivationSpec spec;
  spec.kind = kind;
  return spec;
}

TEST(UnitActivity, DeadReluUnitsNeverFireOnAnyRow) {
  // Two members, 3 rows, 5 units. Member 0: units 1 and 3 are <= 0 on every row (dead);
  // unit 4 fires on one row only (alive). Member 1: every unit fires somewhere.
  Tensor outputs({2, 3, 5}, {0, 0, 1, -0.0f, 0,  //
                             2, 0, 0, 0,     0,  //
                             0, -1, 0, 0,    0.5f,
                             1, 1, 1, 1, 1,  //
                             0, 0, 0, 0, 0,  //
                             0, 0, 0, 0, 0});
  const Tensor* layers[] = {&outputs};
  const ActivationSpec kinds[] = {activation(ActivationKind::relu)};
  std::vector<LayerStats> stats(2);
  measure_unit_activity(layers, kinds, stats);
  EXPECT_DOUBLE_EQ(stats[0].dead_fraction, 2.0 / 5.0);
  EXPECT_DOUBLE_EQ(stats[1].dead_fraction, 0.0);
  EXPECT_TRUE(std::isnan(stats[0].saturated_fraction));
}

// A step unit is dead when it never turns on, at either levels; it has no saturation measure
// (its outputs are always at a level).
TEST(UnitActivity, StepUnitsThatNeverTurnOnAreDead) {
  Tensor binary({1, 3, 3}, {0, 1, 0, /**/ 0, 0, 0, /**/ 0, 1, 0});     // units 0 and 2 never on
  Tensor sign({1, 3, 3}, {-1, 1, -1, /**/ -1, -1, 1, /**/ -1, 1, 1});  // unit 0 never on
  const Tensor* layers[] = {&binary, &sign};
  ActivationSpec signed_step = activation(ActivationKind::step);
  signed_step.levels = StepLevels::sign;
  const ActivationSpec kinds[] = {activation(ActivationKind::step), signed_step};
  std::vector<LayerStats> stats(2);
  measure_unit_activity(layers, kinds, stats);
  EXPECT_DOUBLE_EQ(stats[0].dead_fraction, 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(stats[1].dead_fraction, 1.0 / 3.0);
  EXPECT_TRUE(std::isnan(stats[0].saturated_fraction));
  EXPECT_TRUE(std::isnan(stats[1].saturated_fraction));
}

TEST(UnitActivity, MeanAndDeviationOfEveryLayersOutputsByHand) {
  // Member 0: values 1, 2, 3, 4, 5, 9 -> mean 4, variance (9+4+1+0+1+25)/6 = 40/6. Member 1: all 7.
  Tensor outputs({2, 2, 3}, {1, 2, 3, 4, 5, 9, 7, 7, 7, 7, 7, 7});
  const Tensor* layers[] = {&outputs};
  const ActivationSpec kinds[] = {activation(ActivationKind::identity)};  // no dead/saturation family
  std::vector<LayerStats> stats(2);
  measure_unit_activity(layers, kinds, stats);
  EXPECT_DOUBLE_EQ(stats[0].activation_mean, 4.0);
  EXPECT_DOUBLE_EQ(stats[0].activation_std, std::sqrt(40.0 / 6.0));
  EXPECT_DOUBLE_EQ(stats[1].activation_mean, 7.0);
  EXPECT_DOUBLE_EQ(stats[1].activation_std, 0.0);
  EXPECT_TRUE(std::isnan(stats[0].dead_fraction));
  EXPECT_TRUE(std::isnan(stats[0].saturated_fraction));
}

TEST(UnitActivity, SaturationCountsOutputsBeyondTheMargins) {
  // Sigmoid: 0.0099 and 0.9901 are saturated, 0.01 and 0.99 are not (strict bounds).
  Tensor sigmoid({1, 2, 3}, {0.0099f, 0.01f, 0.5f, 0.99f, 0.9901f, 1.0f});
  // Tanh: |y| > 0.99.
  Tensor tanh({1, 1, 4}, {-0.995f, -0.5f, 0.989f, 1.0f});
  Tensor identity({1, 1, 2}, {100.0f, -100.0f});
  const Tensor* layers[] = {&sigmoid, &tanh, &identity};
  const ActivationSpec kinds[] = {activation(ActivationKind::sigmoid), activation(ActivationKind::tanh), activation(ActivationKind::identity)};
  std::vector<LayerStats> stats(3);
  measure_unit_activity(layers, kinds, stats);
  EXPECT_DOUBLE_EQ(stats[0].saturated_fraction, 3.0 / 6.0);
  EXPECT_DOUBLE_EQ(stats[1].saturated_fraction, 2.0 / 4.0);
  EXPECT_TRUE(std::isnan(stats[2].saturated_fraction));
  EXPECT_TRUE(std::isnan(stats[2].dead_fraction));
}

TEST(UnitActivity, AMemberAloneMeasuresAsInsideAPopulation) {
  Tensor population({3, 2, 2}, {0, 1, 0, 1, /**/ -1, -1, -1, 2, /**/ 0, 0, 0, 0});
  Tensor alone({1, 2, 2}, {-1, -1, -1, 2});
  const ActivationSpec kinds[] = {activation(ActivationKind::leaky_relu)};
  std::vector<LayerStats> together(3), single(1);
  const Tensor* many[] = {&population};
  const Tensor* one[] = {&alone};
  measure_unit_activity(many, kinds, together);
  measure_unit_activity(one, kinds, single);
  EXPECT_EQ(together[1].dead_fraction, single[0].dead_fraction);
  EXPECT_DOUBLE_EQ(single[0].dead_fraction, 0.5);
  EXPECT_DOUBLE_EQ(together[2].dead_fraction, 1.0);
}

TEST(UnitActivity, HardFormsCountTheirBoundsAndSteepnessDoesNotMatter) {
  // Hard sigmoid: exactly 0 and 1 are saturated (below 0.01 / above 0.99); 0.5 is not.
  Tensor hard_sigmoid({1, 1, 4}, {0.0f, 1.0f, 0.5f, 0.01f});
  // Hard tanh: -1 and 1 are, 0.99 and -0.99 are not (|y| > 0.99).
  Tensor hard_tanh({1, 2, 2}, {-1.0f, 0.99f, 1.0f, -0.99f});
  // A steep sigmoid is judged by its output like any sigmoid.
  Tensor steep({1, 1, 2}, {0.995f, 0.3f});
  // ELU: a unit negative on every row is dead; one that reaches 0.1 once is not.
  Tensor elu({1, 2, 2}, {-0.5f, -0.9f, -0.2f, 0.1f});
  ActivationSpec steep_sigmoid = activation(ActivationKind::sigmoid);
  steep_sigmoid.steepness = 8.0;
  const Tensor* layers[] = {&hard_sigmoid, &hard_tanh, &steep, &elu};
  const ActivationSpec kinds[] = {activation(ActivationKind::hard_sigmoid), activation(ActivationKind::hard_tanh), steep_sigmoid,
                                  activation(ActivationKind::elu)};
  std::vector<LayerStats> stats(4);
  measure_unit_activity(layers, kinds, stats);
  EXPECT_DOUBLE_EQ(stats[0].saturated_fraction, 2.0 / 4.0);
  EXPECT_DOUBLE_EQ(stats[1].saturated_fraction, 2.0 / 4.0);
  EXPECT_DOUBLE_EQ(stats[2].saturated_fraction, 1.0 / 2.0);
  EXPECT_DOUBLE_EQ(stats[3].dead_fraction, 1.0 / 2.0);
  EXPECT_TRUE(std::isnan(stats[3].saturated_fraction));
  EXPECT_TRUE(std::isnan(stats[0].dead_fraction));
}

// Large enough to be spread over threads: each member's values equal those it gets alone, with
// 1 and with 2 threads.
TEST(UnitActivity, ThreadCountAndPopulationDoNotChangeAMembersValues) {
  constexpr Index members = 24, rows = 64, units = 48;
  Tensor relu({members, rows, units}), sigmoid({members, rows, units});
  CounterRng rng(5, RngPurpose::data);
  for (Index i = 0; i < relu.size(); ++i) {
    const bool silent = i % units % 3 == 0;  // a third of the units never fire
    relu[i] = static_cast<float>(silent ? -std::abs(rng.normal()) : rng.normal() - 2.5);
    sigmoid[i] = static_cast<float>(rng.uniform());
  }
  const Tensor* layers[] = {&relu, &sigmoid};
  const ActivationSpec kinds[] = {activation(ActivationKind::relu), activation(ActivationKind::sigmoid)};
  std::vector<std::vector<LayerStats>> by_threads;
  for (const int threads : {1, 2}) {
    set_thread_count(threads);
    by_threads.emplace_back(static_cast<std::size_t>(members * 2));
    measure_unit_activity(layers, kinds, by_threads.back());
  }
  set_thread_count(0);
  for (Index m = 0; m < members; ++m) {
    Tensor relu_alone({1, rows, units}), sigmoid_alone({1, rows, units});
    std::copy(relu.slice(m), relu.slice(m) + rows * units, relu_alone.data());
    std::copy(sigmoid.slice(m), sigmoid.slice(m) + rows * units, sigmoid_alone.data());
    const Tensor* alone[] = {&relu_alone, &sigmoid_alone};
    std::vector<LayerStats> single(2);
    measure_unit_activity(alone, kinds, single);
    for (const auto& stats : by_threads) {
      EXPECT_EQ(stats[static_cast<std::size_t>(m * 2)].dead_fraction, single[0].dead_fraction) << m;
      EXPECT_EQ(stats[static_cast<std::size_t>(m * 2 + 1)].saturated_fraction, single[1].saturated_fraction) << m;
    }
  }
  EXPECT_GT(by_threads[0][0].dead_fraction, 0.0);  // the data exercise both outcomes
  EXPECT_LT(by_threads[0][0].dead_fraction, 1.0);
}

// The trainer measures on its probe set at recorded epochs: a ReLU layer whose biases are
// all very negative is entirely dead; large sigmoid weights saturate.
class Epochs final : public TrainObserver {
 public:
  void on_epoch_end(std::int64_t epoch, std::span<const EpochMetrics> metrics, std::span<const std::uint8_t>) override {
    if (epoch == 0) first = metrics[0];
  }
  EpochMetrics first;
};

TEST(UnitActivity, TheTrainerReportsDeadAndSaturatedUnitsAtEpochZero) {
  const Dataset data = testing::mirror_patterns();
  ModelSpec spec;
  spec.inputs = 6;
  LayerSpec dead;
  dead.units = 4;
  dead.activation.kind = ActivationKind::relu;
  dead.weight_init = InitSpec{.kind = InitKind::uniform, .low = -0.1, .high = 0.1};
  dead.bias_init = InitSpec{.kind = InitKind::constant, .value = -10.0};
  LayerSpec saturated;
  saturated.units = 1;
  saturated.activation.kind = ActivationKind::sigmoid;
  saturated.weight_init = InitSpec{.kind = InitKind::constant, .value = 0.0};
  saturated.bias_init = InitSpec{.kind = InitKind::constant, .value = 20.0};
  spec.layers = {dead, saturated};
  const std::vector<ModelSpec> specs{spec};
  const std::vector<std::uint64_t> seeds{1};
  const std::vector<LossSpec> losses{LossSpec{.kind = LossKind::sse}};
  const auto loss = make_loss<float>(losses);
  Sequential<float> model(specs, seeds, false);
  std::vector<OptimizerOptions> options{defaults_for(OptimizerKind::sgd)};
  const auto optimizer = make_optimizer(options);
  for (const std::int64_t batch : {0, 8}) {
    Trainer trainer(model, *loss, *optimizer, {MemberSetup{.seed = 1, .base_lr = 0.01}},
                    TrainConfig{.epochs = 2, .batch = batch, .order = OrderKind::fixed}, SuccessConfig{});
    Epochs epochs;
    trainer.fit(TrainingData{&data, nullptr, nullptr}, &epochs);
    SCOPED_TRACE(batch == 0 ? "full batch" : "mini-batch");
    ASSERT_EQ(epochs.first.layers.size(), 2u);
    EXPECT_EQ(epochs.first.layers[0].dead_fraction, 1.0);
    EXPECT_EQ(epochs.first.layers[1].saturated_fraction, 1.0);
    EXPECT_GT(epochs.first.layers[0].weight_l1, 0.0);
    EXPECT_LE(epochs.first.layers[0].weight_l1, 24 * 0.1);
  }
}

}  // namespace
}  // namespace nnlab
