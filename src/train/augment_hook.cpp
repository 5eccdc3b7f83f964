#include "train/augment_hook.hpp"

#include <stdexcept>
#include <string>
#include <vector>

#include "core/threads.hpp"
#include "train/batch.hpp"

namespace nnlab {

void augment_example(std::span<const float> in, std::span<float> out, ImageShape shape, const AugmentConfig& config, std::uint64_t seed,
                     std::int64_t epoch, Index row) {
  CounterRng rng(seed, RngPurpose::augment, static_cast<std::uint32_t>(row), static_cast<std::uint64_t>(epoch));
  augment_image(in, out, shape, config, rng);
}

AugmentHook::AugmentHook(const AugmentConfig& config) : config_(config) {
  try {
    validate(config_);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(std::string("data.augment: ") + e.what());
  }
}

void AugmentHook::on_fit_begin(TrainingContext& ctx) {
  if (ctx.full_batch)
    throw std::invalid_argument("data.augment needs mini-batches (train.batch smaller than the training set): a full batch is gathered once");
  try {
    shape_ = image_shape(ctx.data.train->example_shape);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(std::string("data.augment: ") + e.what());
  }
  if (shape_.size() != ctx.data.train->features()) throw std::invalid_argument("data.augment: the example shape does not match the features");
}

void AugmentHook::on_batch_begin(TrainingContext& ctx, std::int64_t epoch, Index /*batch*/, Batch& batch_data) {
  if (!config_.any()) return;
  make_per_member(batch_data, ctx.population);
  const Index rows = batch_data.rows(), features = batch_data.inputs.dim(2), count = ctx.population * rows;
  // Each (member, row) is drawn from its own key: threads cannot change a value.
  parallel_for(count, count * features >= (Index{1} << 15), [&](Index i) {
    const Index m = i / rows, b = i % rows;
    if (!ctx.state.active[static_cast<std::size_t>(m)]) return;
    float* example = batch_data.inputs.slice(m) + b * features;
    const std::vector<float> clean(example, example + features);
    augment_example(clean, std::span<float>(example, static_cast<std::size_t>(features)), shape_, config_,
                    ctx.members[static_cast<std::size_t>(m)].seed, epoch, batch_data.dataset_rows[static_cast<std::size_t>(i)]);
  });
}

}  // namespace nnlab
