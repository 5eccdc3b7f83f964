// data.augment in the trainer (train/augment_hook.hpp): each member's examples are augmented
// with the draws keyed by (member seed, epoch, training-set row), so a member alone trains
// bit-identically to the same member in a mixed population; the augmentation changes training;
// full batch and non-image data are refused.
#include "train/augment_hook.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "train/rewrite_training.hpp"

namespace nnlab {
namespace {

using testing::member_weights;
using testing::train_rewritten;

const LossSpec cross_entropy{.kind = LossKind::cross_entropy};
const AugmentConfig augment{.shift = 1, .flip_horizontal = true, .noise = 0.2, .erase = 0.5};

Dataset square_blobs() {
  Dataset data = testing::blobs(10, 1, 2.5);
  data.example_shape = {2, 2};  // 4 features as a 2 × 2 image
  return data;
}

// Keeps member `slot`'s inputs of batch 1 of epoch 2 as the forward sees them.
class Recorder final : public TrainingHook {
 public:
  explicit Recorder(Index slot) : slot_(slot) {}
  void on_batch_begin(TrainingContext& /*ctx*/, std::int64_t epoch, Index batch, Batch& batch_data) override {
    if (epoch != 2 || batch != 1) return;
    const Index q = batch_data.slices() == 1 ? 0 : slot_;
    inputs.assign(batch_data.inputs.slice(q), batch_data.inputs.slice(q) + batch_data.inputs.slice_size());
    rows.assign(batch_data.dataset_rows.begin() + q * batch_data.rows(), batch_data.dataset_rows.begin() + (q + 1) * batch_data.rows());
  }
  std::vector<float> inputs;
  std::vector<Index> rows;

 private:
  Index slot_;
};

TEST(AugmentHook, AMemberAloneDrawsAsInAMixedPopulation) {
  const Dataset data = square_blobs();
  for (const OrderKind order : {OrderKind::shuffled, OrderKind::fixed}) {
    const TrainConfig config{.epochs = 3, .batch = 7, .order = order, .augment = augment};
    Recorder alone_seen(0), mixed_seen(1);
    TrainingHook* const alone_hooks[] = {&alone_seen};
    TrainingHook* const mixed_hooks[] = {&mixed_seen};
    const auto alone = train_rewritten(data, {5}, config, cross_entropy, alone_hooks);
    const auto mixed = train_rewritten(data, {3, 5, 8}, config, cross_entropy, mixed_hooks);
    EXPECT_EQ(alone_seen.inputs, mixed_seen.inputs);
    EXPECT_EQ(member_weights(alone, 0), member_weights(mixed, 1));
  }
}

TEST(AugmentHook, EachExampleIsAugmentedByItsKey) {
  const Dataset data = square_blobs();
  Recorder seen(1);
  TrainingHook* const hooks[] = {&seen};
  train_rewritten(data, {3, 5}, TrainConfig{.epochs = 2, .batch = 7, .augment = augment}, cross_entropy, hooks);
  ASSERT_EQ(seen.rows.size(), 7u);
  int changed = 0;
  for (std::size_t b = 0; b < seen.rows.size(); ++b) {
    const float* clean = data.inputs.data() + seen.rows[b] * 4;
    std::vector<float> expected(4);
    augment_example(std::span<const float>(clean, 4), expected, ImageShape{1, 2, 2}, augment, 5, 2, seen.rows[b]);
    EXPECT_EQ(std::vector<float>(seen.inputs.begin() + static_cast<std::ptrdiff_t>(b * 4), seen.inputs.begin() + static_cast<std::ptrdiff_t>(b * 4 + 4)),
              expected);
    changed += !std::equal(expected.begin(), expected.end(), clean);
  }
  EXPECT_EQ(changed, 7);  // noise alone changes every example
}

TEST(AugmentHook, AugmentationChangesTrainingAndNoneLeavesIt) {
  const Dataset data = square_blobs();
  const auto plain = train_rewritten(data, {3, 5}, TrainConfig{.epochs = 3, .batch = 7}, cross_entropy);
  const auto augmented = train_rewritten(data, {3, 5}, TrainConfig{.epochs = 3, .batch = 7, .augment = augment}, cross_entropy);
  const auto identity = train_rewritten(data, {3, 5}, TrainConfig{.epochs = 3, .batch = 7, .augment = AugmentConfig{}}, cross_entropy);
  for (Index m = 0; m < 2; ++m) {
    EXPECT_NE(member_weights(plain, m), member_weights(augmented, m));
    EXPECT_EQ(member_weights(plain, m), member_weights(identity, m));
  }
}

TEST(AugmentHook, FullBatchFlatDataAndBadMagnitudesAreRefused) {
  const Dataset data = square_blobs();
  EXPECT_THROW(train_rewritten(data, {3}, TrainConfig{.epochs = 1, .batch = 0, .augment = augment}, cross_entropy), std::invalid_argument);
  EXPECT_THROW(train_rewritten(data, {3}, TrainConfig{.epochs = 1, .batch = 30, .augment = augment}, cross_entropy), std::invalid_argument);
  Dataset flat = data;
  flat.example_shape = {4};
  EXPECT_THROW(train_rewritten(flat, {3}, TrainConfig{.epochs = 1, .batch = 7, .augment = augment}, cross_entropy), std::invalid_argument);
  EXPECT_THROW(train_rewritten(data, {3}, TrainConfig{.epochs = 1, .batch = 7, .augment = AugmentConfig{.noise = -1}}, cross_entropy),
               std::invalid_argument);
}

}  // namespace
}  // namespace nnlab
