// The reduce_on_plateau schedule in the trainer (train/plateau.hpp) on a net that over-fits 30
// blob examples: each member's rates are ReduceLROnPlateau's fold over the metric series the
// observers saw; a member trains bit for bit as it does alone among members with other plateau
// settings (and other schedules); and a checkpoint taken mid-patience resumes to the same end.
#include "train/plateau.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <memory>

#include "train/early_stopping.hpp"
#include "train/blob_population.hpp"
#include "train/trainer.hpp"

namespace nnlab {
namespace {

using testing::MemoryCheckpointer;

// Each member's metrics per epoch, as observers saw them.
class Log final : public TrainObserver {
 public:
  void on_epoch_end(std::int64_t epoch, std::span<const EpochMetrics> metrics, std::span<const std::uint8_t> /*active*/) override {
    for (std::size_t m = 0; m < metrics.size(); ++m) by_member[m][epoch] = metrics[m];
  }
  std::map<std::size_t, std::map<std::int64_t, EpochMetrics>> by_member;
};

ScheduleSpec plateau(MonitorKind monitor, PlateauMode mode, double factor, std::int64_t patience, double threshold = 1e-4,
                     ThresholdMode threshold_mode = ThresholdMode::rel, std::int64_t cooldown = 0, double min_lr = 0.0) {
  ScheduleSpec s{.kind = ScheduleKind::reduce_on_plateau};
  s.monitor = monitor;
  s.plateau = PlateauRule{.mode = mode, .factor = factor, .patience = patience, .threshold = threshold, .threshold_mode = threshold_mode,
                         .cooldown = cooldown, .min_lr = min_lr};
  return s;
}

using Population = testing::BlobPopulation;
using Data = testing::BlobData;

// SGD with momentum on a 4-64-3 ReLU net, members with different plateau settings, one on a
// step schedule and one on a constant rate.
Population population() {
  const std::vector<ScheduleSpec> schedules{
      plateau(MonitorKind::validation_loss, PlateauMode::min, 0.5, 3),
      plateau(MonitorKind::validation_loss, PlateauMode::min, 0.3, 1, 0.01, ThresholdMode::abs, 2),
      plateau(MonitorKind::validation_accuracy, PlateauMode::max, 0.5, 2, 1e-3, ThresholdMode::rel, 0, 0.02),
      plateau(MonitorKind::train_loss, PlateauMode::min, 0.1, 0, 1e-4, ThresholdMode::rel, 1),
      ScheduleSpec{.kind = ScheduleKind::step, .step_size = 5},
      ScheduleSpec{},
      plateau(MonitorKind::train_accuracy, PlateauMode::max, 0.7, 4, 0.0, ThresholdMode::abs),
  };
  Population p;
  for (std::size_t m = 0; m < schedules.size(); ++m) {
    OptimizerOptions sgd = defaults_for(OptimizerKind::sgd);
    sgd.lr = std::vector<double>{0.05, 0.1, 0.2}[m % 3];
    sgd.momentum = 0.9;
    p.seeds.push_back(40 + m);
    p.optimizers.push_back(sgd);
    p.setups.push_back(MemberSetup{.seed = p.seeds.back(), .base_lr = sgd.lr, .schedule = schedules[m]});
  }
  return p;
}

struct Outcome {
  std::vector<MemberResult> results;
  std::vector<Tensor> weights;
  Log log;
};

Outcome train(const Population& p, const Data& data, const TrainConfig& config, std::unique_ptr<MemoryCheckpointer>* keep = nullptr,
              std::int64_t checkpoint_at = 0, const MemoryCheckpointer* resume_from = nullptr) {
  Outcome outcome;
  testing::BlobRun run = testing::train_blobs(p, data, config, &outcome.log, keep, checkpoint_at, resume_from);
  outcome.results = std::move(run.results);
  outcome.weights = std::move(run.weights);
  return outcome;
}

bool same_bits(const Tensor& a, const float* b) { return std::memcmp(a.data(), b, static_cast<std::size_t>(a.size()) * sizeof(float)) == 0; }

// Mini-batches and full batch: the two places an epoch ends (after its steps, or inside the next forward).
class PlateauTrainer : public ::testing::TestWithParam<Index> {};

TrainConfig config(Index batch) { return TrainConfig{.epochs = batch == 0 ? 120 : 40, .batch = batch, .order = OrderKind::shuffled}; }

// The rate epoch e trains with is the fold's after epochs 1 .. e − 1 of the series observers saw.
TEST_P(PlateauTrainer, RatesAreTheFoldOverTheObservedMetric) {
  const Data data;
  const Population p = population();
  const Outcome outcome = train(p, data, config(GetParam()));
  int reduced = 0;
  for (std::size_t m = 0; m < p.setups.size(); ++m) {
    const ScheduleSpec& schedule = p.setups[m].schedule;
    if (schedule.kind != ScheduleKind::reduce_on_plateau) continue;
    SCOPED_TRACE("member " + std::to_string(m));
    const PlateauRule& rule = schedule.plateau;
    PlateauState state = plateau_start(rule, p.setups[m].base_lr);
    const auto& epochs = outcome.log.by_member.at(m);
    for (const auto& [epoch, metrics] : epochs) {
      if (epoch == 0) continue;
      EXPECT_EQ(metrics.learning_rate, state.rate) << "epoch " << epoch;  // the last step of the epoch
      plateau_step(rule, state, epoch, monitored_value(schedule.monitor, metrics));
    }
    reduced += state.rate < p.setups[m].base_lr;
  }
  EXPECT_GE(reduced, 3) << "most plateau members should have lowered their rate";
}

TEST_P(PlateauTrainer, EachMemberTrainsAsItDoesAlone) {
  const Data data;
  const Population p = population();
  const Outcome together = train(p, data, config(GetParam()));
  for (std::size_t m = 0; m < p.setups.size(); ++m) {
    SCOPED_TRACE("member " + std::to_string(m));
    const Outcome alone = train(p.only(m), data, config(GetParam()));
    ASSERT_EQ(alone.weights.size(), together.weights.size());
    for (std::size_t w = 0; w < alone.weights.size(); ++w)
      EXPECT_TRUE(same_bits(alone.weights[w], together.weights[w].slice(static_cast<Index>(m)))) << "parameter " << w;
    EXPECT_EQ(alone.results[0].final_metrics.learning_rate, together.results[m].final_metrics.learning_rate);
  }
}

TEST_P(PlateauTrainer, ResumedMidPatienceEndsTheSame) {
  const Data data;
  const Population p = population();
  const TrainConfig train_config = config(GetParam());
  const Outcome straight = train(p, data, train_config);
  for (const std::int64_t at : {std::int64_t{7}, train_config.epochs / 2 + 1}) {
    SCOPED_TRACE("checkpoint after epoch " + std::to_string(at));
    std::unique_ptr<MemoryCheckpointer> checkpoint;
    train(p, data, train_config, &checkpoint, at);
    ASSERT_TRUE(checkpoint->trainer.has_value());
    ASSERT_EQ(checkpoint->trainer->plateau.size(), p.setups.size());
    const Outcome resumed = train(p, data, train_config, nullptr, 0, checkpoint.get());
    for (std::size_t w = 0; w < straight.weights.size(); ++w)
      EXPECT_TRUE(same_bits(straight.weights[w], resumed.weights[w].data())) << "parameter " << w;
    for (std::size_t m = 0; m < p.setups.size(); ++m)
      EXPECT_EQ(straight.results[m].final_metrics.learning_rate, resumed.results[m].final_metrics.learning_rate) << "member " << m;
  }
}

INSTANTIATE_TEST_SUITE_P(Batches, PlateauTrainer, ::testing::Values(Index{5}, Index{0}),
                         [](const ::testing::TestParamInfo<Index>& info) { return info.param == 0 ? std::string("FullBatch") : std::string("MiniBatch"); });

TEST(PlateauHook, MonitoringAMissingSetIsRejected) {
  const Data data;
  Population p = population().only(0);
  p.setups[0].schedule.monitor = MonitorKind::test_loss;
  const std::vector<ModelSpec> specs{testing::relu_classifier(4, 8, 3)};
  const auto loss = make_loss<float>(std::vector<LossSpec>{LossSpec{.kind = LossKind::cross_entropy}});
  Sequential<float> model(specs, p.seeds, true);
  const auto optimizer = make_optimizer(p.optimizers);
  Trainer trainer(model, *loss, *optimizer, p.setups, config(5), SuccessConfig{});
  EXPECT_THROW(trainer.fit(TrainingData{&data.train, &data.validation, nullptr}), std::invalid_argument);
}

TEST(PlateauHook, ACheckpointWithoutPlateauStateIsRejected) {
  const Data data;
  const Population p = population();
  std::unique_ptr<MemoryCheckpointer> checkpoint;
  train(p, data, config(5), &checkpoint, 3);
  checkpoint->trainer->plateau.clear();  // as from a run without the schedule
  EXPECT_THROW(train(p, data, config(5), nullptr, 0, checkpoint.get()), std::invalid_argument);
}

}  // namespace
}  // namespace nnlab
