// Momentum cycling in the trainer: each step hands the optimiser the momentum of each member's
// schedule at that step (NaN for a member that does not cycle), a cycling member trains as it
// does alone among members with other bounds or none, and without any cycling no momenta are
// passed at all (the updates are today's).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <memory>

#include "train/independent_data.hpp"
#include "train/trainer.hpp"

namespace nnlab {
namespace {

// Forwards to a real optimiser and keeps the momenta of every step.
class MomentumSpy final : public Optimizer {
 public:
  explicit MomentumSpy(std::unique_ptr<Optimizer> inner) : inner_(std::move(inner)) {}
  OptimizerKind kind() const override { return inner_->kind(); }
  void step(std::span<const ParameterSlot> parameters, std::span<const double> learning_rates, std::span<const std::uint8_t> active,
            std::span<const double> momenta) override {
    steps.emplace_back(momenta.begin(), momenta.end());
    inner_->step(parameters, learning_rates, active, momenta);
  }
  std::int64_t steps_taken(Index member) const override { return inner_->steps_taken(member); }
  OptimizerState state() const override { return inner_->state(); }
  void restore(const OptimizerState& state) override { inner_->restore(state); }
  std::vector<std::vector<double>> steps;

 private:
  std::unique_ptr<Optimizer> inner_;
};

ScheduleSpec one_cycle(bool cycle, double base = 0.85, double max = 0.95) {
  return ScheduleSpec{.kind = ScheduleKind::one_cycle, .unit = ScheduleUnit::step, .max_lr = 0.2, .total_steps = 60,
                      .cycle_momentum = cycle, .base_momentum = base, .max_momentum = max};
}

struct Trained {
  std::vector<Tensor> weights;
  std::vector<std::vector<double>> momenta;
};

Trained train(OptimizerKind kind, const std::vector<ScheduleSpec>& schedules) {
  const Dataset data = testing::blobs(10, 3, 1.5);
  std::vector<std::uint64_t> seeds;
  std::vector<OptimizerOptions> options;
  std::vector<MemberSetup> setups;
  for (std::size_t m = 0; m < schedules.size(); ++m) {
    OptimizerOptions o = defaults_for(kind);
    o.momentum = kind == OptimizerKind::sgd ? schedules[m].max_momentum : 0.0;  // the cycle's first value, as member_optimizer
    if (kind != OptimizerKind::sgd && schedules[m].cycle_momentum) o.beta1 = schedules[m].max_momentum;
    seeds.push_back(70);  // one seed: members differ in their schedules only
    options.push_back(o);
    setups.push_back(MemberSetup{.seed = 70, .base_lr = o.lr, .schedule = schedules[m]});
  }
  const std::vector<ModelSpec> specs(seeds.size(), testing::relu_classifier(4, 16, 3));
  const auto loss = make_loss<float>(std::vector<LossSpec>(seeds.size(), LossSpec{.kind = LossKind::cross_entropy}));
  Sequential<float> model(specs, seeds, loss->takes_logits());
  MomentumSpy optimizer(make_optimizer(options));
  Trainer trainer(model, *loss, optimizer, setups, TrainConfig{.epochs = 10, .batch = 5}, SuccessConfig{});
  trainer.fit(TrainingData{&data, nullptr, nullptr});
  Trained run{.weights = {}, .momenta = optimizer.steps};
  for (const auto& parameter : model.parameters()) run.weights.push_back(*parameter.value);
  return run;
}

TEST(TrainerMomentumCycle, EachStepGetsEachMembersScheduledMomentum) {
  const std::vector<ScheduleSpec> schedules{one_cycle(true), one_cycle(false), one_cycle(true, 0.7, 0.9)};
  const Trained run = train(OptimizerKind::sgd, schedules);
  ASSERT_EQ(run.momenta.size(), 60u);  // 30 examples in batches of 5 for 10 epochs
  for (std::size_t t = 0; t < run.momenta.size(); ++t) {
    ASSERT_EQ(run.momenta[t].size(), 3u);
    EXPECT_EQ(run.momenta[t][0], scheduled_momentum(schedules[0], static_cast<std::int64_t>(t))) << t;
    EXPECT_TRUE(std::isnan(run.momenta[t][1])) << t;
    EXPECT_EQ(run.momenta[t][2], scheduled_momentum(schedules[2], static_cast<std::int64_t>(t))) << t;
  }
  EXPECT_EQ(run.momenta[17][0], 0.85);  // the peak of the rate: step pct_start · 60 − 1
}

TEST(TrainerMomentumCycle, WithoutCyclingNoMomentaArePassed) {
  const Trained run = train(OptimizerKind::sgd, {one_cycle(false), one_cycle(false, 0.5, 0.6)});
  for (const auto& step : run.momenta) EXPECT_TRUE(step.empty());
}

TEST(TrainerMomentumCycle, ACyclingMemberTrainsAsAlone) {
  for (const OptimizerKind kind : {OptimizerKind::sgd, OptimizerKind::adam}) {
    SCOPED_TRACE(std::string(optimizer_kind_name(kind)));
    const std::vector<ScheduleSpec> schedules{one_cycle(true), one_cycle(false), one_cycle(true, 0.6, 0.9)};
    const Trained together = train(kind, schedules);
    for (std::size_t m = 0; m < schedules.size(); ++m) {
      const Trained alone = train(kind, {schedules[m]});
      for (std::size_t p = 0; p < alone.weights.size(); ++p)
        EXPECT_EQ(std::memcmp(alone.weights[p].data(), together.weights[p].slice(static_cast<Index>(m)),
                              static_cast<std::size_t>(alone.weights[p].size()) * sizeof(float)),
                  0)
            << "member " << m << ", parameter " << p;
    }
    // Cycling changes the training: member 0 ends elsewhere than member 1.
    EXPECT_NE(std::memcmp(together.weights[0].slice(0), together.weights[0].slice(1),
                          static_cast<std::size_t>(together.weights[0].slice_size()) * sizeof(float)),
              0);
  }
}

}  // namespace
}  // namespace nnlab
