// What the report shows of data.augment and train.mixup: for each pictured member, the first
// training examples clean, as its augmentation draws them in epoch 1 (train/augment_hook.hpp),
// and mixed as a batch of them would be (train/mixup.hpp), stored as one JSON artefact
// ("augmented" / "train").
#pragma once

#include <span>

#include "data/dataset.hpp"
#include "experiment/test_pictures.hpp"
#include "store/run_writer.hpp"
#include "train/options.hpp"

namespace nnlab {

// Nothing without data.augment or train.mixup, or for non-image data. `seeds` are the population's.
void record_augmented_samples(RunWriter& store, RunId run, const TrainConfig& train, const Dataset& data,
                              std::span<const PictureMember> members, std::span<const std::uint64_t> seeds);

}  // namespace nnlab
