// Checkpoints: training stopped at an epoch boundary and continued from the checkpoint (the
// weights, the optimiser's state and the TrainerState) ends bit-identical to training straight
// through: the same final weights, member results and every epoch's metrics after the boundary.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <map>
#include <optional>

#include "core/rng.hpp"
#include "train/independent_data.hpp"
#include "train/memory_checkpointer.hpp"
#include "train/trainer.hpp"

namespace nnlab {
namespace {

using testing::MemoryCheckpointer;

// Every epoch's metrics as observers saw them, by epoch.
class MetricLog final : public TrainObserver {
 public:
  void on_epoch_end(std::int64_t epoch, std::span<const EpochMetrics> metrics, std::span<const std::uint8_t> active) override {
    by_epoch[epoch] = {std::vector<EpochMetrics>(metrics.begin(), metrics.end()), std::vector<std::uint8_t>(active.begin(), active.end())};
  }
  void on_resume(std::int64_t epochs_done, std::span<const std::uint8_t>) override { resumed_after = epochs_done; }
  std::map<std::int64_t, std::pair<std::vector<EpochMetrics>, std::vector<std::uint8_t>>> by_epoch;
  std::int64_t resumed_after = -1;
};

struct Scenario {
  std::vector<ModelSpec> specs;
  std::vector<std::uint64_t> seeds;
  std::vector<LossSpec> losses;
  std::vector<OptimizerOptions> optimizers;
  std::vector<MemberSetup> members;
  TrainConfig config;
  SuccessConfig success;
  Dataset train, test;
};

struct Outcome {
  std::vector<MemberResult> results;
  std::vector<Tensor> weights;
  MetricLog log;
};

// Trains from scratch, or from `resume_from`; with `keep`, takes the checkpoint after
// `checkpoint_at` epochs (-1: the final one) into *keep. (Its model reference dangles
// afterwards; only the captured copies are read.)
Outcome train(const Scenario& s, std::unique_ptr<MemoryCheckpointer>* keep = nullptr, std::int64_t checkpoint_at = 0,
              const MemoryCheckpointer* resume_from = nullptr) {
  const auto loss = make_loss<float>(s.losses);
  Sequential<float> model(s.specs, s.seeds, loss->takes_logits());
  const auto optimizer = make_optimizer(s.optimizers);
  Outcome outcome;
  std::unique_ptr<MemoryCheckpointer> checkpointer;
  if (keep) checkpointer = std::make_unique<MemoryCheckpointer>(model, *optimizer, checkpoint_at);
  if (resume_from) {
    auto parameters = model.parameters();
    for (std::size_t p = 0; p < parameters.size(); ++p) *parameters[p].value = resume_from->weights[p];
    auto buffers = model.buffers();
    for (std::size_t b = 0; b < buffers.size(); ++b) *buffers[b].value = resume_from->weights[parameters.size() + b];
    optimizer->restore(*resume_from->optimizer);
  }
  Trainer trainer(model, *loss, *optimizer, s.members, s.config, s.success);
  const TrainingData data{&s.train, nullptr, s.test.size() ? &s.test : nullptr};
  outcome.results = trainer.fit(data, FitOptions{.observer = &outcome.log, .checkpointer = checkpointer.get(),
                                                 .resume = resume_from ? &*resume_from->trainer : nullptr});
  for (const auto& parameter : model.parameters()) outcome.weights.push_back(*parameter.value);
  for (const auto& buffer : model.buffers()) outcome.weights.push_back(*buffer.value);
  if (keep) *keep = std::move(checkpointer);
  return outcome;
}

// Bitwise, so that NaN equals NaN and -0 differs from 0.
bool same(double a, double b) { return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b); }

void expect_same_metrics(const EpochMetrics& a, const EpochMetrics& b, const std::string& where) {
  EXPECT_EQ(a.epoch, b.epoch) << where;
  const double left[] = {a.train_loss, a.train_accuracy, a.validation_loss, a.validation_accuracy, a.test_loss, a.test_accuracy, a.learning_rate, a.gradient_norm};
  const double right[] = {b.train_loss, b.train_accuracy, b.validation_loss, b.validation_accuracy, b.test_loss, b.test_accuracy, b.learning_rate, b.gradient_norm};
  for (std::size_t i = 0; i < std::size(left); ++i) EXPECT_TRUE(same(left[i], right[i])) << where << " field " << i << ": " << left[i] << " vs " << right[i];
  ASSERT_EQ(a.layers.size(), b.layers.size()) << where;
  for (std::size_t l = 0; l < a.layers.size(); ++l) {
    EXPECT_TRUE(same(a.layers[l].weight_norm, b.layers[l].weight_norm)) << where << " layer " << l;
    EXPECT_TRUE(same(a.layers[l].gradient_norm, b.layers[l].gradient_norm)) << where << " layer " << l;
    EXPECT_TRUE(same(a.layers[l].update_ratio, b.layers[l].update_ratio)) << where << " layer " << l;
  }
}

// Interrupt after `at` epochs, resume, compare with the uninterrupted run.
void check_resume_at(const Scenario& s, std::int64_t at) {
  SCOPED_TRACE("checkpoint after epoch " + std::to_string(at));
  const Outcome straight = train(s);
  std::unique_ptr<MemoryCheckpointer> checkpoint;
  const Outcome first_leg = train(s, &checkpoint, at);
  ASSERT_TRUE(checkpoint->trainer.has_value()) << "no checkpoint was taken";
  EXPECT_EQ(checkpoint->trainer->epochs_done, at < 0 ? s.config.epochs : at);
  const Outcome resumed = train(s, nullptr, 0, checkpoint.get());
  EXPECT_EQ(resumed.log.resumed_after, checkpoint->trainer->epochs_done);

  ASSERT_EQ(resumed.weights.size(), straight.weights.size());
  for (std::size_t p = 0; p < straight.weights.size(); ++p)
    EXPECT_TRUE(std::equal(straight.weights[p].span().begin(), straight.weights[p].span().end(), resumed.weights[p].span().begin(),
                           [](float x, float y) { return std::bit_cast<std::uint32_t>(x) == std::bit_cast<std::uint32_t>(y); }))
        << "parameter " << p << " differs";
  ASSERT_EQ(resumed.results.size(), straight.results.size());
  for (std::size_t m = 0; m < straight.results.size(); ++m) {
    const auto& a = straight.results[m];
    const auto& b = resumed.results[m];
    const std::string where = "member " + std::to_string(m);
    EXPECT_EQ(a.epochs_run, b.epochs_run) << where;
    EXPECT_EQ(a.diverged, b.diverged) << where;
    EXPECT_EQ(a.diverged_epoch, b.diverged_epoch) << where;
    EXPECT_EQ(a.success_epoch, b.success_epoch) << where;
    expect_same_metrics(a.final_metrics, b.final_metrics, where + " final");
  }
  // Every epoch the resumed run reported, the straight run reported identically.
  ASSERT_FALSE(at >= 0 && resumed.log.by_epoch.empty());
  for (const auto& [epoch, entry] : resumed.log.by_epoch) {
    const auto found = straight.log.by_epoch.find(epoch);
    ASSERT_NE(found, straight.log.by_epoch.end()) << "epoch " << epoch;
    EXPECT_EQ(entry.second, found->second.second) << "active flags at epoch " << epoch;
    for (std::size_t m = 0; m < entry.first.size(); ++m)
      expect_same_metrics(entry.first[m], found->second.first[m], "epoch " + std::to_string(epoch) + " member " + std::to_string(m));
  }
  if (at >= 0) {
    // ...and together the two legs cover every epoch of the straight run.
    for (const auto& [epoch, entry] : straight.log.by_epoch)
      EXPECT_TRUE(resumed.log.by_epoch.contains(epoch) || first_leg.log.by_epoch.contains(epoch)) << "epoch " << epoch;
  }
}

LayerSpec layer(Index units, ActivationKind activation, double init_range) {
  LayerSpec spec;
  spec.units = units;
  spec.activation.kind = activation;
  spec.weight_init = InitSpec{.kind = InitKind::uniform, .low = -init_range, .high = init_range};
  spec.bias_init = spec.weight_init;
  return spec;
}

// The Rumelhart task, full batch with momentum (a linear output, so a large rate diverges); members that stop on success and one that
// diverges, so the checkpoint carries members in every state.
Scenario full_batch_mirror() {
  Scenario s;
  s.train = testing::mirror_patterns();
  ModelSpec spec;
  spec.inputs = 6;
  spec.layers = {layer(4, ActivationKind::sigmoid, 0.3), layer(1, ActivationKind::identity, 0.3)};
  for (int m = 0; m < 24; ++m) {
    OptimizerOptions options = defaults_for(OptimizerKind::sgd);
    options.lr = m == 5 ? 5.0 : 0.01 + 0.01 * (m % 4);
    options.momentum = 0.9;
    s.specs.push_back(spec);
    s.seeds.push_back(static_cast<std::uint64_t>(100 + m));
    s.losses.push_back(LossSpec{.kind = LossKind::sse});
    s.optimizers.push_back(options);
    s.members.push_back(MemberSetup{.seed = s.seeds.back(), .base_lr = options.lr});
  }
  s.config = TrainConfig{.epochs = 700, .batch = 0, .order = OrderKind::fixed};
  s.success = SuccessConfig{.train_loss = 3.41, .stop = true};
  return s;
}

// Shuffled mini-batches per member, Adam, an epoch-unit step schedule and a test set.
Scenario minibatch_adam() {
  Scenario s;
  s.train = testing::mirror_patterns();
  s.test = testing::mirror_patterns();
  ModelSpec spec;
  spec.inputs = 6;
  spec.layers = {layer(8, ActivationKind::tanh, 0.5), layer(2, ActivationKind::identity, 0.5)};
  for (int m = 0; m < 6; ++m) {
    OptimizerOptions options = defaults_for(OptimizerKind::adam);
    options.lr = 0.01 * (1 + m % 3);
    s.specs.push_back(spec);
    s.seeds.push_back(static_cast<std::uint64_t>(7 + m));
    s.losses.push_back(LossSpec{.kind = LossKind::cross_entropy});
    s.optimizers.push_back(options);
    ScheduleSpec schedule;
    schedule.kind = ScheduleKind::step;
    schedule.unit = ScheduleUnit::epoch;
    schedule.step_size = 4;
    schedule.gamma = 0.5;
    s.members.push_back(MemberSetup{.seed = s.seeds.back(), .base_lr = options.lr, .schedule = schedule});
  }
  s.config = TrainConfig{.epochs = 12, .batch = 5, .order = OrderKind::shuffled};
  s.success = SuccessConfig{.train_accuracy = 1.0};
  return s;
}

TEST(Resume, FullBatchContinuesBitIdenticallyFromAnyBoundary) {
  const Scenario s = full_batch_mirror();
  // The scenario has what it claims: a diverged member and members stopped before epoch 137.
  const Outcome straight = train(s);
  EXPECT_TRUE(straight.results[5].diverged);
  EXPECT_GE(std::count_if(straight.results.begin(), straight.results.end(),
                          [](const MemberResult& r) { return r.success_epoch && *r.success_epoch < 137; }), 2);
  EXPECT_GE(std::count_if(straight.results.begin(), straight.results.end(),
                          [](const MemberResult& r) { return r.success_epoch && *r.success_epoch > 137; }), 2);
  EXPECT_GE(std::count_if(straight.results.begin(), straight.results.end(), [](const MemberResult& r) { return !r.success_epoch; }), 2);
  for (const std::int64_t at : {1, 137, 699}) check_resume_at(s, at);
}

TEST(Resume, ShuffledMiniBatchesWithAdamAndScheduleContinueBitIdentically) {
  const Scenario s = minibatch_adam();
  for (const std::int64_t at : {1, 5, 11}) check_resume_at(s, at);
}

// Lookahead's slow weights live in the optimiser state: with k 3, 4 and 7 and epochs of a
// few steps, the checkpoints fall mid-cycle, and the resumed leg ends bit-identical.
TEST(Resume, LookaheadContinuesBitIdenticallyFromMidCycle) {
  Scenario s = minibatch_adam();
  for (std::size_t m = 0; m < s.optimizers.size(); ++m) {
    OptimizerOptions& options = s.optimizers[m];
    options.wrapper = OptimizerWrapper::lookahead;
    options.lookahead_k = std::vector<std::int64_t>{3, 4, 7}[m % 3];
    options.lookahead_alpha = m < 3 ? 0.5 : 0.8;
  }
  for (const std::int64_t at : {1, 5, 11}) check_resume_at(s, at);
}

// Dropout and Gaussian noise draw by (seed, layer, step): the checkpoint's step makes the
// resumed leg draw the masks the uninterrupted run drew.
TEST(Resume, NoiseLayersDrawTheSameMasksAfterResuming) {
  Scenario s = minibatch_adam();
  for (std::size_t m = 0; m < s.specs.size(); ++m) {
    std::vector<LayerSpec>& layers = s.specs[m].layers;
    layers.insert(layers.begin() + 1, LayerSpec{.kind = LayerKind::dropout, .rate = 0.1 + 0.2 * static_cast<double>(m % 3)});
    layers.insert(layers.begin(), LayerSpec{.kind = LayerKind::gaussian_noise, .std = 0.1});
  }
  for (const std::int64_t at : {3, 8}) check_resume_at(s, at);
}

// Batch norm's running statistics (momentum per member) travel with the checkpoint: evaluation
// metrics after the boundary and the final statistics equal the uninterrupted run's.
Scenario with_norm_layers(Scenario s) {
  for (std::size_t m = 0; m < s.specs.size(); ++m) {
    LayerSpec batch_norm{.kind = LayerKind::batchnorm, .momentum = m % 2 == 0 ? 0.1 : 0.3};
    batch_norm.activation = s.specs[m].layers.front().activation;
    s.specs[m].layers.front().activation = ActivationSpec{};
    s.specs[m].layers.insert(s.specs[m].layers.begin() + 1, {batch_norm, LayerSpec{.kind = LayerKind::layernorm}});
  }
  return s;
}

TEST(Resume, NormLayersContinueBitIdenticallyWithTheirRunningStatistics) {
  for (const std::int64_t at : {3, 7}) check_resume_at(with_norm_layers(minibatch_adam()), at);
  Scenario full = with_norm_layers(full_batch_mirror());
  full.config.epochs = 150;
  check_resume_at(full, 60);
}

TEST(Resume, FromTheFinalCheckpointNothingChanges) {
  check_resume_at(full_batch_mirror(), -1);
  check_resume_at(minibatch_adam(), -1);
}

TEST(Resume, CheckpointOfAnotherPopulationIsRejected) {
  const Scenario s = minibatch_adam();
  std::unique_ptr<MemoryCheckpointer> checkpoint;
  train(s, &checkpoint, 3);
  TrainerState state = *checkpoint->trainer;
  state.active.pop_back();
  const auto loss = make_loss<float>(s.losses);
  Sequential<float> model(s.specs, s.seeds, loss->takes_logits());
  const auto optimizer = make_optimizer(s.optimizers);
  Trainer trainer(model, *loss, *optimizer, s.members, s.config, s.success);
  EXPECT_THROW(trainer.fit(TrainingData{&s.train, nullptr, nullptr}, FitOptions{.observer = nullptr, .checkpointer = nullptr, .resume = &state}),
               std::invalid_argument);
  state = *checkpoint->trainer;
  state.epochs_done = s.config.epochs + 1;
  EXPECT_THROW(trainer.fit(TrainingData{&s.train, nullptr, nullptr}, FitOptions{.observer = nullptr, .checkpointer = nullptr, .resume = &state}),
               std::invalid_argument);
}

}  // namespace
}  // namespace nnlab

namespace nnlab {
namespace {

// Augmentation and mixup draw by (seed, epoch, row or batch), never from a stream: the resumed
// leg draws what the uninterrupted run drew.
TEST(Resume, AugmentationAndMixupDrawTheSameAfterResuming) {
  Scenario s = minibatch_adam();
  s.train.example_shape = {2, 3};  // the 6 bits as a 2 × 3 image
  s.config.augment = AugmentConfig{.shift = 1, .flip_horizontal = true, .noise = 0.1};
  s.config.mixup = MixupConfig{.alpha = 0.3};
  for (LossSpec& loss : s.losses) loss.soft_targets = true;
  for (const std::int64_t at : {3, 8}) check_resume_at(s, at);
}

}  // namespace
}  // namespace nnlab
