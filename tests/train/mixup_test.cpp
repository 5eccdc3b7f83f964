// train.mixup in the trainer (train/mixup.hpp): rows and targets are mixed as λ·x + (1 − λ)·x[π]
// with the member's keyed draw; λ ≡ 1 with a fixed partner trains bit-identically to plain
// training; a member alone trains as in a mixed population; losses that cannot train on mixed
// targets, full batch and α ≤ 0 are refused.
#include "train/mixup.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "train/rewrite_training.hpp"

namespace nnlab {
namespace {

using testing::blobs;
using testing::member_weights;
using testing::train_rewritten;

const LossSpec soft_cross_entropy{.kind = LossKind::cross_entropy, .soft_targets = true};

TEST(Mixup, MixMemberMixesInputsAndTargetsWithThePartner) {
  Batch batch;
  batch.inputs = Tensor({2, 3, 2}, {1, 2, 3, 4, 5, 6, /* member 1 */ 10, 20, 30, 40, 50, 60});
  batch.targets = Tensor({2, 3, 2}, {1, 0, 0, 1, 1, 0, /* member 1 */ 1, 0, 0, 1, 1, 0});
  const std::vector<Index> partner{2, 0, 1};
  mix_member(batch, 1, 0.25, partner);
  // Row b: 0.25 · row b + 0.75 · row partner[b].
  EXPECT_EQ(std::vector<float>(batch.inputs.slice(1), batch.inputs.slice(1) + 6),
            (std::vector<float>{0.25f * 10 + 0.75f * 50, 0.25f * 20 + 0.75f * 60, 0.25f * 30 + 0.75f * 10, 0.25f * 40 + 0.75f * 20,
                                0.25f * 50 + 0.75f * 30, 0.25f * 60 + 0.75f * 40}));
  EXPECT_EQ(std::vector<float>(batch.targets.slice(1), batch.targets.slice(1) + 6), (std::vector<float>{1, 0, 0.75f, 0.25f, 0.25f, 0.75f}));
  EXPECT_EQ(std::vector<float>(batch.inputs.slice(0), batch.inputs.slice(0) + 6), (std::vector<float>{1, 2, 3, 4, 5, 6}));  // member 0 untouched
}

// Mixes every member with λ = 1 and the reversed batch as partner.
class LambdaOne final : public TrainingHook {
 public:
  void on_batch_begin(TrainingContext& ctx, std::int64_t /*epoch*/, Index /*batch*/, Batch& batch) override {
    make_per_member(batch, ctx.population);
    std::vector<Index> reversed(static_cast<std::size_t>(batch.rows()));
    for (Index b = 0; b < batch.rows(); ++b) reversed[static_cast<std::size_t>(b)] = batch.rows() - 1 - b;
    for (Index m = 0; m < ctx.population; ++m) mix_member(batch, m, 1.0, reversed);
  }
};

TEST(Mixup, LambdaOneWithAFixedPartnerIsPlainTraining) {
  const Dataset data = blobs(10, 1, 1.5);
  const TrainConfig config{.epochs = 4, .batch = 7};
  LambdaOne hook;
  TrainingHook* const hooks[] = {&hook};
  const auto plain = train_rewritten(data, {3, 5}, config, soft_cross_entropy);
  const auto mixed = train_rewritten(data, {3, 5}, config, soft_cross_entropy, hooks);
  // And the soft-target loss on one-hot targets is the labels' cross-entropy, to rounding.
  const auto labels = train_rewritten(data, {3, 5}, config, LossSpec{.kind = LossKind::cross_entropy});
  for (Index m = 0; m < 2; ++m) {
    EXPECT_EQ(member_weights(plain, m), member_weights(mixed, m));
    const auto a = member_weights(plain, m), b = member_weights(labels, m);
    for (std::size_t t = 0; t < a.size(); ++t)
      for (std::size_t i = 0; i < a[t].size(); ++i) EXPECT_NEAR(a[t][i], b[t][i], 1e-5);
  }
}

// Keeps member `slot`'s batch 1 of epoch 2 as the forward sees it.
class Recorder final : public TrainingHook {
 public:
  explicit Recorder(Index slot) : slot_(slot) {}
  void on_batch_begin(TrainingContext& /*ctx*/, std::int64_t epoch, Index batch, Batch& batch_data) override {
    if (epoch != 2 || batch != 1) return;
    inputs.assign(batch_data.inputs.slice(slot_), batch_data.inputs.slice(slot_) + batch_data.inputs.slice_size());
    targets.assign(batch_data.targets.slice(slot_), batch_data.targets.slice(slot_) + batch_data.targets.slice_size());
    rows.assign(batch_data.dataset_rows.begin() + slot_ * batch_data.rows(), batch_data.dataset_rows.begin() + (slot_ + 1) * batch_data.rows());
  }
  std::vector<float> inputs, targets;
  std::vector<Index> rows;

 private:
  Index slot_;
};

TEST(Mixup, TheForwardSeesTheMembersKeyedMix) {
  const Dataset data = blobs(10, 1, 1.5);
  const Tensor targets = encode_targets(data, 3);
  Recorder seen(1);
  TrainingHook* const hooks[] = {&seen};
  train_rewritten(data, {3, 5}, TrainConfig{.epochs = 2, .batch = 7, .mixup = MixupConfig{.alpha = 0.4}}, soft_cross_entropy, hooks);
  ASSERT_EQ(seen.rows.size(), 7u);
  const MixDraw draw = mixup_draw(0.4, 5, 2, 1, 7);  // member seed 5, epoch 2, batch 1
  EXPECT_GT(draw.lambda, 0.0);
  EXPECT_LT(draw.lambda, 1.0);
  const auto own = static_cast<float>(draw.lambda), other = static_cast<float>(1.0 - draw.lambda);
  for (std::size_t b = 0; b < 7; ++b) {
    const Index row = seen.rows[b], partner = seen.rows[static_cast<std::size_t>(draw.partner[b])];
    for (Index f = 0; f < 4; ++f)
      EXPECT_EQ(seen.inputs[b * 4 + static_cast<std::size_t>(f)], own * data.inputs[row * 4 + f] + other * data.inputs[partner * 4 + f]);
    for (Index c = 0; c < 3; ++c)
      EXPECT_EQ(seen.targets[b * 3 + static_cast<std::size_t>(c)], own * targets[row * 3 + c] + other * targets[partner * 3 + c]);
  }
}

TEST(Mixup, DrawsDependOnlyOnTheKey) {
  const MixDraw a = mixup_draw(0.2, 7, 3, 4, 50), b = mixup_draw(0.2, 7, 3, 4, 50);
  EXPECT_EQ(a.lambda, b.lambda);
  EXPECT_EQ(a.partner, b.partner);
  std::vector<Index> sorted = a.partner;
  std::sort(sorted.begin(), sorted.end());
  for (Index i = 0; i < 50; ++i) EXPECT_EQ(sorted[static_cast<std::size_t>(i)], i);  // a permutation
  EXPECT_NE(a.lambda, mixup_draw(0.2, 8, 3, 4, 50).lambda);
  EXPECT_NE(a.lambda, mixup_draw(0.2, 7, 4, 4, 50).lambda);
  EXPECT_NE(a.lambda, mixup_draw(0.2, 7, 3, 5, 50).lambda);
}

TEST(Mixup, AMemberAloneTrainsAsInAMixedPopulation) {
  const Dataset data = blobs(10, 1, 1.5);
  for (const OrderKind order : {OrderKind::shuffled, OrderKind::fixed}) {
    const TrainConfig config{.epochs = 3, .batch = 7, .order = order, .mixup = MixupConfig{.alpha = 0.4}};
    const auto alone = train_rewritten(data, {5}, config, soft_cross_entropy);
    const auto mixed = train_rewritten(data, {3, 5, 8}, config, soft_cross_entropy);
    EXPECT_EQ(member_weights(alone, 0), member_weights(mixed, 1));
    const auto plain = train_rewritten(data, {5}, TrainConfig{.epochs = 3, .batch = 7, .order = order}, soft_cross_entropy);
    EXPECT_NE(member_weights(alone, 0), member_weights(plain, 0));  // mixup changed training
  }
}

TEST(Mixup, MseTrainsOnTheMixedTargets) {
  const Dataset data = blobs(10, 1, 1.5);
  const TrainConfig config{.epochs = 2, .batch = 7, .mixup = MixupConfig{.alpha = 0.4}};
  const auto mixed = train_rewritten(data, {3}, config, LossSpec{.kind = LossKind::mse});
  EXPECT_TRUE(std::isfinite(mixed.results[0].final_metrics.train_loss));
}

TEST(Mixup, RefusesLossesFullBatchAndAlphaAtMostZero) {
  const Dataset data = blobs(10, 1, 1.5);
  const TrainConfig config{.epochs = 1, .batch = 7, .mixup = MixupConfig{.alpha = 0.2}};
  EXPECT_THROW(train_rewritten(data, {3}, config, LossSpec{.kind = LossKind::cross_entropy}), std::invalid_argument);  // no soft targets
  EXPECT_THROW(train_rewritten(data, {3}, config, LossSpec{.kind = LossKind::sse}), std::invalid_argument);
  TrainConfig full = config;
  full.batch = 0;
  EXPECT_THROW(train_rewritten(data, {3}, full, soft_cross_entropy), std::invalid_argument);
  for (const double alpha : {0.0, -0.5}) {
    TrainConfig bad = config;
    bad.mixup->alpha = alpha;
    EXPECT_THROW(train_rewritten(data, {3}, bad, soft_cross_entropy), std::invalid_argument);
  }
}

}  // namespace
}  // namespace nnlab
