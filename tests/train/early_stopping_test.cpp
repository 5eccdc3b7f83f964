// Early stopping in the trainer (train/early_stopping.hpp) on a net that over-fits 30 blob
// examples: each member stops where its criterion, folded over the validation losses the
// observers saw, says; restore_best ends with exactly the weights of a run as long as the best
// epoch; a member stops as it does alone, however long the others train; and a checkpoint
// taken mid-patience resumes to the same end.
#include "train/early_stopping.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cstring>
#include <map>
#include <memory>
#include <set>

#include "train/blob_population.hpp"
#include "train/trainer.hpp"

namespace nnlab {
namespace {

using testing::MemoryCheckpointer;

// Each epoch's validation loss per member, as observers saw it (the member's last one too).
class ValidationLog final : public TrainObserver {
 public:
  void on_epoch_end(std::int64_t epoch, std::span<const EpochMetrics> metrics, std::span<const std::uint8_t> active) override {
    for (std::size_t m = 0; m < metrics.size(); ++m) {
      if (stopped.contains(m)) continue;
      loss[m][epoch] = metrics[m].validation_loss;
      train_loss[m][epoch] = metrics[m].train_loss;
      if (!active[m]) stopped.insert(m);
    }
  }
  std::map<std::size_t, std::map<std::int64_t, double>> loss, train_loss;
  std::set<std::size_t> stopped;
};

using Population = testing::BlobPopulation;
using Data = testing::BlobData;

// Adam at three rates and two seeds each on a 4-64-3 ReLU net.
Population population() {
  Population p;
  for (int m = 0; m < 6; ++m) {
    OptimizerOptions adam = defaults_for(OptimizerKind::adam);
    adam.lr = std::vector<double>{0.003, 0.01, 0.03}[static_cast<std::size_t>(m % 3)];
    p.seeds.push_back(static_cast<std::uint64_t>(20 + m));
    p.optimizers.push_back(adam);
    p.setups.push_back(MemberSetup{.seed = p.seeds.back(), .base_lr = adam.lr});
  }
  return p;
}

struct Outcome {
  std::vector<MemberResult> results;
  std::vector<Tensor> weights;
  ValidationLog log;
};

Outcome train(const Population& p, const Data& data, const TrainConfig& config, std::unique_ptr<MemoryCheckpointer>* keep = nullptr,
              std::int64_t checkpoint_at = 0, const MemoryCheckpointer* resume_from = nullptr,
              const ModelSpec& spec = testing::relu_classifier(4, 64, 3)) {
  Outcome outcome;
  testing::BlobRun run = testing::train_blobs(p, data, config, &outcome.log, keep, checkpoint_at, resume_from, spec);
  outcome.results = std::move(run.results);
  outcome.weights = std::move(run.weights);
  return outcome;
}

TrainConfig config(std::int64_t epochs, Index batch, EarlyStoppingConfig stopping) {
  return TrainConfig{.epochs = epochs, .batch = batch, .order = OrderKind::shuffled, .early_stopping = stopping};
}

bool same_bits(const Tensor& a, const float* b) { return std::memcmp(a.data(), b, static_cast<std::size_t>(a.size()) * sizeof(float)) == 0; }

// Member m's weights in `population` against the only member's in `alone`.
void expect_same_weights(const Outcome& alone, const Outcome& population, std::size_t m) {
  ASSERT_EQ(alone.weights.size(), population.weights.size());
  for (std::size_t p = 0; p < alone.weights.size(); ++p)
    EXPECT_TRUE(same_bits(alone.weights[p], population.weights[p].slice(static_cast<Index>(m)))) << "parameter " << p;
}

void expect_same_outcome(const EarlyStopOutcome& a, const EarlyStopOutcome& b) {
  EXPECT_EQ(a.best_epoch, b.best_epoch);
  EXPECT_EQ(a.stopped_epoch, b.stopped_epoch);
  EXPECT_EQ(std::bit_cast<std::uint64_t>(a.best_value), std::bit_cast<std::uint64_t>(b.best_value));
  EXPECT_EQ(std::bit_cast<std::uint64_t>(a.stopped_value), std::bit_cast<std::uint64_t>(b.stopped_value));
  EXPECT_EQ(a.restored, b.restored);
}

// Mini-batches and full batch: the two places an epoch ends (after its steps, or inside the next forward).
class EarlyStopping : public ::testing::TestWithParam<Index> {};

TEST_P(EarlyStopping, EachMemberStopsWhereItsCriterionSaysOnItsOwnSeries) {
  const Data data;
  for (const EarlyStoppingConfig stopping : {EarlyStoppingConfig{.patience = 8, .restore_best = false},
                                             EarlyStoppingConfig{.criterion = StoppingCriterion::gl, .restore_best = false, .alpha = 3}}) {
    SCOPED_TRACE(std::string(criterion_name(stopping.criterion)));
    const TrainConfig train_config = config(GetParam() == 0 ? 600 : 150, GetParam(), stopping);
    const Outcome outcome = train(population(), data, train_config);
    int stopped = 0;
    for (std::size_t m = 0; m < outcome.results.size(); ++m) {
      SCOPED_TRACE("member " + std::to_string(m));
      StoppingState state;
      std::int64_t expected = -1;
      for (const auto& [epoch, loss] : outcome.log.loss.at(m))
        if (epoch > 0 && expected < 0 && observe(stopping, state, epoch, loss, outcome.log.train_loss.at(m).at(epoch)).stop) expected = epoch;
      const MemberResult& result = outcome.results[m];
      ASSERT_TRUE(result.early_stop.has_value());
      EXPECT_EQ(result.early_stop->stopped_epoch, expected);
      EXPECT_EQ(result.early_stop->best_epoch, state.best_epoch);
      EXPECT_EQ(result.epochs_run, expected < 0 ? train_config.epochs : expected);
      EXPECT_EQ(result.final_metrics.epoch, result.epochs_run);  // not restored
      stopped += expected > 0 && expected < train_config.epochs;
    }
    EXPECT_GE(stopped, 3) << "the net should over-fit and most members stop early";
  }
}

TEST_P(EarlyStopping, RestoreBestEndsWithTheWeightsOfTheBestEpoch) {
  const Data data;
  const EarlyStoppingConfig stopping{.patience = 10};
  const Outcome outcome = train(population(), data, config(GetParam() == 0 ? 600 : 150, GetParam(), stopping));
  for (const std::size_t m : {std::size_t{0}, std::size_t{4}}) {
    SCOPED_TRACE("member " + std::to_string(m));
    const EarlyStopOutcome& e = *outcome.results[m].early_stop;
    ASSERT_GT(e.stopped_epoch, e.best_epoch);
    EXPECT_TRUE(e.restored);
    EXPECT_EQ(outcome.results[m].final_metrics.epoch, e.best_epoch);
    EXPECT_EQ(outcome.results[m].final_metrics.validation_loss, e.best_value);
    EXPECT_EQ(outcome.log.loss.at(m).at(e.best_epoch), e.best_value);
    EXPECT_EQ(outcome.log.loss.at(m).at(e.stopped_epoch), e.stopped_value);
    // The same member trained for best_epoch epochs, without early stopping.
    TrainConfig shorter = config(e.best_epoch, GetParam(), stopping);
    shorter.early_stopping.reset();
    expect_same_weights(train(population().only(m), data, shorter), outcome, m);
  }
}

// With batch norm, restore_best gives back the best epoch's running statistics with its weights.
TEST_P(EarlyStopping, RestoreBestRestoresBatchNormsRunningStatisticsToo) {
  const Data data;
  ModelSpec spec = testing::relu_classifier(4, 64, 3);
  LayerSpec batch_norm{.kind = LayerKind::batchnorm};
  batch_norm.activation = spec.layers.front().activation;
  spec.layers.front().activation = ActivationSpec{};
  spec.layers.insert(spec.layers.begin() + 1, batch_norm);
  const EarlyStoppingConfig stopping{.patience = 10};
  const Outcome outcome = train(population(), data, config(GetParam() == 0 ? 600 : 150, GetParam(), stopping), nullptr, 0, nullptr, spec);
  const std::size_t m = 1;
  const EarlyStopOutcome& e = *outcome.results[m].early_stop;
  ASSERT_GT(e.stopped_epoch, e.best_epoch);
  ASSERT_TRUE(e.restored);
  TrainConfig shorter = config(e.best_epoch, GetParam(), stopping);
  shorter.early_stopping.reset();
  const Outcome best = train(population().only(m), data, shorter, nullptr, 0, nullptr, spec);
  ASSERT_EQ(best.weights.size(), 4u + 2u + 3u);  // dense, batch norm, dense; running mean, variance, count
  expect_same_weights(best, outcome, m);
}

TEST_P(EarlyStopping, AMemberStopsAsItWouldAloneWhileOthersTrainOn) {
  const Data data;
  const TrainConfig train_config = config(GetParam() == 0 ? 600 : 150, GetParam(), EarlyStoppingConfig{.patience = 6});
  const Outcome together = train(population(), data, train_config);
  std::set<std::int64_t> stop_epochs;
  for (std::size_t m = 0; m < together.results.size(); ++m) {
    SCOPED_TRACE("member " + std::to_string(m));
    const Outcome alone = train(population().only(m), data, train_config);
    expect_same_weights(alone, together, m);
    EXPECT_EQ(alone.results[0].epochs_run, together.results[m].epochs_run);
    expect_same_outcome(*alone.results[0].early_stop, *together.results[m].early_stop);
    stop_epochs.insert(together.results[m].early_stop->stopped_epoch);
  }
  EXPECT_GE(stop_epochs.size(), 3u) << "members should stop at different epochs";
}

TEST_P(EarlyStopping, ResumedMidPatienceEndsTheSame) {
  const Data data;
  const TrainConfig train_config = config(GetParam() == 0 ? 600 : 150, GetParam(), EarlyStoppingConfig{.patience = 10, .smoothing = 2});
  const Outcome straight = train(population(), data, train_config);
  // A boundary where some member waits mid-patience and another has already stopped.
  std::int64_t at = -1;
  for (std::int64_t epoch = 2; epoch < train_config.epochs && at < 0; ++epoch) {
    bool waiting = false, stopped = false;
    for (const MemberResult& r : straight.results) {
      const EarlyStopOutcome& e = *r.early_stop;
      stopped = stopped || (e.stopped_epoch > 0 && e.stopped_epoch < epoch);
      waiting = waiting || (e.stopped_epoch > epoch + 1 && e.stopped_epoch - epoch < 10);
    }
    if (waiting && stopped) at = epoch;
  }
  ASSERT_GT(at, 0) << "no boundary with a member mid-patience and one stopped";
  SCOPED_TRACE("checkpoint after epoch " + std::to_string(at));
  std::unique_ptr<MemoryCheckpointer> checkpoint;
  train(population(), data, train_config, &checkpoint, at);
  ASSERT_TRUE(checkpoint->trainer.has_value());
  const Outcome resumed = train(population(), data, train_config, nullptr, 0, checkpoint.get());
  for (std::size_t m = 0; m < straight.results.size(); ++m) {
    SCOPED_TRACE("member " + std::to_string(m));
    EXPECT_EQ(straight.results[m].epochs_run, resumed.results[m].epochs_run);
    expect_same_outcome(*straight.results[m].early_stop, *resumed.results[m].early_stop);
    for (std::size_t p = 0; p < straight.weights.size(); ++p)
      EXPECT_TRUE(same_bits(straight.weights[p], resumed.weights[p].data())) << "parameter " << p;
  }
}

INSTANTIATE_TEST_SUITE_P(Batches, EarlyStopping, ::testing::Values(Index{5}, Index{0}),
                         [](const ::testing::TestParamInfo<Index>& info) { return info.param == 0 ? std::string("FullBatch") : std::string("MiniBatch"); });

TEST(EarlyStoppingHook, MonitoringAMissingSetIsRejected) {
  const Data data;
  const Population p = population().only(0);
  const std::vector<ModelSpec> specs{testing::relu_classifier(4, 8, 3)};
  const auto loss = make_loss<float>(std::vector<LossSpec>{LossSpec{.kind = LossKind::cross_entropy}});
  Sequential<float> model(specs, p.seeds, true);
  const auto optimizer = make_optimizer(p.optimizers);
  Trainer trainer(model, *loss, *optimizer, p.setups, config(3, 5, {.monitor = MonitorKind::test_loss}), SuccessConfig{});
  EXPECT_THROW(trainer.fit(TrainingData{&data.train, &data.validation, nullptr}), std::invalid_argument);
}

}  // namespace
}  // namespace nnlab
