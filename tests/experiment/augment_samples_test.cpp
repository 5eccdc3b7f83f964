// The report's training samples ("augmented" / "train"): the first training images clean, as the
// member's augmentation draws them in epoch 1 and mixed as its mixup mixes a batch of them,
// recomputed here from the keyed draws; nothing without data.augment and train.mixup or for flat data.
#include "experiment/augment_samples.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "store/store.hpp"
#include "support/scratch_directory.hpp"
#include "train/augment_hook.hpp"
#include "train/mixup.hpp"

namespace nnlab {
namespace {

using nlohmann::json;

Dataset images(Shape shape) {
  Dataset data;
  data.inputs = Tensor({10, 16});
  for (Index i = 0; i < data.inputs.size(); ++i) data.inputs[i] = static_cast<float>((i * 7) % 16) / 16.0f;
  data.labels.assign(10, 0);
  for (std::size_t r = 0; r < 10; ++r) data.labels[r] = static_cast<std::int32_t>(r % 3);
  data.classes = 3;
  data.example_shape = std::move(shape);
  return data;
}

RunId new_run(RunStore& store) {
  return store.begin_run(RunStart{.name = "samples", .config_path = "s.yaml", .resolved_config = "", .nnlab_version = "test", .config_git_commit = ""});
}

TEST(AugmentSamples, StoredImagesAreTheMembersKeyedAugmentationsAndMix) {
  testing::ScratchDirectory scratch;
  RunStore store(scratch / "runs.db");
  const RunId run = new_run(store);
  const Dataset data = images({4, 4});
  TrainConfig train{.batch = 5};
  train.augment = AugmentConfig{.shift = 1, .noise = 0.1};
  train.mixup = MixupConfig{.alpha = 0.4};
  const std::vector<PictureMember> members{{.member = 1, .run_member = 6}};
  const std::vector<std::uint64_t> seeds{3, 7};
  record_augmented_samples(store, run, train, data, members, seeds);
  const auto artefact = store.get_artefact(run, ArtefactLabel{.member = 6, .kind = "augmented", .name = "train", .epoch = std::nullopt});
  ASSERT_TRUE(artefact.has_value());
  const json document = json::parse(bytes_text(artefact->content));
  EXPECT_EQ(document.at("height"), 4);
  EXPECT_EQ(document.at("width"), 4);
  ASSERT_EQ(document.at("clean").size(), 8u);
  const MixDraw draw = mixup_draw(0.4, 7, 1, 0, 8);  // member 1's seed, epoch 1, batch 0 of 8 rows
  EXPECT_EQ(document.at("lambda").get<double>(), draw.lambda);
  std::vector<std::vector<float>> augmented;
  for (Index r = 0; r < 8; ++r) {
    const std::span<const float> clean(data.inputs.data() + r * 16, 16);
    std::vector<float> expected(16);
    augment_example(clean, expected, ImageShape{1, 4, 4}, *train.augment, 7, 1, r);
    EXPECT_EQ(document.at("clean")[static_cast<std::size_t>(r)].get<std::vector<float>>(), std::vector<float>(clean.begin(), clean.end()));
    EXPECT_EQ(document.at("augmented")[static_cast<std::size_t>(r)].get<std::vector<float>>(), expected);
    augmented.push_back(expected);
  }
  const auto own = static_cast<float>(draw.lambda), other = static_cast<float>(1.0 - draw.lambda);
  for (std::size_t r = 0; r < 8; ++r) {
    const std::vector<float>& partner = augmented[static_cast<std::size_t>(draw.partner[r])];
    std::vector<float> mixed(16);
    for (std::size_t f = 0; f < 16; ++f) mixed[f] = own * augmented[r][f] + other * partner[f];
    EXPECT_EQ(document.at("mixed")[r].get<std::vector<float>>(), mixed);
  }
}

TEST(AugmentSamples, NothingWithoutAugmentOrMixupOrForFlatData) {
  testing::ScratchDirectory scratch;
  RunStore store(scratch / "runs.db");
  const RunId run = new_run(store);
  const std::vector<PictureMember> members{{.member = 0, .run_member = 0}};
  const std::vector<std::uint64_t> seeds{3};
  record_augmented_samples(store, run, TrainConfig{.batch = 5}, images({4, 4}), members, seeds);
  TrainConfig mixup{.batch = 5};
  mixup.mixup = MixupConfig{};
  record_augmented_samples(store, run, mixup, images({16}), members, seeds);
  EXPECT_TRUE(store.list_artefacts(run).empty());
  record_augmented_samples(store, run, mixup, images({4, 4}), members, seeds);  // mixup alone: clean and mixed rows
  ASSERT_EQ(store.list_artefacts(run).size(), 1u);
}

}  // namespace
}  // namespace nnlab
