// Members' summaries survive the trip from an MPI worker to rank 0 bit for bit (experiment/result_codec.hpp).
#include "experiment/result_codec.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <limits>

#include "core/error.hpp"
#include "experiment/summary.hpp"

namespace nnlab {
namespace {

std::uint64_t bits(double value) { return std::bit_cast<std::uint64_t>(value); }
const double nan_payload = std::bit_cast<double>(std::uint64_t{0x7ff8000000000123});
const double inf = std::numeric_limits<double>::infinity();

MemberSummary awkward_member() {
  MemberSummary m{.member = 1234, .trial = 7, .population = 2, .seed = 0xfedcba9876543210ULL};
  m.hyperparameters = {{"optimizer.lr", 0.1}, {"loss.l2", -0.0}};
  m.result.epochs_run = 99;
  m.result.diverged = true;
  m.result.diverged_epoch = 42;
  m.result.success_epoch = 17;
  m.result.final_metrics.epoch = 99;
  m.result.final_metrics.train_loss = nan_payload;
  m.result.final_metrics.test_accuracy = -inf;
  m.result.final_metrics.train_class_accuracy = {0.25, 1.0 / 3.0};
  m.result.final_metrics.layers.push_back(LayerStats{.weight_norm = 1e-310, .gradient_norm = inf});
  m.result.history = {m.result.final_metrics, EpochMetrics{}};
  m.result.early_stop = EarlyStopOutcome{.monitor = MonitorKind::test_accuracy, .best_epoch = 3, .best_value = 0.5, .stopped_epoch = 9,
                                         .stopped_value = nan_payload, .restored = true};
  m.result.snapshot_ensemble = SnapshotEnsembleOutcome{.on_test = false, .cycles = 3, .steps = {10, 20}, .single_accuracy = {0.1, -0.0},
                                                       .ensemble_accuracy = {inf}};
  m.result.prune = PruneOutcome{.control = true, .round_epochs = 4, .layers = {"layers.0.weight"},
                                .rounds = {PruneRound{.remaining = 0.8, .layer_remaining = {0.8}, .early_stop_epoch = 2, .epochs = 4,
                                                      .first_layer_kept = {1, 0, 3}}}};
  m.result.adversarial = AdversarialOutcome{.on_test = true, .eps = {0.0, 0.1}, .accuracy = {0.9, 0.2}, .confidence = {0.8, nan_payload},
                                            .steps = 5, .step_size = 0.01, .clip_low = -1.0, .clip_high = 1.0};
  m.solution = MirrorSolution{.mirrored = true, .ratio_1_2_4 = false, .hidden_opposite = true, .hidden_biases_negative = false,
                              .output_bias_positive = true};
  m.data_init = {DataInitLayer{.layer = 1, .kind = InitKind::pca, .variance_before = 2.5, .variance_after = 1.0, .rescalings = 3}};
  return m;
}

TEST(ResultCodec, EveryFieldRoundTripsBitForBit) {
  const std::vector<MemberSummary> members{awkward_member(), MemberSummary{.member = 5}};
  const std::vector<MemberSummary> back = decode_member_summaries(encode_member_summaries(members), "rank 1");
  ASSERT_EQ(back.size(), 2u);
  const MemberSummary& m = back[0];
  EXPECT_EQ(m.member, 1234);
  EXPECT_EQ(m.trial, 7);
  EXPECT_EQ(m.population, 2);
  EXPECT_EQ(m.seed, 0xfedcba9876543210ULL);
  ASSERT_EQ(m.hyperparameters.size(), 2u);
  EXPECT_EQ(bits(m.hyperparameters[1].second), bits(-0.0));
  const MemberResult& r = m.result;
  EXPECT_EQ(r.epochs_run, 99);
  EXPECT_TRUE(r.diverged);
  EXPECT_EQ(r.diverged_epoch, 42);
  EXPECT_EQ(r.success_epoch, 17);
  EXPECT_EQ(bits(r.final_metrics.train_loss), bits(nan_payload));
  EXPECT_EQ(bits(r.final_metrics.test_accuracy), bits(-inf));
  EXPECT_EQ(r.final_metrics.train_class_accuracy, (std::vector<double>{0.25, 1.0 / 3.0}));
  ASSERT_EQ(r.final_metrics.layers.size(), 1u);
  EXPECT_EQ(bits(r.final_metrics.layers[0].weight_norm), bits(1e-310));
  ASSERT_EQ(r.history.size(), 2u);
  EXPECT_EQ(bits(r.history[0].train_loss), bits(nan_payload));
  ASSERT_TRUE(r.early_stop);
  EXPECT_EQ(r.early_stop->monitor, MonitorKind::test_accuracy);
  EXPECT_EQ(bits(r.early_stop->stopped_value), bits(nan_payload));
  EXPECT_TRUE(r.early_stop->restored);
  ASSERT_TRUE(r.snapshot_ensemble);
  EXPECT_EQ(r.snapshot_ensemble->steps, (std::vector<std::int64_t>{10, 20}));
  EXPECT_EQ(bits(r.snapshot_ensemble->single_accuracy[1]), bits(-0.0));
  ASSERT_TRUE(r.prune);
  EXPECT_TRUE(r.prune->control);
  ASSERT_EQ(r.prune->rounds.size(), 1u);
  EXPECT_EQ(r.prune->rounds[0].first_layer_kept, (std::vector<std::int64_t>{1, 0, 3}));
  ASSERT_TRUE(r.adversarial);
  EXPECT_EQ(r.adversarial->steps, 5);
  EXPECT_EQ(bits(r.adversarial->confidence[1]), bits(nan_payload));
  ASSERT_TRUE(m.solution);
  EXPECT_TRUE(m.solution->mirrored);
  EXPECT_FALSE(m.solution->ratio_1_2_4);
  ASSERT_EQ(m.data_init.size(), 1u);
  EXPECT_EQ(m.data_init[0].kind, InitKind::pca);
  EXPECT_EQ(m.data_init[0].rescalings, 3);
  // The summary JSON (what --json prints) is the same text before and after the trip.
  RunSummary before, after;
  before.members = members;
  after.members = back;
  EXPECT_EQ(to_json(before), to_json(after));
  EXPECT_FALSE(back[1].result.early_stop || back[1].result.prune || back[1].solution);
}

TEST(ResultCodec, MalformedBytesAreAnErrorNamingTheSender) {
  for (const std::string bytes : {std::string("[{\"member\": 1}]"), std::string("[{"), std::string("7")}) {
    try {
      decode_member_summaries(bytes, "rank 3 (node7)");
      FAIL() << "accepted " << bytes;
    } catch (const InputError& error) {
      EXPECT_NE(std::string(error.what()).find("rank 3 (node7): malformed member results"), std::string::npos) << error.what();
    }
  }
}

}  // namespace
}  // namespace nnlab
