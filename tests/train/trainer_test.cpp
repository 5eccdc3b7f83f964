// The training loop: it learns, it is deterministic across thread counts, members are
// independent of the population they train in, divergence and success are per member.
#include "train/trainer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "core/rng.hpp"
#include "core/threads.hpp"
#include "train/evaluate.hpp"
#include "train/independent_data.hpp"

namespace nnlab {
namespace {

// Built here, independently of src/data, so the trainer is tested on data it cannot share bugs with.
Dataset xor_data() {
  Dataset data;
  data.name = "xor";
  data.inputs = Tensor({4, 2}, {0, 0, 0, 1, 1, 0, 1, 1});
  data.labels = {0, 1, 1, 0};
  data.classes = 2;
  data.example_shape = {2};
  return data;
}

ModelSpec logistic_net(Index inputs, Index hidden, Index outputs, double init_range) {
  ModelSpec spec;
  spec.inputs = inputs;
  for (const Index units : {hidden, outputs}) {
    LayerSpec layer;
    layer.units = units;
    layer.activation.kind = ActivationKind::sigmoid;
    layer.weight_init = InitSpec{.kind = InitKind::uniform, .low = -init_range, .high = init_range};
    layer.bias_init = layer.weight_init;
    spec.layers.push_back(layer);
  }
  return spec;
}

using testing::relu_classifier;

struct Population {
  std::vector<std::uint64_t> seeds;
  std::vector<ModelSpec> specs;
  std::vector<LossSpec> losses;
  std::vector<OptimizerOptions> optimizers;
  std::vector<MemberSetup> setups;
};

Population population_of(const ModelSpec& spec, LossSpec loss, OptimizerOptions optimizer, std::vector<std::uint64_t> seeds) {
  Population p;
  p.seeds = std::move(seeds);
  for (const auto seed : p.seeds) {
    p.specs.push_back(spec);
    p.losses.push_back(loss);
    p.optimizers.push_back(optimizer);
    p.setups.push_back(MemberSetup{.seed = seed, .base_lr = optimizer.lr});
  }
  return p;
}

struct Trained {
  std::vector<MemberResult> results;
  std::vector<Tensor> weights;  // every parameter, [P, ...]
};

Trained train(const Population& p, const Dataset& data, TrainConfig config, SuccessConfig success = {}) {
  const auto loss = make_loss<float>(p.losses);
  Sequential<float> model(p.specs, p.seeds, loss->takes_logits());
  const auto optimizer = make_optimizer(p.optimizers);
  Trainer trainer(model, *loss, *optimizer, p.setups, config, success);
  Trained trained;
  trained.results = trainer.fit(TrainingData{&data, nullptr, nullptr});
  for (const auto& parameter : model.parameters()) trained.weights.push_back(*parameter.value);
  return trained;
}

std::vector<std::uint64_t> seeds_from(std::uint64_t first, int count) {
  std::vector<std::uint64_t> seeds(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) seeds[static_cast<std::size_t>(i)] = first + static_cast<std::uint64_t>(i);
  return seeds;
}

OptimizerOptions sgd(double lr, double momentum) {
  OptimizerOptions options = defaults_for(OptimizerKind::sgd);
  options.lr = lr;
  options.momentum = momentum;
  return options;
}

TEST(Trainer, XorIsLearnedBySomeSeeds) {
  const Dataset data = xor_data();
  const auto p = population_of(logistic_net(2, 2, 1, 1.0), LossSpec{.kind = LossKind::sse}, sgd(0.5, 0.9), seeds_from(0, 20));
  const auto trained = train(p, data, TrainConfig{.epochs = 2000, .batch = 0, .order = OrderKind::fixed},
                             SuccessConfig{.train_accuracy = 1.0});
  int solved = 0;
  for (const auto& result : trained.results) {
    if (!result.success_epoch) continue;
    ++solved;
    EXPECT_GE(*result.success_epoch, 1);
  }
  EXPECT_GE(solved, 10) << "2-2-1 XOR with momentum should solve for most seeds";
}

TEST(Trainer, MirrorSymmetryCompliantProtocolSolvesForSomeSeedsAndPlateausAtSevenEighths) {
  const Dataset data = testing::mirror_patterns();
  const auto p = population_of(logistic_net(6, 2, 1, 0.3), LossSpec{.kind = LossKind::sse}, sgd(0.1, 0.9), seeds_from(1, 64));
  const auto trained = train(p, data, TrainConfig{.epochs = 1425, .batch = 0, .order = OrderKind::fixed},
                             SuccessConfig{.train_accuracy = 1.0});
  int solved = 0, plateau = 0;
  for (const auto& result : trained.results) {
    solved += result.success_epoch.has_value();
    plateau += result.final_metrics.train_accuracy == 56.0 / 64.0;
    EXPECT_FALSE(result.diverged);
  }
  EXPECT_GE(solved, 1);
  EXPECT_LT(solved, 64) << "replications report fewer than half succeed within 1,425 sweeps";
  EXPECT_GE(plateau, 1) << "failures sit on the 'always not-symmetric' plateau";
}

TEST(Trainer, SuccessEpochIsTheFirstEpochWithFullAccuracy) {
  const Dataset data = xor_data();
  const auto p = population_of(logistic_net(2, 2, 1, 1.0), LossSpec{.kind = LossKind::sse}, sgd(0.5, 0.9), seeds_from(3, 8));
  const auto trained = train(p, data, TrainConfig{.epochs = 1500, .batch = 0, .order = OrderKind::fixed, .keep_history = true},
                             SuccessConfig{.train_accuracy = 1.0});
  for (const auto& result : trained.results) {
    ASSERT_EQ(static_cast<std::int64_t>(result.history.size()), result.epochs_run + 1);  // epochs 0..E
    std::optional<std::int64_t> first;
    for (const auto& metrics : result.history)
      if (!first && metrics.train_accuracy == 1.0) first = metrics.epoch;
    EXPECT_EQ(first, result.success_epoch);
  }
}

TEST(Trainer, FullBatchTrainMetricsAreThoseOfTheWeightsAfterTheEpoch) {
  const Dataset data = testing::mirror_patterns();
  const auto p = population_of(logistic_net(6, 2, 1, 0.3), LossSpec{.kind = LossKind::sse}, sgd(0.1, 0.9), seeds_from(5, 3));
  const auto loss = make_loss<float>(p.losses);
  Sequential<float> model(p.specs, p.seeds, false);
  const auto optimizer = make_optimizer(p.optimizers);
  Trainer trainer(model, *loss, *optimizer, p.setups, TrainConfig{.epochs = 37, .batch = 0, .order = OrderKind::fixed}, {});
  const auto results = trainer.fit(TrainingData{&data, nullptr, nullptr});
  const Evaluation after = evaluate(model, *loss, data, encode_targets(data, 1));
  for (std::size_t m = 0; m < results.size(); ++m) {
    EXPECT_EQ(results[m].final_metrics.epoch, 37);
    EXPECT_FLOAT_EQ(static_cast<float>(results[m].final_metrics.train_loss), static_cast<float>(after.loss[m]));
    EXPECT_EQ(results[m].final_metrics.train_accuracy, after.accuracy[m]);
  }
}

TEST(Trainer, EvaluatingATestSetNeverChangesTheTrajectory) {
  // Test and validation sets are evaluated between steps; they must not disturb a step
  // (e.g. by overwriting activations a backward pass still needs).
  const Dataset train_set = testing::blobs(60, 1), test_set = testing::blobs(20, 2);
  const auto p = population_of(relu_classifier(4, 8, 3), LossSpec{.kind = LossKind::cross_entropy}, sgd(0.1, 0.9), seeds_from(0, 2));
  for (const Index batch : {Index{0}, Index{16}}) {
    const TrainConfig config{.epochs = 5, .batch = batch, .order = OrderKind::shuffled};
    const auto plain = train(p, train_set, config);
    const auto loss = make_loss<float>(p.losses);
    Sequential<float> model(p.specs, p.seeds, loss->takes_logits());
    const auto optimizer = make_optimizer(p.optimizers);
    Trainer trainer(model, *loss, *optimizer, p.setups, config, {});
    const auto results = trainer.fit(TrainingData{&train_set, &test_set, &test_set});
    const auto parameters = model.parameters();
    for (std::size_t i = 0; i < parameters.size(); ++i)
      EXPECT_TRUE(std::equal(plain.weights[i].span().begin(), plain.weights[i].span().end(), parameters[i].value->span().begin()))
          << "batch " << batch << " parameter " << i;
    EXPECT_TRUE(std::isfinite(results[0].final_metrics.test_accuracy));
  }
}

TEST(Trainer, MiniBatchLearnsBlobs) {
  const Dataset data = testing::blobs(100, 11);
  const auto p = population_of(relu_classifier(4, 16, 3), LossSpec{.kind = LossKind::cross_entropy}, sgd(0.05, 0.9), seeds_from(0, 3));
  const auto trained = train(p, data, TrainConfig{.epochs = 10, .batch = 16, .order = OrderKind::shuffled},
                             SuccessConfig{.train_accuracy = 0.9});
  for (const auto& result : trained.results) {
    EXPECT_GT(result.final_metrics.train_accuracy, 0.85);
    EXPECT_LT(result.final_metrics.train_loss, result.history.front().train_loss);
  }
}

TEST(Trainer, BitIdenticalWithOneAndTwoThreads) {
  const Dataset data = testing::blobs(200, 4);
  const auto p = population_of(relu_classifier(4, 64, 3), LossSpec{.kind = LossKind::cross_entropy}, sgd(0.05, 0.9), seeds_from(0, 4));
  const TrainConfig config{.epochs = 3, .batch = 32, .order = OrderKind::shuffled};
  set_thread_count(1);
  const auto one = train(p, data, config);
  set_thread_count(2);
  const auto two = train(p, data, config);
  set_thread_count(0);
  ASSERT_EQ(one.weights.size(), two.weights.size());
  for (std::size_t i = 0; i < one.weights.size(); ++i)
    ASSERT_TRUE(std::equal(one.weights[i].span().begin(), one.weights[i].span().end(), two.weights[i].span().begin()));
  for (std::size_t m = 0; m < one.results.size(); ++m)
    EXPECT_EQ(one.results[m].final_metrics.train_loss, two.results[m].final_metrics.train_loss);
}

TEST(Trainer, MemberTrainsAsItWouldAlone) {
  const Dataset data = testing::blobs(50, 8);
  auto p = population_of(relu_classifier(4, 8, 3), LossSpec{.kind = LossKind::cross_entropy}, sgd(0.05, 0.9), {7, 3, 11, 5});
  p.optimizers[2].lr = p.setups[2].base_lr = 0.2;  // members may differ in scalars
  const TrainConfig config{.epochs = 4, .batch = 10, .order = OrderKind::shuffled};
  const auto together = train(p, data, config);
  for (std::size_t m = 0; m < p.seeds.size(); ++m) {
    Population alone;
    alone.seeds = {p.seeds[m]};
    alone.specs = {p.specs[m]};
    alone.losses = {p.losses[m]};
    alone.optimizers = {p.optimizers[m]};
    alone.setups = {p.setups[m]};
    const auto single = train(alone, data, config);
    for (std::size_t i = 0; i < single.weights.size(); ++i) {
      const Index per_member = single.weights[i].size();
      const float* in_population = together.weights[i].slice(static_cast<Index>(m));
      EXPECT_TRUE(std::equal(in_population, in_population + per_member, single.weights[i].data())) << "member " << m << " parameter " << i;
    }
    EXPECT_EQ(together.results[m].final_metrics.train_loss, single.results[0].final_metrics.train_loss);
  }
}

TEST(Trainer, DivergedMemberIsMarkedAndOthersGoOn) {
  const Dataset data = testing::blobs(50, 2);
  ModelSpec linear;  // a linear model under MSE grows geometrically with too large a rate
  linear.inputs = 4;
  linear.layers.push_back(LayerSpec{.units = 3});
  auto p = population_of(linear, LossSpec{.kind = LossKind::mse}, sgd(0.05, 0.0), {1, 1, 1});
  p.optimizers[1].lr = p.setups[1].base_lr = 1.0e6;
  const auto trained = train(p, data, TrainConfig{.epochs = 20, .batch = 0, .order = OrderKind::fixed});
  EXPECT_TRUE(trained.results[1].diverged);
  EXPECT_GE(trained.results[1].diverged_epoch, 1);
  EXPECT_LT(trained.results[1].epochs_run, 20);
  for (const std::size_t m : {0u, 2u}) {
    EXPECT_FALSE(trained.results[m].diverged);
    EXPECT_EQ(trained.results[m].epochs_run, 20);
    EXPECT_TRUE(std::isfinite(trained.results[m].final_metrics.train_loss));
  }
  // The diverged member's weights were frozen before any NaN step... or contain the blow-up,
  // but never leak into the others: members 0 and 2 share seed and options, so they agree.
  for (const auto& weights : trained.weights) {
    const Index per_member = weights.slice_size();
    EXPECT_TRUE(std::equal(weights.slice(0), weights.slice(0) + per_member, weights.slice(2)));
  }
}

}  // namespace
}  // namespace nnlab
