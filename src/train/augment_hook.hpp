// data.augment in the training loop: before each training forward, every member's copy of every
// example is replaced by a random augmentation of it (data/augment.hpp), keyed by
// CounterRng(member seed, augment, stream = training-set row, step = epoch), so a member draws the
// same augmentations alone and in any population, and a rerun draws them again. Only the training
// forward sees them: training-set metrics are measured on the clean set. Mini-batches only (the
// trainer keeps a full batch for every epoch): a full batch is refused.
#pragma once

#include <cstdint>
#include <span>

#include "data/augment.hpp"
#include "train/hook.hpp"

namespace nnlab {

// The augmentation member `seed` trains on for training-set `row` in `epoch`.
void augment_example(std::span<const float> in, std::span<float> out, ImageShape shape, const AugmentConfig& config, std::uint64_t seed,
                     std::int64_t epoch, Index row);

class AugmentHook final : public TrainingHook {
 public:
  explicit AugmentHook(const AugmentConfig& config);
  void on_fit_begin(TrainingContext& ctx) override;
  void on_batch_begin(TrainingContext& ctx, std::int64_t epoch, Index batch, Batch& batch_data) override;

 private:
  AugmentConfig config_;
  ImageShape shape_;
};

}  // namespace nnlab
