// The training step allocates nothing once its buffers exist: every tensor it writes (batch,
// activations, gradients, loss gradient, optimizer state) is sized in the first steps and reused.
// Counted by replacing the global operator new for this test binary (support/counted_new.hpp).
#include <gtest/gtest.h>

#include <vector>

#include "support/counted_new.hpp"
#include "train/independent_data.hpp"
#include "train/trainer.hpp"

namespace nnlab {
namespace {

// Allocations between one step's end and the next step's end inside an epoch (gather, forward,
// loss, backward, every built-in hook's per-batch work, the optimizer), after the first epoch.
class StepAllocations final : public TrainingHook {
 public:
  void on_step_end(TrainingContext& /*ctx*/, std::int64_t epoch, Index batch) override {
    const long now = testing::allocation_count.load(std::memory_order_relaxed);
    if (epoch >= 2 && batch > 0 && steps < per_step.size()) per_step[steps++] = now - last;
    last = now;
  }
  std::vector<long> per_step = std::vector<long>(1000);  // sized up front: its growth would count
  std::size_t steps = 0;

 private:
  long last = 0;
};

std::vector<long> step_allocations(Index hidden, Index population, OptimizerKind kind, OrderKind order) {
  const Dataset data = testing::blobs(100, 3);
  const std::vector<ModelSpec> specs(static_cast<std::size_t>(population), testing::relu_classifier(4, hidden, 3));
  std::vector<std::uint64_t> seeds;
  std::vector<MemberSetup> setups;
  for (Index m = 0; m < population; ++m) {
    seeds.push_back(static_cast<std::uint64_t>(m + 1));
    setups.push_back(MemberSetup{.seed = seeds.back(), .base_lr = 0.05});
  }
  const std::vector<LossSpec> losses(specs.size(), LossSpec{.kind = LossKind::cross_entropy});
  OptimizerOptions options = defaults_for(kind);
  options.lr = 0.05;
  if (kind == OptimizerKind::sgd) options.momentum = 0.9;
  const std::vector<OptimizerOptions> optimizers(specs.size(), options);
  const auto loss = make_loss<float>(losses);
  Sequential<float> model(specs, seeds, true);
  const auto optimizer = make_optimizer(optimizers);
  Trainer trainer(model, *loss, *optimizer, setups, TrainConfig{.epochs = 3, .batch = 16, .order = order, .log_every = 1}, {});
  StepAllocations counter;
  TrainingHook* hooks[] = {&counter};
  trainer.fit(TrainingData{&data, nullptr, nullptr}, FitOptions{.hooks = hooks});
  counter.per_step.resize(counter.steps);
  return counter.per_step;
}

TEST(TrainingStep, AllocatesNothingAfterTheFirstEpoch) {
  struct Case {
    Index hidden, population;
    OptimizerKind optimizer;
    OrderKind order;
  };
  // 4-128-3 takes the GEMM path, 4-8-3 the direct loops; shuffled orders differ per member.
  for (const Case c : {Case{128, 1, OptimizerKind::sgd, OrderKind::shuffled}, Case{128, 3, OptimizerKind::adam, OrderKind::shuffled},
                       Case{8, 4, OptimizerKind::rmsprop, OrderKind::fixed}}) {
    const std::vector<long> per_step = step_allocations(c.hidden, c.population, c.optimizer, c.order);
    ASSERT_FALSE(per_step.empty());
    for (std::size_t s = 0; s < per_step.size(); ++s)
      EXPECT_EQ(per_step[s], 0) << "hidden " << c.hidden << ", population " << c.population << ", step " << s;
  }
}

}  // namespace
}  // namespace nnlab
