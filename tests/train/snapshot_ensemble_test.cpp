// Snapshot ensembles in the trainer (train/snapshot_ensemble.hpp): each member steps with the
// paper's rate, keeps its weights at the end of every cycle (mid-epoch too), and its ensemble
// accuracies equal a hand computation from those weights loaded into models of their own (softmax
// averaged in double, argmax); a member alone and in a mixed population gives the same bits; a
// checkpoint between cycles resumes to the same end; bad set-ups are refused.
#include "train/snapshot_ensemble.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <memory>
#include <numbers>

#include "train/blob_population.hpp"

namespace nnlab {
namespace {

using testing::MemoryCheckpointer;

using Population = testing::BlobPopulation;

Population population() { return testing::momentum_population(); }

struct Data {
  Dataset train = testing::blobs(10, 1, 1.5);  // 30 examples: batches of 7 make 5 per epoch
  Dataset test = testing::blobs(200, 2, 1.5);
};

// What the trainer kept and did, seen by a hook after the snapshot hook.
class Watcher final : public TrainingHook {
 public:
  void on_step_end(TrainingContext& ctx, std::int64_t /*epoch*/, Index /*batch*/) override {
    rates.push_back(ctx.state.last_step_rate);
    steps.push_back(ctx.state.step);
    if (std::find(capture_at.begin(), capture_at.end(), ctx.state.step) == capture_at.end()) return;
    std::vector<Tensor> weights;
    for (Tensor* tensor : weight_tensors(ctx)) weights.push_back(*tensor);
    captured.push_back(std::move(weights));
  }
  void on_fit_end(TrainingContext& ctx) override { kept = ctx.state.snapshots; }
  std::vector<std::int64_t> capture_at;
  std::vector<std::vector<double>> rates;      // per step, per member
  std::vector<std::int64_t> steps;
  std::vector<std::vector<Tensor>> captured;   // the weights after the steps in capture_at
  std::vector<std::vector<Tensor>> kept;       // the trainer's snapshots at the end
};

struct Outcome {
  std::vector<MemberResult> results;
  std::vector<Tensor> weights;
  Watcher watcher;
};

const ModelSpec spec = testing::relu_classifier(4, 16, 3);

Outcome train(const Population& p, const Data& data, const TrainConfig& config, std::vector<std::int64_t> capture_at = {},
              std::unique_ptr<MemoryCheckpointer>* keep = nullptr, std::int64_t checkpoint_at = 0, const MemoryCheckpointer* resume_from = nullptr) {
  Outcome outcome;
  outcome.watcher.capture_at = std::move(capture_at);
  TrainingHook* const hooks[] = {&outcome.watcher};
  testing::BlobRun run = testing::train_population(p, TrainingData{&data.train, nullptr, &data.test}, config, spec, nullptr, hooks, keep,
                                                   checkpoint_at, resume_from);
  outcome.results = std::move(run.results);
  outcome.weights = std::move(run.weights);
  return outcome;
}

// 20 epochs of 5 batches: T = 100 steps, M = 3 cycles of ceil(100 / 3) = 34 (the last 32), ending
// mid-epoch at steps 34 and 68.
TrainConfig config() {
  return TrainConfig{.epochs = 20, .batch = 7, .order = OrderKind::shuffled, .snapshot_ensemble = SnapshotEnsembleConfig{.cycles = 3}};
}

bool same_bits(const float* a, const float* b, Index size) { return std::memcmp(a, b, static_cast<std::size_t>(size) * sizeof(float)) == 0; }

// The paper's rate (Huang et al. 2017, eq. 2) at its iteration t = 1, 2, ...
double paper_rate(double alpha0, std::int64_t t, std::int64_t total, std::int64_t cycles) {
  const auto period = static_cast<std::int64_t>(std::ceil(static_cast<double>(total) / static_cast<double>(cycles)));
  return alpha0 / 2 * (std::cos(std::numbers::pi * static_cast<double>((t - 1) % period) / static_cast<double>(period)) + 1);
}

// Member m's test-set accuracy of its last n snapshots' softmax average, computed apart from the
// hook: each snapshot in a one-member model of its own, the softmax by hand in double.
std::vector<double> hand_ensemble(const Data& data, const std::vector<std::vector<Tensor>>& snapshots, const Population& p, std::size_t m,
                                  bool single) {
  const Index n = data.test.size(), classes = 3;
  std::vector<std::vector<double>> probabilities;  // per snapshot, [n * classes]
  for (const std::vector<Tensor>& snapshot : snapshots) {
    const std::vector<ModelSpec> specs{spec};
    const std::vector<std::uint64_t> seeds{p.seeds[m]};
    Sequential<float> alone(specs, seeds, true);
    auto parameters = alone.parameters();
    for (std::size_t i = 0; i < parameters.size(); ++i)
      std::copy_n(snapshot[i].slice(static_cast<Index>(m)), parameters[i].value->size(), parameters[i].value->data());
    const Tensor inputs = Tensor::view({1, n, 4}, data.test.inputs.data());
    const Tensor& logits = alone.forward(inputs, ForwardContext{.mode = Mode::eval});
    std::vector<double> probability(static_cast<std::size_t>(n * classes));
    for (Index b = 0; b < n; ++b) {
      double total = 0;
      for (Index c = 0; c < classes; ++c) total += std::exp(static_cast<double>(logits[b * classes + c]));
      for (Index c = 0; c < classes; ++c) probability[static_cast<std::size_t>(b * classes + c)] = std::exp(static_cast<double>(logits[b * classes + c])) / total;
    }
    probabilities.push_back(std::move(probability));
  }
  std::vector<double> accuracy;
  const std::size_t count = probabilities.size();
  for (std::size_t j = 1; j <= count; ++j) {
    // single: snapshot j alone; else the last j snapshots' average.
    const std::size_t first = single ? j - 1 : count - j, last = single ? j : count;
    Index correct = 0;
    for (Index b = 0; b < n; ++b) {
      int best = 0;
      double best_value = -1;
      for (int c = 0; c < classes; ++c) {
        double mean = 0;
        for (std::size_t k = first; k < last; ++k) mean += probabilities[k][static_cast<std::size_t>(b * classes + c)];
        mean /= static_cast<double>(last - first);
        if (mean > best_value) best_value = mean, best = c;
      }
      correct += best == data.test.labels[static_cast<std::size_t>(b)];
    }
    accuracy.push_back(static_cast<double>(correct) / static_cast<double>(n));
  }
  return accuracy;
}

TEST(SnapshotEnsemble, StepsWithThePapersRateAndKeepsEachCyclesFinalWeights) {
  const Data data;
  const Population p = population();
  const Outcome outcome = train(p, data, config(), {34, 68, 100});
  ASSERT_EQ(outcome.watcher.steps.size(), 100u);
  for (std::size_t s = 0; s < outcome.watcher.steps.size(); ++s)
    for (std::size_t m = 0; m < p.seeds.size(); ++m)
      ASSERT_NEAR(outcome.watcher.rates[s][m], paper_rate(p.setups[m].base_lr, outcome.watcher.steps[s], 100, 3), 1e-16) << "step " << s;
  ASSERT_EQ(outcome.watcher.kept.size(), 3u);
  ASSERT_EQ(outcome.watcher.captured.size(), 3u);
  for (std::size_t k = 0; k < 3; ++k)
    for (std::size_t t = 0; t < outcome.watcher.kept[k].size(); ++t)
      EXPECT_TRUE(same_bits(outcome.watcher.kept[k][t].data(), outcome.watcher.captured[k][t].data(), outcome.watcher.kept[k][t].size()))
          << "snapshot " << k << ", tensor " << t;
  for (const MemberResult& result : outcome.results) {
    ASSERT_TRUE(result.snapshot_ensemble.has_value());
    EXPECT_EQ(result.snapshot_ensemble->steps, (std::vector<std::int64_t>{34, 68, 100}));
    EXPECT_TRUE(result.snapshot_ensemble->on_test);
    EXPECT_EQ(result.snapshot_ensemble->cycles, 3);
    // The last snapshot is the final model: alone it has the final test accuracy.
    EXPECT_EQ(result.snapshot_ensemble->single_accuracy.back(), result.final_metrics.test_accuracy);
  }
}

TEST(SnapshotEnsemble, EnsembleAccuracyEqualsAHandComputationFromTheSnapshots) {
  const Data data;
  const Population p = population();
  const Outcome outcome = train(p, data, config());
  bool differs = false;
  for (std::size_t m = 0; m < p.seeds.size(); ++m) {
    SCOPED_TRACE("member " + std::to_string(m));
    const SnapshotEnsembleOutcome& e = *outcome.results[m].snapshot_ensemble;
    EXPECT_EQ(e.ensemble_accuracy, hand_ensemble(data, outcome.watcher.kept, p, m, false));
    EXPECT_EQ(e.single_accuracy, hand_ensemble(data, outcome.watcher.kept, p, m, true));
    EXPECT_EQ(e.ensemble_accuracy.front(), e.single_accuracy.back());
    differs = differs || e.ensemble_accuracy.back() != e.single_accuracy.back();
  }
  EXPECT_TRUE(differs) << "an ensemble of three should classify some example differently than its last snapshot";
  // The hook put the final weights back after evaluating the snapshots.
  for (std::size_t t = 0; t < outcome.weights.size(); ++t)
    EXPECT_TRUE(same_bits(outcome.weights[t].data(), outcome.watcher.kept.back()[t].data(), outcome.weights[t].size()));
}

void expect_same(const SnapshotEnsembleOutcome& a, const SnapshotEnsembleOutcome& b) {
  EXPECT_EQ(a.steps, b.steps);
  ASSERT_EQ(a.ensemble_accuracy.size(), b.ensemble_accuracy.size());
  for (std::size_t k = 0; k < a.ensemble_accuracy.size(); ++k) {
    EXPECT_EQ(std::bit_cast<std::uint64_t>(a.ensemble_accuracy[k]), std::bit_cast<std::uint64_t>(b.ensemble_accuracy[k]));
    EXPECT_EQ(std::bit_cast<std::uint64_t>(a.single_accuracy[k]), std::bit_cast<std::uint64_t>(b.single_accuracy[k]));
  }
}

TEST(SnapshotEnsemble, AMemberAloneAndInAMixedPopulationKeepsTheSameSnapshotsAndNumbers) {
  const Data data;
  const Population p = population();
  const Outcome together = train(p, data, config());
  for (std::size_t m = 0; m < p.seeds.size(); ++m) {
    SCOPED_TRACE("member " + std::to_string(m));
    const Outcome alone = train(p.only(m), data, config());
    expect_same(*alone.results[0].snapshot_ensemble, *together.results[m].snapshot_ensemble);
    for (std::size_t k = 0; k < together.watcher.kept.size(); ++k)
      for (std::size_t t = 0; t < together.watcher.kept[k].size(); ++t) {
        const Tensor& mine = alone.watcher.kept[k][t];
        EXPECT_TRUE(same_bits(mine.data(), together.watcher.kept[k][t].slice(static_cast<Index>(m)), mine.size())) << "snapshot " << k;
      }
  }
}

// A checkpoint after epoch 10 (step 50: one snapshot kept, the second cycle half done) resumes to
// the uninterrupted run's snapshots, numbers and weights.
TEST(SnapshotEnsemble, ACheckpointBetweenCyclesResumesBitIdentical) {
  const Data data;
  const Population p = population();
  const Outcome uninterrupted = train(p, data, config());
  std::unique_ptr<MemoryCheckpointer> checkpoint;
  train(p, data, config(), {}, &checkpoint, 10);
  ASSERT_TRUE(checkpoint && checkpoint->trainer);
  ASSERT_EQ(checkpoint->trainer->snapshots.size(), 1u);
  EXPECT_EQ(checkpoint->trainer->snapshot_counts, std::vector<std::int64_t>(4, 1));
  const Outcome resumed = train(p, data, config(), {}, nullptr, 0, checkpoint.get());
  for (std::size_t m = 0; m < p.seeds.size(); ++m) expect_same(*resumed.results[m].snapshot_ensemble, *uninterrupted.results[m].snapshot_ensemble);
  for (std::size_t t = 0; t < resumed.weights.size(); ++t)
    EXPECT_TRUE(same_bits(resumed.weights[t].data(), uninterrupted.weights[t].data(), resumed.weights[t].size()));
}

TEST(SnapshotEnsemble, RefusesSetUpsItCannotServe) {
  const Data data;
  Population p = population().only(0);
  const auto loss = make_loss<float>(std::vector<LossSpec>(1, LossSpec{.kind = LossKind::cross_entropy}));
  Sequential<float> model(std::vector<ModelSpec>{spec}, p.seeds, true);
  const auto optimizer = make_optimizer(p.optimizers);
  const auto message = [&](const TrainConfig& train_config, const TrainingData& sets, const std::vector<MemberSetup>& setups) {
    try {
      Trainer(model, *loss, *optimizer, setups, train_config, SuccessConfig{}).fit(sets);
    } catch (const std::invalid_argument& error) {
      return std::string(error.what());
    }
    return std::string("(no error)");
  };
  const TrainingData with_test{&data.train, nullptr, &data.test};
  EXPECT_NE(message(config(), TrainingData{&data.train, nullptr, nullptr}, p.setups).find("needs a test or validation set"), std::string::npos);
  TrainConfig too_many = config();
  too_many.snapshot_ensemble->cycles = 101;
  EXPECT_NE(message(too_many, with_test, p.setups).find("train.snapshot_ensemble.cycles: must be <= the 100 steps"), std::string::npos);
  std::vector<MemberSetup> scheduled = p.setups;
  scheduled[0].schedule = ScheduleSpec{.kind = ScheduleKind::cosine, .period = 10};
  EXPECT_NE(message(config(), with_test, scheduled).find("a cosine schedule cannot go with it"), std::string::npos);
  TrainConfig restoring = config();
  restoring.early_stopping = EarlyStoppingConfig{.monitor = MonitorKind::test_loss, .restore_best = true};
  EXPECT_THROW(Trainer(model, *loss, *optimizer, p.setups, restoring, SuccessConfig{}), std::invalid_argument);
}

}  // namespace
}  // namespace nnlab
