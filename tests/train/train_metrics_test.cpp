// What the trainer reports about the training set: the network's own loss and accuracy after
// each epoch (not the running average over moving weights), per-class accuracy, the fixed
// metrics subset, and the hook contract of train/hook.hpp.
#include "train/train_metrics.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <string>

#include "core/rng.hpp"
#include "train/accuracy.hpp"
#include "train/evaluate.hpp"
#include "train/independent_data.hpp"
#include "train/trainer.hpp"

namespace nnlab {
namespace {

Dataset blobs(Index per_class, std::uint64_t seed) { return testing::blobs(per_class, seed, 3.0); }

ModelSpec classifier() { return testing::relu_classifier(4, 8, 3); }

struct Trained {
  std::vector<MemberResult> results;
  std::unique_ptr<Loss<float>> loss;
  std::unique_ptr<Sequential<float>> model;
};

Trained train(const Dataset& data, const TrainConfig& config, std::vector<std::uint64_t> seeds, double lr,
          std::span<TrainingHook* const> hooks = {}) {
  Trained run;
  const std::vector<ModelSpec> specs(seeds.size(), classifier());
  const std::vector<LossSpec> losses(seeds.size(), LossSpec{.kind = LossKind::cross_entropy});
  OptimizerOptions sgd = defaults_for(OptimizerKind::sgd);
  sgd.lr = lr;
  const std::vector<OptimizerOptions> optimizers(seeds.size(), sgd);
  std::vector<MemberSetup> setups;
  for (const auto seed : seeds) setups.push_back(MemberSetup{.seed = seed, .base_lr = lr});
  run.loss = make_loss<float>(losses);
  run.model = std::make_unique<Sequential<float>>(specs, seeds, true);
  const auto optimizer = make_optimizer(optimizers);
  Trainer trainer(*run.model, *run.loss, *optimizer, setups, config, {});
  run.results = trainer.fit(TrainingData{&data, nullptr, nullptr}, FitOptions{.hooks = hooks});
  return run;
}

// Member m's predictions on the given rows, one example at a time through the model, argmax by
// hand: an evaluation that shares nothing with the trainer's measuring code but the forward.
struct HandEvaluation {
  double accuracy = 0, loss = 0;
  std::vector<double> class_accuracy;
};
HandEvaluation evaluate_by_hand(Sequential<float>& model, Index member, const Dataset& data, const std::vector<Index>& rows) {
  std::vector<Index> hits(3, 0), counts(3, 0);
  double loss = 0;
  for (const Index row : rows) {
    Tensor x({1, 1, 4});
    std::copy_n(data.inputs.data() + row * 4, 4, x.data());
    const Tensor& out = model.forward(x, ForwardContext{.mode = Mode::eval});
    const float* z = out.slice(member);
    const auto label = static_cast<std::size_t>(data.labels[static_cast<std::size_t>(row)]);
    const auto predicted = static_cast<std::size_t>(std::max_element(z, z + 3) - z);
    ++counts[label];
    hits[label] += predicted == label;
    double sum = 0;
    for (int c = 0; c < 3; ++c) sum += std::exp(static_cast<double>(z[c]));
    loss += std::log(sum) - z[label];
  }
  HandEvaluation result;
  Index correct = 0;
  for (int k = 0; k < 3; ++k) {
    correct += hits[static_cast<std::size_t>(k)];
    result.class_accuracy.push_back(static_cast<double>(hits[static_cast<std::size_t>(k)]) / static_cast<double>(counts[static_cast<std::size_t>(k)]));
  }
  result.accuracy = static_cast<double>(correct) / static_cast<double>(rows.size());
  result.loss = loss / static_cast<double>(rows.size());
  return result;
}

std::vector<Index> all_rows(const Dataset& data) {
  std::vector<Index> rows(static_cast<std::size_t>(data.size()));
  for (Index i = 0; i < data.size(); ++i) rows[static_cast<std::size_t>(i)] = i;
  return rows;
}

// Seed 004's sorted-labels study: online learning over class-sorted data forgets all but the
// last class by the end of each epoch. The running average hides that; the exact metric shows it.
TEST(TrainMetrics, SortedOnlineTrainAccuracyIsTheNetworksNotTheRunningAverage) {
  const Dataset data = blobs(60, 5);
  const TrainConfig config{.epochs = 3, .batch = 1, .order = OrderKind::sorted, .log_every = 1};
  Trained run = train(data, config, {7}, 0.5);
  const EpochMetrics& last = run.results[0].final_metrics;
  const HandEvaluation truth = evaluate_by_hand(*run.model, 0, data, all_rows(data));
  EXPECT_EQ(last.train_accuracy, truth.accuracy);
  EXPECT_NEAR(last.train_loss, truth.loss, 1e-5 * std::max(1.0, truth.loss));
  ASSERT_EQ(last.train_class_accuracy.size(), 3u);
  for (std::size_t k = 0; k < 3; ++k) EXPECT_EQ(last.train_class_accuracy[k], truth.class_accuracy[k]) << "class " << k;
  // Forgetting: the last class seen is recalled, the first is not; the running average, taken
  // while each class was being learned, looks far better than the network is.
  EXPECT_GT(last.train_class_accuracy[2], 0.9);
  EXPECT_LT(last.train_class_accuracy[0], 0.5);
  EXPECT_GT(last.train_accuracy_running, last.train_accuracy + 0.2);
}

TEST(TrainMetrics, ShuffledMiniBatchesKeepBothAndTheirWeightedClassesAddUp) {
  const Dataset data = blobs(40, 6);
  const TrainConfig config{.epochs = 2, .batch = 8, .order = OrderKind::shuffled, .log_every = 1, .keep_history = true};
  Trained run = train(data, config, {3}, 0.05);
  const MemberResult& result = run.results[0];
  ASSERT_EQ(result.history.size(), 3u);
  EXPECT_TRUE(std::isnan(result.history[0].train_loss_running));  // epoch 0: no batches yet
  for (const EpochMetrics& e : result.history) {
    // Σ_k n_k acc_k / N = acc, with n_k = 40 for every class.
    ASSERT_EQ(e.train_class_accuracy.size(), 3u);
    const double mean = (e.train_class_accuracy[0] + e.train_class_accuracy[1] + e.train_class_accuracy[2]) / 3;
    EXPECT_NEAR(mean, e.train_accuracy, 1e-12) << "epoch " << e.epoch;
  }
  const HandEvaluation truth = evaluate_by_hand(*run.model, 0, data, all_rows(data));
  EXPECT_EQ(result.final_metrics.train_accuracy, truth.accuracy);
  EXPECT_FALSE(std::isnan(result.final_metrics.train_loss_running));
  EXPECT_NE(result.final_metrics.train_loss_running, result.final_metrics.train_loss);
  EXPECT_EQ(result.final_metrics.updates, 2.0 * 15);  // 120 examples in batches of 8, two epochs
  EXPECT_GT(result.final_metrics.epoch_seconds, 0.0);
}

TEST(TrainMetrics, SubsetIsFixedSortedAndTheSameForEveryone) {
  const std::vector<Index> rows = metrics_rows(1000, 100);
  ASSERT_EQ(rows.size(), 100u);
  EXPECT_TRUE(std::is_sorted(rows.begin(), rows.end()));
  EXPECT_EQ(std::set<Index>(rows.begin(), rows.end()).size(), 100u);
  EXPECT_GE(rows.front(), 0);
  EXPECT_LT(rows.back(), 1000);
  EXPECT_EQ(metrics_rows(1000, 100), rows);
  EXPECT_GT(rows.back() - rows.front(), 500);  // spread over the set, not its first rows
  EXPECT_TRUE(metrics_rows(1000, 0).empty());     // all rows
  EXPECT_TRUE(metrics_rows(1000, 1000).empty());

  const Dataset data = blobs(50, 8);
  const TrainConfig config{.epochs = 2, .batch = 10, .order = OrderKind::shuffled, .log_every = 1, .metrics_subset = 30};
  Trained run = train(data, config, {4, 9}, 0.05);
  const std::vector<Index> subset = metrics_rows(150, 30);
  for (Index m = 0; m < 2; ++m) {
    const HandEvaluation truth = evaluate_by_hand(*run.model, m, data, subset);
    EXPECT_EQ(run.results[static_cast<std::size_t>(m)].final_metrics.train_accuracy, truth.accuracy) << "member " << m;
  }
}

// evaluate() over every row reads the data set in place; over a subset it gathers. In chunks of
// 128 rows, by either path, a member gets what one example at a time gives, in any population.
TEST(Evaluate, ChunksViewsAndGathersAgreeWithOneExampleAtATime) {
  const Dataset data = blobs(200, 5);  // 600 rows: 5 chunks of 128 (the last one 88)
  const Tensor targets = encode_targets(data, 3);
  const std::vector<ModelSpec> three(3, classifier());
  const std::vector<std::uint64_t> seeds{21, 22, 23};
  Sequential<float> model(three, seeds, true);
  const std::vector<LossSpec> losses(3, LossSpec{.kind = LossKind::cross_entropy});
  const auto loss = make_loss<float>(losses);
  const std::vector<Index> rows = all_rows(data);
  Batch buffers;
  const Evaluation viewed = evaluate(model, *loss, data, targets, {.chunk_rows = 128});
  const Evaluation gathered = evaluate(model, *loss, data, targets, {.rows = rows, .buffers = &buffers, .chunk_rows = 128});
  const Evaluation again = evaluate(model, *loss, data, targets, {.rows = rows, .buffers = &buffers, .chunk_rows = 128});
  const Evaluation whole = evaluate(model, *loss, data, targets);  // one chunk of 600
  EXPECT_EQ(viewed.loss, gathered.loss);
  EXPECT_EQ(viewed.accuracy, gathered.accuracy);
  EXPECT_EQ(viewed.class_correct, gathered.class_correct);
  EXPECT_EQ(again.loss, gathered.loss);
  EXPECT_EQ(viewed.class_totals, (std::vector<std::int64_t>{200, 200, 200}));
  for (Index m = 0; m < 3; ++m) {
    const auto i = static_cast<std::size_t>(m);
    const HandEvaluation truth = evaluate_by_hand(model, m, data, rows);
    EXPECT_EQ(viewed.accuracy[i], truth.accuracy) << "member " << m;
    EXPECT_EQ(whole.accuracy[i], truth.accuracy) << "member " << m;
    EXPECT_NEAR(viewed.loss[i], truth.loss, 1e-6 * truth.loss) << "member " << m;
    EXPECT_NEAR(whole.loss[i], truth.loss, 1e-6 * truth.loss) << "member " << m;
  }
  // Member 1 alone: the same floats (the chunks do not depend on the population).
  const std::vector<ModelSpec> one(1, classifier());
  const std::vector<std::uint64_t> seed{22};
  Sequential<float> alone(one, seed, true);
  const std::vector<LossSpec> one_loss(1, LossSpec{.kind = LossKind::cross_entropy});
  const Evaluation single = evaluate(alone, *make_loss<float>(one_loss), data, targets, {.chunk_rows = 128});
  EXPECT_EQ(single.loss[0], viewed.loss[1]);
  EXPECT_EQ(single.accuracy[0], viewed.accuracy[1]);
}

TEST(Evaluate, ChunkRowsFollowTheWidestLayerOnly) {
  EXPECT_EQ(evaluation_chunk_rows(10, 60'000), 4096);
  EXPECT_EQ(evaluation_chunk_rows(300, 60'000), 2048);   // 4,096 x 300 > 4 Mi; 2,048 x 300 fits
  EXPECT_EQ(evaluation_chunk_rows(300, 1'000), 1000);    // never more than the set
  EXPECT_EQ(evaluation_chunk_rows(100'000, 60'000), 256);  // never fewer than 256
  EXPECT_EQ(evaluation_chunk_rows(10, 0), 1);
}

TEST(TrainMetrics, EveryNewMetricIsPopulationInvariant) {
  const Dataset data = blobs(30, 2);
  const TrainConfig config{.epochs = 3, .batch = 7, .order = OrderKind::shuffled, .log_every = 1, .metrics_subset = 50,
                           .keep_history = true};
  const Trained together = train(data, config, {11, 12, 13}, 0.1);
  const Trained alone = train(data, config, {12}, 0.1);
  const auto same = [](double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; };
  ASSERT_EQ(together.results[1].history.size(), alone.results[0].history.size());
  for (std::size_t i = 0; i < alone.results[0].history.size(); ++i) {
    const EpochMetrics& a = together.results[1].history[i];
    const EpochMetrics& b = alone.results[0].history[i];
    EXPECT_TRUE(same(a.train_loss, b.train_loss));
    EXPECT_TRUE(same(a.train_accuracy, b.train_accuracy));
    EXPECT_TRUE(same(a.train_loss_running, b.train_loss_running));
    EXPECT_TRUE(same(a.train_accuracy_running, b.train_accuracy_running));
    EXPECT_EQ(a.train_class_accuracy, b.train_class_accuracy);
    ASSERT_EQ(a.layers.size(), b.layers.size());
    for (std::size_t l = 0; l < a.layers.size(); ++l) {
      EXPECT_TRUE(same(a.layers[l].activation_mean, b.layers[l].activation_mean));
      EXPECT_TRUE(same(a.layers[l].activation_std, b.layers[l].activation_std));
    }
  }
}

TEST(TrainMetrics, CountsPerClassByHand) {
  // Two members, four examples, three classes; member 0 predicts 0, 1, 1, 2; member 1 predicts 2, 2, 2, 2.
  Tensor output({2, 4, 3}, {1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 1,  //
                            0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1});
  const std::vector<std::int32_t> labels{0, 1, 2, 2};
  std::vector<std::int64_t> correct(6, 0), totals(3, 0);
  count_correct_per_class(output, labels, 3, correct);
  count_per_class(labels, 3, totals);
  EXPECT_EQ(correct, (std::vector<std::int64_t>{1, 1, 1, 0, 0, 2}));
  EXPECT_EQ(totals, (std::vector<std::int64_t>{1, 1, 2}));
  std::vector<double> accuracy;
  class_accuracies(correct, totals, 3, 0, accuracy);
  EXPECT_EQ(accuracy, (std::vector<double>{1.0, 1.0, 0.5}));
  class_accuracies(correct, totals, 3, 1, accuracy);
  EXPECT_EQ(accuracy, (std::vector<double>{0.0, 0.0, 1.0}));
  const std::vector<std::int64_t> no_examples{0, 1, 2};
  class_accuracies(correct, no_examples, 3, 0, accuracy);
  EXPECT_TRUE(std::isnan(accuracy[0]));
}

// Writes down every event it sees, as "name:epoch" (batch events for batch 0 only).
class EventLog final : public TrainingHook {
 public:
  std::vector<std::string> events;
  void on_fit_begin(TrainingContext&) override { events.push_back("fit_begin"); }
  void on_epoch_begin(TrainingContext&, std::int64_t e) override { events.push_back("epoch_begin:" + std::to_string(e)); }
  void on_batch_loss(TrainingContext&, std::int64_t e, Index b, const Batch&, const Tensor&, std::span<const double>) override {
    if (b == 0) events.push_back("batch_loss:" + std::to_string(e));
  }
  void on_gradients(TrainingContext&, std::int64_t e, Index b) override {
    if (b == 0) events.push_back("gradients:" + std::to_string(e));
  }
  void on_step_end(TrainingContext&, std::int64_t e, Index b) override {
    if (b == 0) events.push_back("step_end:" + std::to_string(e));
  }
  void on_epoch_end(TrainingContext& ctx, std::int64_t e, bool last) override {
    // Measuring and outcome hooks ran first: the record of this epoch is complete.
    EXPECT_EQ(ctx.state.current[0].epoch, e);
    EXPECT_FALSE(std::isnan(ctx.state.current[0].train_loss));
    events.push_back("epoch_end:" + std::to_string(e) + (last ? " last" : ""));
  }
  void on_epochs_done(TrainingContext&, std::int64_t e) override { events.push_back("epochs_done:" + std::to_string(e)); }
  void on_fit_end(TrainingContext&) override { events.push_back("fit_end"); }
};

TEST(TrainingHooks, MiniBatchEventsComeInTheDocumentedOrder) {
  const Dataset data = blobs(10, 1);
  EventLog log;
  TrainingHook* hooks[] = {&log};
  train(data, TrainConfig{.epochs = 2, .batch = 10, .order = OrderKind::fixed}, {1}, 0.1, hooks);
  const std::vector<std::string> expected{"fit_begin",    "epoch_end:0",   "epoch_begin:1", "batch_loss:1",  "gradients:1",
                                          "step_end:1",   "epoch_end:1",   "epoch_begin:2", "batch_loss:2",  "gradients:2",
                                          "step_end:2",   "epoch_end:2 last", "epochs_done:2", "fit_end"};
  EXPECT_EQ(log.events, expected);
}

TEST(TrainingHooks, FullBatchEpochsEndAtTheNextForward) {
  const Dataset data = blobs(10, 1);
  EventLog log;
  TrainingHook* hooks[] = {&log};
  train(data, TrainConfig{.epochs = 2, .batch = 0, .order = OrderKind::fixed}, {1}, 0.1, hooks);
  const std::vector<std::string> expected{"fit_begin",   "epoch_begin:1", "batch_loss:1",  "epoch_end:0",  "gradients:1",
                                          "step_end:1",  "epoch_begin:2", "batch_loss:2",  "epoch_end:1",  "gradients:2",
                                          "step_end:2",  "epochs_done:2", "batch_loss:3",  "epoch_end:2 last", "fit_end"};
  EXPECT_EQ(log.events, expected);
}

}  // namespace
}  // namespace nnlab

namespace nnlab {
namespace {

// The auto stride keeps about 50,000 points per metric: the documented cases, and products of
// epochs and members past 2^63 (signed overflow before: issue 9, item 8) give a sane stride.
TEST(LogEvery, AutoKeepsAboutFiftyThousandPointsAndNeverOverflows) {
  EXPECT_EQ(resolved_log_every(7, 1'000'000, 1'000), 7);
  EXPECT_EQ(resolved_log_every(0, 10, 5), 1);
  EXPECT_EQ(resolved_log_every(0, 1425, 100), 3);
  EXPECT_EQ(resolved_log_every(0, 1425, 1000), 29);
  EXPECT_EQ(resolved_log_every(0, 50'000, 1), 1);
  EXPECT_EQ(resolved_log_every(0, 50'001, 1), 2);
  constexpr std::int64_t huge = std::numeric_limits<std::int64_t>::max() / 2;
  const std::int64_t stride = resolved_log_every(0, huge, 1000);
  EXPECT_GT(stride, std::int64_t{1} << 50);  // ≈ huge · 1000 / 50,000
  EXPECT_LE(stride, huge);
  EXPECT_EQ(resolved_log_every(0, huge, huge), huge);  // at most one recorded epoch apart from the ends
}

}  // namespace
}  // namespace nnlab
