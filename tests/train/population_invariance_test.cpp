// DESIGN §1 end to end: every member of a population with mixed hyper-parameters (learning
// rate, momentum, sigmoid steepness, initialisation range, class weights, L1/L2 penalties,
// dropout, batch norm's momentum and eps; weight norm), with smooth or step hidden units, ends training with
// the bit-identical weights and metrics it reaches trained alone, with 1 and with 2 threads, and
// on every SIMD target the machine has (core/simd.hpp).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "core/simd.hpp"
#include "core/threads.hpp"
#include "train/trainer.hpp"
#include "train/independent_data.hpp"

namespace nnlab {
namespace {

using testing::mirror_patterns;

struct Members {
  std::vector<std::uint64_t> seeds;
  std::vector<ModelSpec> specs;
  std::vector<LossSpec> losses;
  std::vector<OptimizerOptions> optimizers;
  std::vector<MemberSetup> setups;

  Members only(std::size_t m) const {
    return Members{{seeds[m]}, {specs[m]}, {losses[m]}, {optimizers[m]}, {setups[m]}};
  }
};

// Member m of a 6-2-1 sigmoid network under SSE and SGD, its scalars varying with m. Members
// 48..63 share every hyper-parameter (only their seeds differ), as replicates do.
Members mixed_members(int count) {
  Members members;
  for (int m = 0; m < count; ++m) {
    const int k = m >= 48 ? 48 : m;
    ModelSpec spec;
    spec.inputs = 6;
    const double range = 0.1 + 0.1 * (k % 6);
    for (const Index units : {Index{2}, Index{1}}) {
      LayerSpec layer;
      layer.units = units;
      layer.activation = ActivationSpec{.kind = ActivationKind::sigmoid,
                                        .steepness = units == 2 ? 0.5 + 0.25 * (k % 5) : 1.0 + 0.5 * (k % 2)};
      layer.weight_init = InitSpec{.kind = InitKind::uniform, .low = -range, .high = range};
      layer.bias_init = layer.weight_init;
      spec.layers.push_back(layer);
    }
    LossSpec loss{.kind = LossKind::sse, .class_weights = {}};
    if (k % 4 != 0) loss.class_weights = {1.0, 1.0 + 0.5 * (k % 3)};  // symmetric patterns weigh more
    loss.l1 = k % 3 == 2 ? 1e-3 : 0.0;   // some members without a penalty, some with one or both
    loss.l2 = k % 5 >= 3 ? 1e-2 : 0.0;
    OptimizerOptions sgd = defaults_for(OptimizerKind::sgd);
    sgd.lr = 0.05 + 0.05 * (k % 4);
    sgd.momentum = std::vector<double>{0.0, 0.5, 0.9}[static_cast<std::size_t>(k % 3)];
    members.seeds.push_back(1000 + static_cast<std::uint64_t>(m));
    members.specs.push_back(spec);
    members.losses.push_back(loss);
    members.optimizers.push_back(sgd);
    members.setups.push_back(MemberSetup{.seed = members.seeds.back(), .base_lr = sgd.lr});
  }
  return members;
}

struct Outcome {
  std::vector<MemberResult> results;
  std::vector<Tensor> weights;  // every parameter, then every buffer, [P, ...]
};

Outcome train(const Members& members, const Dataset& data, const TrainConfig& config, const SuccessConfig& success) {
  const auto loss = make_loss<float>(members.losses);
  Sequential<float> model(members.specs, members.seeds, false);
  const auto optimizer = make_optimizer(members.optimizers);
  Trainer trainer(model, *loss, *optimizer, members.setups, config, success);
  Outcome outcome;
  outcome.results = trainer.fit(TrainingData{&data, nullptr, nullptr});
  for (const auto& parameter : model.parameters()) outcome.weights.push_back(*parameter.value);
  for (const auto& buffer : model.buffers()) outcome.weights.push_back(*buffer.value);  // running statistics
  return outcome;
}

// Equal, or both NaN (a statistic that was not measured).
void expect_same(double alone, double together, const std::string& what) {
  if (std::isnan(alone)) {
    EXPECT_TRUE(std::isnan(together)) << what;
  } else {
    EXPECT_EQ(alone, together) << what;
  }
}

void expect_same_metrics(const EpochMetrics& alone, const EpochMetrics& together) {
  EXPECT_EQ(alone.epoch, together.epoch);
  expect_same(alone.train_loss, together.train_loss, "train_loss");
  expect_same(alone.train_accuracy, together.train_accuracy, "train_accuracy");
  expect_same(alone.learning_rate, together.learning_rate, "learning_rate");
  expect_same(alone.gradient_norm, together.gradient_norm, "gradient_norm");
  expect_same(alone.penalty, together.penalty, "penalty");
  ASSERT_EQ(alone.layers.size(), together.layers.size());
  for (std::size_t i = 0; i < alone.layers.size(); ++i) {
    expect_same(alone.layers[i].weight_norm, together.layers[i].weight_norm, "weight_norm " + std::to_string(i));
    expect_same(alone.layers[i].gradient_norm, together.layers[i].gradient_norm, "gradient_norm " + std::to_string(i));
    expect_same(alone.layers[i].update_ratio, together.layers[i].update_ratio, "update_ratio " + std::to_string(i));
  }
}

// Trains the population with 1 and with 2 threads and every member alone; all must agree bit for bit.
void expect_population_invariance(const Members& members, const Dataset& data, const TrainConfig& config,
                                  const SuccessConfig& success) {
  std::vector<Outcome> populations;
  for (const int threads : {1, 2}) {
    set_thread_count(threads);
    populations.push_back(train(members, data, config, success));
  }
  set_thread_count(0);
  int stopped_early = 0;
  for (std::size_t m = 0; m < members.seeds.size(); ++m) {
    const Outcome alone = train(members.only(m), data, config, success);
    const MemberResult& lone = alone.results[0];
    stopped_early += lone.epochs_run < config.epochs;
    for (std::size_t run = 0; run < populations.size(); ++run) {
      SCOPED_TRACE(::testing::Message() << "member " << m << ", " << run + 1 << " thread(s)");
      const Outcome& together = populations[run];
      for (std::size_t p = 0; p < alone.weights.size(); ++p) {
        const auto bytes = static_cast<std::size_t>(alone.weights[p].size()) * sizeof(float);
        EXPECT_EQ(std::memcmp(alone.weights[p].data(), together.weights[p].slice(static_cast<Index>(m)), bytes), 0)
            << "parameter " << p;
      }
      const MemberResult& member = together.results[m];
      EXPECT_EQ(lone.epochs_run, member.epochs_run);
      EXPECT_EQ(lone.success_epoch, member.success_epoch);
      EXPECT_EQ(lone.diverged, member.diverged);
      expect_same_metrics(lone.final_metrics, member.final_metrics);
      ASSERT_EQ(lone.history.size(), member.history.size());
      for (std::size_t h = 0; h < lone.history.size(); ++h) expect_same_metrics(lone.history[h], member.history[h]);
    }
  }
  EXPECT_GT(stopped_early, 0) << "some members should meet the success criterion and stop";
}

TEST(PopulationInvariance, MixedHyperParametersFullBatchMirror) {
  const Dataset data = mirror_patterns();
  expect_population_invariance(mixed_members(64), data,
                               TrainConfig{.epochs = 300, .batch = 0, .order = OrderKind::fixed, .keep_history = true},
                               SuccessConfig{.train_accuracy = 1.0, .stop = true});
}

// Shuffled mini-batches with a seed per member: every member sees its own batch (input [P, B, 6]).
TEST(PopulationInvariance, MixedHyperParametersShuffledMiniBatches) {
  const Dataset data = mirror_patterns();
  expect_population_invariance(
      mixed_members(24), data,
      TrainConfig{.epochs = 25, .batch = 16, .order = OrderKind::shuffled, .keep_history = true},
      SuccessConfig{.train_loss = 4.0, .stop = true});
}

// Widens the hidden layer past the small-network kernel's limit, so that the layered path
// (Dense, Activation, the optimiser, per-member statistics) trains it.
Members wide(Members members) {
  for (ModelSpec& spec : members.specs) spec.layers.front().units = 160;
  return members;
}

// Noise layers around a 16-unit hidden layer (the layered path), their scalars varying with the
// member: input noise, then dropout and Gaussian dropout after the hidden layer. Each member's
// draws are keyed by its own seed, so they cannot depend on P, its place or the threads.
Members noisy(Members members) {
  for (std::size_t m = 0; m < members.specs.size(); ++m) {
    std::vector<LayerSpec>& layers = members.specs[m].layers;
    layers.front().units = 16;
    const LayerSpec input_noise{.kind = LayerKind::gaussian_noise, .std = 0.05 * static_cast<double>(m % 3)};
    const LayerSpec dropout{.kind = LayerKind::dropout, .rate = std::vector<double>{0.0, 0.2, 0.5}[m % 3]};
    const LayerSpec gaussian_dropout{.kind = LayerKind::gaussian_dropout, .rate = 0.1 * static_cast<double>(m % 2)};
    layers.insert(layers.begin() + 1, {dropout, gaussian_dropout});
    layers.insert(layers.begin(), input_noise);
  }
  return members;
}

// Full batch: train metrics then come from an evaluation pass (the training forward is noisy).
TEST(PopulationInvariance, NoiseLayersFullBatch) {
  expect_population_invariance(noisy(mixed_members(18)), mirror_patterns(),
                               TrainConfig{.epochs = 300, .batch = 0, .order = OrderKind::fixed, .keep_history = true},
                               SuccessConfig{.train_loss = 4.0, .stop = true});
}

TEST(PopulationInvariance, NoiseLayersShuffledMiniBatches) {
  expect_population_invariance(noisy(mixed_members(12)), mirror_patterns(),
                               TrainConfig{.epochs = 25, .batch = 16, .order = OrderKind::shuffled, .keep_history = true},
                               SuccessConfig{.train_loss = 4.0, .stop = true});
}

// Hard-threshold hidden units with a straight-through estimator (a structural choice, one per
// population): the threshold's selects and the surrogate's logistic are per member too.
Members step_hidden(Members members, StepLevels levels, StraightThrough surrogate) {
  for (ModelSpec& spec : members.specs)
    spec.layers.front().activation = {.kind = ActivationKind::step, .levels = levels, .straight_through = surrogate};
  return members;
}

constexpr std::pair<StepLevels, StraightThrough> step_variants[] = {
    {StepLevels::binary, StraightThrough::identity},
    {StepLevels::sign, StraightThrough::sigmoid},
    {StepLevels::binary, StraightThrough::hard_tanh},
};

TEST(PopulationInvariance, StepHiddenUnitsFullBatchMirror) {
  for (const auto& [levels, surrogate] : step_variants) {
    SCOPED_TRACE(::testing::Message() << "levels " << static_cast<int>(levels) << ", estimator " << static_cast<int>(surrogate));
    expect_population_invariance(step_hidden(mixed_members(24), levels, surrogate), mirror_patterns(),
                                 TrainConfig{.epochs = 300, .batch = 0, .order = OrderKind::fixed, .keep_history = true},
                                 SuccessConfig{.train_loss = 4.0, .stop = true});
  }
}

// Batch norm (momentum and eps per member) after a 16-unit hidden layer and layer norm after it,
// the sigmoid moved behind the batch norm: members train on batch statistics, and a member that
// stops keeps the running statistics it would have alone.
Members normalised(Members members) {
  for (std::size_t m = 0; m < members.specs.size(); ++m) {
    std::vector<LayerSpec>& layers = members.specs[m].layers;
    LayerSpec batch_norm{.kind = LayerKind::batchnorm, .momentum = std::vector<double>{0.1, 0.5, 1.0}[m % 3],
                         .eps = m % 2 == 0 ? 1e-5 : 1e-2};
    batch_norm.activation = layers.front().activation;
    layers.front().units = 16;
    layers.front().activation = ActivationSpec{};
    const LayerSpec layer_norm{.kind = LayerKind::layernorm, .eps = m % 4 == 1 ? 1e-3 : 1e-5};
    layers.insert(layers.begin() + 1, {batch_norm, layer_norm});
  }
  return members;
}

TEST(PopulationInvariance, NormLayersFullBatch) {
  expect_population_invariance(normalised(mixed_members(12)), mirror_patterns(),
                               TrainConfig{.epochs = 300, .batch = 0, .order = OrderKind::fixed, .keep_history = true},
                               SuccessConfig{.train_loss = 4.0, .stop = true});
}

TEST(PopulationInvariance, NormLayersShuffledMiniBatches) {
  expect_population_invariance(normalised(mixed_members(12)), mirror_patterns(),
                               TrainConfig{.epochs = 25, .batch = 16, .order = OrderKind::shuffled, .keep_history = true},
                               SuccessConfig{.train_loss = 4.0, .stop = true});
}

// Skip connections: the output layer takes the input and the hidden layer (`from: [input, 0]`),
// which leaves the small-network kernel for the layered path with its joins.
Members skipping(Members members) {
  for (ModelSpec& spec : members.specs) spec.layers.back().from = {network_input, 0};
  return members;
}

TEST(PopulationInvariance, SkipConnectionsShuffledMiniBatches) {
  expect_population_invariance(skipping(mixed_members(12)), mirror_patterns(),
                               TrainConfig{.epochs = 40, .batch = 16, .order = OrderKind::shuffled, .keep_history = true},
                               SuccessConfig{.train_loss = 4.0, .stop = true});
}

// Weight normalisation (a structural choice) on a conv2d before the hidden layer and on the hidden
// layer itself: the examples seen as [1, 2, 3] images, 4 filters of 1x2 (tanh), flattened. The fused
// kernel does not take weight norm, so the layered path trains it, with g and v penalised too.
Members weight_normalised(Members members) {
  for (ModelSpec& spec : members.specs) {
    spec.input_shape = {1, 2, 3};
    LayerSpec conv{.kind = LayerKind::conv2d, .filters = 4, .kernel = {1, 2}, .stride = {1, 1}, .weight_norm = true};
    conv.activation.kind = ActivationKind::tanh;
    conv.weight_init = spec.layers.front().weight_init;
    spec.layers.front().weight_norm = true;
    spec.layers.insert(spec.layers.begin(), {conv, LayerSpec{.kind = LayerKind::flatten}});
  }
  return members;
}

TEST(PopulationInvariance, WeightNormFullBatch) {
  expect_population_invariance(weight_normalised(mixed_members(12)), mirror_patterns(),
                               TrainConfig{.epochs = 300, .batch = 0, .order = OrderKind::fixed, .keep_history = true},
                               SuccessConfig{.train_loss = 4.0, .stop = true});
}

TEST(PopulationInvariance, WeightNormShuffledMiniBatches) {
  expect_population_invariance(weight_normalised(mixed_members(12)), mirror_patterns(),
                               TrainConfig{.epochs = 25, .batch = 16, .order = OrderKind::shuffled, .keep_history = true},
                               SuccessConfig{.train_loss = 4.0, .stop = true});
}

// The same population trained on each SIMD target: the floats may not depend on it.
void expect_same_on_every_target(const Members& members, const Dataset& data, const TrainConfig& config, const SuccessConfig& success) {
  const std::vector<SimdTarget> targets = supported_simd_targets();
  ASSERT_GE(targets.size(), 2u) << "an x86-64 CPU has at least scalar and sse4";
  set_simd_target(SimdTarget::scalar);
  const Outcome reference = train(members, data, config, success);
  for (const SimdTarget target : targets) {
    SCOPED_TRACE(std::string(simd_target_name(target)));
    set_simd_target(target);
    const Outcome outcome = train(members, data, config, success);
    ASSERT_EQ(outcome.weights.size(), reference.weights.size());
    for (std::size_t p = 0; p < reference.weights.size(); ++p) {
      const auto bytes = static_cast<std::size_t>(reference.weights[p].size()) * sizeof(float);
      EXPECT_EQ(std::memcmp(reference.weights[p].data(), outcome.weights[p].data(), bytes), 0) << "parameter " << p;
    }
    for (std::size_t m = 0; m < members.seeds.size(); ++m) {
      SCOPED_TRACE(::testing::Message() << "member " << m);
      EXPECT_EQ(reference.results[m].epochs_run, outcome.results[m].epochs_run);
      expect_same_metrics(reference.results[m].final_metrics, outcome.results[m].final_metrics);
    }
  }
  set_simd_target(best_simd_target());
}

// 40 members: two full AVX-512 blocks and a partial one, five AVX2 blocks, ten SSE4 blocks.
TEST(PopulationInvariance, SameFloatsOnEverySimdTargetSmallNetworkKernel) {
  expect_same_on_every_target(mixed_members(40), mirror_patterns(),
                              TrainConfig{.epochs = 200, .batch = 0, .order = OrderKind::fixed, .keep_history = false},
                              SuccessConfig{.train_accuracy = 1.0, .stop = true});
  expect_same_on_every_target(mixed_members(20), mirror_patterns(),
                              TrainConfig{.epochs = 10, .batch = 16, .order = OrderKind::shuffled, .keep_history = false},
                              SuccessConfig{});
  for (const auto& [levels, surrogate] : step_variants)
    expect_same_on_every_target(step_hidden(mixed_members(20), levels, surrogate), mirror_patterns(),
                                TrainConfig{.epochs = 40, .batch = 0, .order = OrderKind::fixed, .keep_history = false},
                                SuccessConfig{});
}

TEST(PopulationInvariance, SameFloatsOnEverySimdTargetLayeredPath) {
  expect_same_on_every_target(wide(mixed_members(12)), mirror_patterns(),
                              TrainConfig{.epochs = 20, .batch = 16, .order = OrderKind::shuffled, .keep_history = false},
                              SuccessConfig{});
  expect_same_on_every_target(noisy(mixed_members(6)), mirror_patterns(),
                              TrainConfig{.epochs = 20, .batch = 16, .order = OrderKind::shuffled, .keep_history = false},
                              SuccessConfig{});
  expect_same_on_every_target(wide(step_hidden(mixed_members(6), StepLevels::sign, StraightThrough::sigmoid)), mirror_patterns(),
                              TrainConfig{.epochs = 20, .batch = 16, .order = OrderKind::shuffled, .keep_history = false},
                              SuccessConfig{});
  expect_same_on_every_target(normalised(mixed_members(6)), mirror_patterns(),
                              TrainConfig{.epochs = 20, .batch = 16, .order = OrderKind::shuffled, .keep_history = false},
                              SuccessConfig{});
}

}  // namespace
}  // namespace nnlab
