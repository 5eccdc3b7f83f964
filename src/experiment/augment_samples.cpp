#include "experiment/augment_samples.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "train/augment_hook.hpp"
#include "train/mixup.hpp"

namespace nnlab {

namespace {
constexpr Index samples = 8;  // one row of the grid each
}  // namespace

void record_augmented_samples(RunWriter& store, RunId run, const TrainConfig& train, const Dataset& data,
                              std::span<const PictureMember> members, std::span<const std::uint64_t> seeds) {
  const bool augment = train.augment && train.augment->any();
  if ((!augment && !train.mixup) || data.size() == 0) return;
  ImageShape shape;
  try {
    shape = image_shape(data.example_shape);
  } catch (const std::invalid_argument&) {
    return;  // mixup on flat data: nothing to picture
  }
  const Index count = std::min(samples, data.size()), features = data.features();
  for (const PictureMember& member : members) {
    const std::uint64_t seed = seeds[static_cast<std::size_t>(member.member)];
    Batch batch;
    batch.inputs.resize({1, count, features});
    batch.targets.resize({1, count, 1});
    nlohmann::json clean = nlohmann::json::array(), augmented = nlohmann::json::array();
    std::vector<std::int32_t> labels;
    for (Index r = 0; r < count; ++r) {
      const std::span<const float> example(data.inputs.data() + r * features, static_cast<std::size_t>(features));
      const std::span<float> into(batch.inputs.data() + r * features, static_cast<std::size_t>(features));
      if (augment) augment_example(example, into, shape, *train.augment, seed, 1, r);
      else std::copy(example.begin(), example.end(), into.begin());
      clean.push_back(std::vector<float>(example.begin(), example.end()));
      if (augment) augmented.push_back(std::vector<float>(into.begin(), into.end()));
      labels.push_back(data.labels[static_cast<std::size_t>(r)]);
    }
    nlohmann::json document = {{"member", member.run_member}, {"channels", shape.channels}, {"height", shape.height},
                               {"width", shape.width},         {"labels", labels},          {"clean", clean}};
    if (augment) document["augmented"] = augmented;
    if (train.mixup) {
      const MixDraw draw = mixup_draw(train.mixup->alpha, seed, 1, 0, count);
      mix_member(batch, 0, draw.lambda, draw.partner);
      nlohmann::json mixed = nlohmann::json::array();
      for (Index r = 0; r < count; ++r) mixed.push_back(std::vector<float>(batch.inputs.data() + r * features, batch.inputs.data() + (r + 1) * features));
      document["mixed"] = mixed;
      document["lambda"] = draw.lambda;
      document["partners"] = draw.partner;
    }
    store.keep_artefact(run, ArtefactLabel{.member = member.run_member, .kind = "augmented", .name = "train", .epoch = std::nullopt},
                       text_bytes(document.dump()));
  }
}

}  // namespace nnlab
