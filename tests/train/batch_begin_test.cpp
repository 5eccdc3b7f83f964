// The on_batch_begin event (train/hook.hpp): a hook's rewrite of the batch is what the training
// forward sees, making a shared batch per member changes nothing by itself, and training-set
// metrics stay those of the clean set.
#include <gtest/gtest.h>

#include "train/batch.hpp"
#include "train/rewrite_training.hpp"

namespace nnlab {
namespace {

using testing::blobs;
using testing::member_weights;
using testing::train_rewritten;

const LossSpec cross_entropy{.kind = LossKind::cross_entropy};

TEST(MakePerMember, RepeatsTheSharedSliceForEveryMember) {
  Dataset data = blobs(2, 1);  // 6 rows
  const Tensor targets = encode_targets(data, 3);
  const std::vector<Index> rows{4, 1, 5};
  const std::span<const Index> slice(rows);
  Batch batch;
  gather_batch(data, targets, std::span(&slice, 1), batch);
  EXPECT_EQ(batch.dataset_rows, rows);
  make_per_member(batch, 3);
  ASSERT_EQ(batch.inputs.shape(), (Shape{3, 3, 4}));
  ASSERT_EQ(batch.targets.shape(), (Shape{3, 3, 3}));
  ASSERT_EQ(batch.labels.size(), 9u);
  for (Index m = 0; m < 3; ++m) {
    for (Index b = 0; b < 3; ++b) {
      const Index row = rows[static_cast<std::size_t>(b)];
      EXPECT_EQ(batch.dataset_rows[static_cast<std::size_t>(m * 3 + b)], row);
      EXPECT_EQ(batch.labels[static_cast<std::size_t>(m * 3 + b)], data.labels[static_cast<std::size_t>(row)]);
      for (Index f = 0; f < 4; ++f) EXPECT_EQ(batch.inputs.slice(m)[b * 4 + f], data.inputs[row * 4 + f]);
      for (Index c = 0; c < 3; ++c) EXPECT_EQ(batch.targets.slice(m)[b * 3 + c], targets[row * 3 + c]);
    }
  }
  make_per_member(batch, 3);  // already per member: unchanged
  EXPECT_EQ(batch.inputs.dim(0), 3);
  EXPECT_THROW(make_per_member(batch, 2), std::invalid_argument);
}

class PerMember final : public TrainingHook {
 public:
  void on_batch_begin(TrainingContext& ctx, std::int64_t /*epoch*/, Index /*batch*/, Batch& batch) override {
    make_per_member(batch, ctx.population);
    ++calls;
  }
  int calls = 0;
};

class Negate final : public TrainingHook {
 public:
  void on_batch_begin(TrainingContext& /*ctx*/, std::int64_t /*epoch*/, Index /*batch*/, Batch& batch) override {
    for (Index i = 0; i < batch.inputs.size(); ++i) batch.inputs[i] = -batch.inputs[i];
  }
};

TEST(BatchBegin, PerMemberCopiesTrainLikeTheSharedBatch) {
  const Dataset data = blobs(10, 1, 1.0);
  const TrainConfig config{.epochs = 4, .batch = 7, .order = OrderKind::fixed};  // fixed order: one shared slice
  PerMember hook;
  TrainingHook* const hooks[] = {&hook};
  const auto plain = train_rewritten(data, {3, 4}, config, cross_entropy);
  const auto copied = train_rewritten(data, {3, 4}, config, cross_entropy, hooks);
  EXPECT_EQ(hook.calls, 4 * 5);  // 30 examples in batches of 7: 5 per epoch
  for (Index m = 0; m < 2; ++m) EXPECT_EQ(member_weights(plain, m), member_weights(copied, m));
}

TEST(BatchBegin, TheForwardSeesTheRewrittenBatchAndMetricsTheCleanSet) {
  const Dataset data = blobs(10, 1, 2.5);
  Dataset negated = data;
  for (Index i = 0; i < negated.inputs.size(); ++i) negated.inputs[i] = -negated.inputs[i];
  const TrainConfig config{.epochs = 10, .batch = 7};
  Negate hook;
  TrainingHook* const hooks[] = {&hook};
  const auto rewritten = train_rewritten(data, {3, 4}, config, cross_entropy, hooks);
  const auto on_negated = train_rewritten(negated, {3, 4}, config, cross_entropy);
  for (Index m = 0; m < 2; ++m) {
    EXPECT_EQ(member_weights(rewritten, m), member_weights(on_negated, m));
    // Trained on negated inputs, the model fits the negated set and not the clean one it is measured on.
    EXPECT_GT(on_negated.results[m].final_metrics.train_accuracy, 0.8);
    EXPECT_LT(rewritten.results[m].final_metrics.train_accuracy, 0.5);
  }
}

}  // namespace
}  // namespace nnlab
