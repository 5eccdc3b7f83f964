// Iterative magnitude pruning in the trainer (train/prune.hpp): pruned weights and their
// gradients stay exactly 0 through training for every optimiser (momentum, Adam, RMSprop,
// Adagrad state, weight decay, Lookahead's slow weights); each round prunes exactly
// round(rate × remaining) per layer (output_rate for the output layer); the member rewinds to
// its initial weights under the mask with its optimiser started afresh; a member alone and in a
// mixed population gets the same masks and weights; bad settings are refused naming the key.
#include "train/prune.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <stdexcept>

#include "optim/magnitude_mask.hpp"
#include "train/independent_data.hpp"
#include "train/trainer.hpp"

namespace nnlab {
namespace {

const ModelSpec spec = testing::relu_classifier(4, 16, 3);  // weights 16×4 = 64 and 3×16 = 48

// Checks, after the prune hook, that every masked weight and gradient is exactly 0, and keeps
// what the tests compare.
class Watcher final : public TrainingHook {
 public:
  void on_fit_begin(TrainingContext& ctx) override {
    for (const auto& parameter : ctx.parameters) initial.push_back(*parameter.value);
  }
  void on_gradients(TrainingContext& ctx, std::int64_t /*epoch*/, Index /*batch*/) override { check(ctx, true); }
  void on_step_end(TrainingContext& ctx, std::int64_t /*epoch*/, Index /*batch*/) override { check(ctx, false); }
  void on_epoch_end(TrainingContext& ctx, std::int64_t epoch, bool /*last*/) override {
    if (epoch != rewind_check) return;
    steps_after_rewind = ctx.optimizer.steps_taken(0);
    rewound = true;
    std::size_t w = 0;
    for (std::size_t p = 0; p < ctx.parameters.size(); ++p) {
      const Tensor& value = *ctx.parameters[p].value;
      for (Index i = 0; i < value.size(); ++i) {
        const float mask = ctx.parameters[p].is_weight() ? ctx.state.prune_masks[w].data()[i] : 1.0f;
        rewound = rewound && value.data()[i] == initial[p].data()[i] * mask;
      }
      w += ctx.parameters[p].is_weight();
    }
  }
  void on_fit_end(TrainingContext& ctx) override { masks = ctx.state.prune_masks; }

  void check(TrainingContext& ctx, bool gradients) {
    std::size_t w = 0;
    for (const auto& parameter : ctx.parameters) {
      if (!parameter.is_weight()) continue;
      const Tensor& values = gradients ? *parameter.grad : *parameter.value;
      const Tensor& mask = ctx.state.prune_masks[w++];
      for (Index i = 0; i < values.size(); ++i)
        if (mask.data()[i] == 0.0f && values.data()[i] != 0.0f) ++revived;
    }
  }

  std::int64_t rewind_check = -1;
  std::vector<Tensor> initial;
  std::vector<Tensor> masks;
  std::int64_t revived = 0;
  std::int64_t steps_after_rewind = -1;
  bool rewound = false;
};

struct Fitted {
  std::vector<Tensor> weights;
  Watcher watcher;
};

PruneConfig prune_config() { return PruneConfig{.rounds = 2, .rate = 0.5, .output_rate = 0.2, .scope = PruneScope::layer, .rewind_epoch = 0}; }

Fitted train(const std::vector<OptimizerOptions>& optimizers, const std::vector<std::uint64_t>& seeds, const PruneConfig& prune,
          std::int64_t rewind_check = -1) {
  const Dataset data = testing::blobs(10, 1, 1.5);  // 30 examples: 5 batches of 7
  const auto loss = make_loss<float>(std::vector<LossSpec>(seeds.size(), LossSpec{.kind = LossKind::cross_entropy}));
  Sequential<float> model(std::vector<ModelSpec>(seeds.size(), spec), seeds, loss->takes_logits());
  const auto optimizer = make_optimizer(optimizers);
  std::vector<MemberSetup> setups;
  for (std::size_t m = 0; m < seeds.size(); ++m) setups.push_back(MemberSetup{.seed = seeds[m], .base_lr = optimizers[m].lr});
  Trainer trainer(model, *loss, *optimizer, setups, TrainConfig{.epochs = 6, .batch = 7, .prune = prune}, SuccessConfig{});
  Fitted run;
  run.watcher.rewind_check = rewind_check;
  TrainingHook* const hooks[] = {&run.watcher};
  trainer.fit(TrainingData{&data, nullptr, nullptr}, FitOptions{.hooks = hooks});
  for (const auto& parameter : model.parameters()) run.weights.push_back(*parameter.value);
  return run;
}

std::vector<OptimizerOptions> every_optimizer() {
  OptimizerOptions sgd = defaults_for(OptimizerKind::sgd);
  sgd.lr = 0.1, sgd.momentum = 0.9, sgd.weight_decay = 1e-3;
  OptimizerOptions adam = defaults_for(OptimizerKind::adam);
  adam.lr = 0.01, adam.weight_decay = 1e-3;
  OptimizerOptions rmsprop = defaults_for(OptimizerKind::rmsprop);
  rmsprop.momentum = 0.5, rmsprop.lr = 0.005;
  OptimizerOptions adagrad = defaults_for(OptimizerKind::adagrad);
  adagrad.initial_accumulator_value = 0.1;
  OptimizerOptions lookahead = adam;
  lookahead.wrapper = OptimizerWrapper::lookahead, lookahead.lookahead_k = 3;
  OptimizerOptions adamw = defaults_for(OptimizerKind::adamw);
  return {sgd, adam, rmsprop, adagrad, lookahead, adamw};
}

TEST(Prune, PrunedWeightsStayZeroForEveryOptimiser) {
  for (const OptimizerOptions& options : every_optimizer()) {
    SCOPED_TRACE(std::string(optimizer_kind_name(options.kind)) + std::string(options.wrapper == OptimizerWrapper::none ? "" : "+lookahead"));
    const Fitted run = train({options, options}, {3, 4}, prune_config());
    EXPECT_EQ(run.watcher.revived, 0);
    // Hidden: 64 → 32 → 16; output 48 → 48 − round(9.6) = 38 → 38 − round(7.6) = 30.
    for (Index m = 0; m < 2; ++m) {
      const auto slice = [&](const Tensor& t) { return std::span<const float>(t.slice(m), static_cast<std::size_t>(t.slice_size())); };
      ASSERT_EQ(run.watcher.masks.size(), 2u);
      EXPECT_EQ(kept(slice(run.watcher.masks[0])), 16);
      EXPECT_EQ(kept(slice(run.watcher.masks[1])), 30);
      // The final weights are zero exactly where masked (the kept ones trained away from 0).
      EXPECT_EQ(kept(slice(run.weights[0])), 16);
      EXPECT_EQ(kept(slice(run.weights[2])), 30);
    }
  }
}

TEST(Prune, RewindsToTheInitialWeightsUnderTheMaskWithAFreshOptimiser) {
  OptimizerOptions adam = defaults_for(OptimizerKind::adam);
  adam.lr = 0.01;
  const Fitted run = train({adam}, {7}, prune_config(), 2);  // epoch 2 ends round 0
  EXPECT_TRUE(run.watcher.rewound);
  EXPECT_EQ(run.watcher.steps_after_rewind, 0);
}

TEST(Prune, GlobalScopeWithOneHiddenLayerMatchesLayerScopeAndKeepsTheOutputRate) {
  // With one hidden layer global ranking is layer ranking (the output layer always ranks on its
  // own, at output_rate); ranking across layers itself is tested in tests/optim/magnitude_mask_test.
  OptimizerOptions sgd = defaults_for(OptimizerKind::sgd);
  sgd.lr = 0.1;
  PruneConfig global = prune_config();
  global.scope = PruneScope::global;
  const Fitted a = train({sgd}, {5}, global), b = train({sgd}, {5}, prune_config());
  EXPECT_EQ(kept(std::span<const float>(a.watcher.masks[1].data(), 48)), 30);
  EXPECT_EQ(std::memcmp(a.watcher.masks[0].data(), b.watcher.masks[0].data(), 64 * sizeof(float)), 0);
}

TEST(Prune, AMemberAloneAndInAPopulationGetTheSameMasksAndWeights) {
  OptimizerOptions base = defaults_for(OptimizerKind::adam);
  std::vector<OptimizerOptions> mixed;
  for (const double lr : {0.02, 0.01, 0.005}) {
    base.lr = lr;
    mixed.push_back(base);
  }
  const Fitted together = train(mixed, {11, 12, 13}, prune_config());
  for (Index m = 0; m < 3; ++m) {
    const Fitted alone = train({mixed[static_cast<std::size_t>(m)]}, {static_cast<std::uint64_t>(11 + m)}, prune_config());
    for (std::size_t p = 0; p < alone.weights.size(); ++p)
      EXPECT_EQ(std::memcmp(alone.weights[p].data(), together.weights[p].slice(m), alone.weights[p].size() * sizeof(float)), 0) << m << " " << p;
    for (std::size_t k = 0; k < alone.watcher.masks.size(); ++k)
      EXPECT_EQ(std::memcmp(alone.watcher.masks[k].data(), together.watcher.masks[k].slice(m), alone.watcher.masks[k].size() * sizeof(float)), 0);
  }
}

TEST(Prune, BadSettingsNameTheirKey) {
  const auto message = [](PruneConfig config, std::int64_t epochs) {
    try {
      validate(config, epochs);
    } catch (const std::invalid_argument& error) {
      return std::string(error.what());
    }
    return std::string("accepted");
  };
  PruneConfig config = prune_config();
  EXPECT_EQ(message(config, 6), "accepted");
  config.rate = 1.0;
  EXPECT_EQ(message(config, 6).rfind("prune.rate:", 0), 0u);
  config.rate = 0.0;
  EXPECT_EQ(message(config, 6).rfind("prune.rate:", 0), 0u);
  config = prune_config();
  config.rounds = 0;
  EXPECT_EQ(message(config, 6).rfind("prune.rounds:", 0), 0u);
  config = prune_config();
  config.rewind_epoch = 3;  // rounds of 2 epochs
  EXPECT_EQ(message(config, 6).rfind("prune.rewind.epoch:", 0), 0u);
  EXPECT_EQ(message(prune_config(), 7).rfind("prune.rounds:", 0), 0u);
}

// Keeps every member's validation loss and test accuracy per epoch, and each member's weights
// right after the first round's end.
class Recorder final : public TrainingHook {
 public:
  void on_fit_begin(TrainingContext& ctx) override {
    for (const auto& parameter : ctx.parameters) initial.push_back(*parameter.value);
    validation_loss.assign(ctx.member_count(), {});
    test_accuracy.assign(ctx.member_count(), {});
  }
  void on_epoch_end(TrainingContext& ctx, std::int64_t epoch, bool /*last*/) override {
    if (epoch < 1) return;
    for (std::size_t m = 0; m < ctx.member_count(); ++m) {
      validation_loss[m].push_back(ctx.state.current[m].validation_loss);
      test_accuracy[m].push_back(ctx.state.current[m].test_accuracy);
    }
    if (epoch == round_end) {
      for (const auto& parameter : ctx.parameters) after_round.push_back(*parameter.value);
      masks = ctx.state.prune_masks;
    }
  }
  std::int64_t round_end = 2;
  std::vector<Tensor> initial, after_round, masks;
  std::vector<std::vector<double>> validation_loss, test_accuracy;  // [member][epoch - 1]
};

struct Controlled {
  std::vector<MemberResult> results;
  Recorder recorder;
};

// Two members on blobs with validation and test sets; member 1 takes member 0's masks when
// `control`. Rounds of 2 epochs.
Controlled train_pair(const PruneConfig& prune, bool control) {
  const Dataset data = testing::blobs(10, 1, 1.5), validation = testing::blobs(6, 2, 1.5), test = testing::blobs(6, 3, 1.5);
  const std::vector<std::uint64_t> seeds{3, 99};
  const auto loss = make_loss<float>(std::vector<LossSpec>(2, LossSpec{.kind = LossKind::cross_entropy}));
  Sequential<float> model(std::vector<ModelSpec>(2, spec), seeds, loss->takes_logits());
  OptimizerOptions adam = defaults_for(OptimizerKind::adam);
  adam.lr = 0.02;
  const auto optimizer = make_optimizer(std::vector<OptimizerOptions>(2, adam));
  std::vector<MemberSetup> setups{MemberSetup{.seed = 3, .base_lr = adam.lr}, MemberSetup{.seed = 99, .base_lr = adam.lr, .prune_mask_from = control ? 0 : -1}};
  Trainer trainer(model, *loss, *optimizer, setups, TrainConfig{.epochs = 6, .batch = 7, .prune = prune}, SuccessConfig{});
  Controlled run;
  TrainingHook* const hooks[] = {&run.recorder};
  run.results = trainer.fit(TrainingData{&data, &validation, &test}, FitOptions{.hooks = hooks});
  return run;
}

TEST(Prune, AControlTakesItsTicketsMaskAndRewindsToItsOwnInitialWeights) {
  PruneConfig late = prune_config();
  late.rewind_epoch = 1;  // the ticket rewinds to its weights after epoch 1; the control to its initial ones
  const Controlled run = train_pair(late, true);
  const Controlled apart = train_pair(late, false);
  for (std::size_t k = 0; k < run.recorder.masks.size(); ++k) {
    const Tensor& mask = run.recorder.masks[k];
    EXPECT_EQ(std::memcmp(mask.slice(0), mask.slice(1), static_cast<std::size_t>(mask.slice_size()) * sizeof(float)), 0) << k;
    // Without the pairing member 1 ranks its own weights: another mask.
    const Tensor& own = apart.recorder.masks[k];
    EXPECT_NE(std::memcmp(own.slice(0), own.slice(1), static_cast<std::size_t>(own.slice_size()) * sizeof(float)), 0) << k;
    // The ticket trains as it does beside an unpaired member.
    EXPECT_EQ(std::memcmp(mask.slice(0), own.slice(0), static_cast<std::size_t>(mask.slice_size()) * sizeof(float)), 0) << k;
  }
  std::size_t w = 0;
  for (std::size_t p = 0; p < run.recorder.initial.size(); ++p) {
    const Tensor& initial = run.recorder.initial[p];
    const Tensor& rewound = run.recorder.after_round[p];
    const bool weight = p % 2 == 0;  // weight, bias, weight, bias
    for (Index i = 0; i < initial.slice_size(); ++i) {
      const float mask = weight ? run.recorder.masks[w].slice(1)[i] : 1.0f;
      ASSERT_EQ(rewound.slice(1)[i], initial.slice(1)[i] * mask) << p << " " << i;
    }
    w += weight;
  }
  EXPECT_TRUE(run.results[1].prune->control);
  EXPECT_FALSE(run.results[0].prune->control);
}

TEST(Prune, RecordsEachRoundsKeptWeightsAndEarlyStopEpoch) {
  const Controlled run = train_pair(prune_config(), false);
  for (std::size_t m = 0; m < 2; ++m) {
    ASSERT_TRUE(run.results[m].prune.has_value());
    const PruneOutcome& outcome = *run.results[m].prune;
    EXPECT_EQ(outcome.round_epochs, 2);
    EXPECT_EQ(outcome.layers, (std::vector<std::string>{"layers.0.weight", "layers.1.weight"}));
    ASSERT_EQ(outcome.rounds.size(), 3u);
    // Kept: 64 + 48 dense; 32 + 38; 16 + 30 (see PrunedWeightsStayZeroForEveryOptimiser).
    EXPECT_EQ(outcome.rounds[0].remaining, 1.0);
    EXPECT_EQ(outcome.rounds[1].remaining, 70.0 / 112.0);
    EXPECT_EQ(outcome.rounds[2].remaining, 46.0 / 112.0);
    EXPECT_EQ(outcome.rounds[2].layer_remaining, (std::vector<double>{16.0 / 64.0, 30.0 / 48.0}));
    // The first layer's kept connections per input sum to its kept weights.
    std::int64_t connections = 0;
    for (const std::int64_t kept_here : outcome.rounds[2].first_layer_kept) connections += kept_here;
    EXPECT_EQ(outcome.rounds[2].first_layer_kept.size(), 4u);
    EXPECT_EQ(connections, 16);
    for (std::size_t r = 0; r < 3; ++r) {
      const auto& losses = run.recorder.validation_loss[m];
      const auto& accuracies = run.recorder.test_accuracy[m];
      const std::size_t first = 2 * r;
      const std::size_t best = losses[first + 1] < losses[first] ? first + 1 : first;
      const PruneRound& round = outcome.rounds[r];
      EXPECT_EQ(round.epochs, 2);
      EXPECT_EQ(round.early_stop_epoch, static_cast<std::int64_t>(best - first + 1)) << m << " " << r;
      EXPECT_EQ(round.best_validation_loss, losses[best]);
      EXPECT_EQ(round.early_stop_test_accuracy, accuracies[best]);
      EXPECT_EQ(round.test_accuracy, accuracies[first + 1]);
      EXPECT_EQ(round.validation_loss, losses[first + 1]);
    }
  }
}

// Every step's rate, member 0's.
class RateWatcher final : public TrainingHook {
 public:
  void on_step_end(TrainingContext& ctx, std::int64_t /*epoch*/, Index /*batch*/) override { rates.push_back(ctx.state.last_step_rate[0]); }
  std::vector<double> rates;
};

TEST(Prune, TheScheduleRestartsWithEveryRound) {
  const Dataset data = testing::blobs(10, 1, 1.5);  // 30 examples: 5 batches of 7 per epoch
  const auto loss = make_loss<float>(std::vector<LossSpec>(1, LossSpec{.kind = LossKind::cross_entropy}));
  Sequential<float> model(std::vector<ModelSpec>(1, spec), std::vector<std::uint64_t>{5}, loss->takes_logits());
  OptimizerOptions sgd = defaults_for(OptimizerKind::sgd);
  sgd.lr = 0.1;
  const auto optimizer = make_optimizer(std::vector<OptimizerOptions>(1, sgd));
  const ScheduleSpec schedule{.kind = ScheduleKind::step, .unit = ScheduleUnit::step, .gamma = 0.5, .step_size = 3};
  const std::vector<MemberSetup> setups{MemberSetup{.seed = 5, .base_lr = 0.1, .schedule = schedule}};
  TrainConfig config{.epochs = 6, .batch = 7, .prune = prune_config()};
  EXPECT_THROW(Trainer(model, *loss, *optimizer, setups, config, SuccessConfig{}).fit(TrainingData{&data, nullptr, nullptr}), std::invalid_argument);
  config.schedule_restart = 2;  // rounds of 2 epochs = 10 steps
  Trainer trainer(model, *loss, *optimizer, setups, config, SuccessConfig{});
  RateWatcher watcher;
  TrainingHook* const hooks[] = {&watcher};
  trainer.fit(TrainingData{&data, nullptr, nullptr}, FitOptions{.hooks = hooks});
  ASSERT_EQ(watcher.rates.size(), 30u);
  for (std::size_t s = 0; s < 30; ++s) EXPECT_EQ(watcher.rates[s], scheduled_learning_rate(schedule, 0.1, static_cast<std::int64_t>(s % 10))) << s;
  EXPECT_EQ(watcher.rates[10], 0.1);
  EXPECT_EQ(watcher.rates[9], 0.1 * 0.125);
}

}  // namespace
}  // namespace nnlab
