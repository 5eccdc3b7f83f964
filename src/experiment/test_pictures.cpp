#include "experiment/test_pictures.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <numeric>

#include "core/statistics.hpp"
#include "experiment/feature_maps.hpp"
#include "train/batch.hpp"

namespace nnlab {

void record_test_pictures(RunWriter& store, RunId run, Sequential<float>& model, const Dataset& test,
                          std::span<const PictureMember> members, Index layer) {
  if (members.empty()) return;
  const Index classes = std::max<Index>(test.classes, 2);
  const Tensor targets = encode_targets(test, model.outputs());
  std::vector<std::vector<std::int64_t>> confusion(members.size(), std::vector<std::int64_t>(static_cast<std::size_t>(classes * classes), 0));
  std::vector<nlohmann::json> activations(members.size(), nlohmann::json::array());
  std::vector<std::int32_t> activation_labels;
  std::vector<std::optional<nlohmann::json>> feature_maps(members.size());
  constexpr Index chunk = 1000;
  std::vector<Index> rows(static_cast<std::size_t>(test.size()));
  std::iota(rows.begin(), rows.end(), Index{0});
  Batch batch;
  for (Index begin = 0; begin < test.size(); begin += chunk) {
    const Index count = std::min(chunk, test.size() - begin);
    const std::span<const Index> chunk_rows(rows.data() + begin, static_cast<std::size_t>(count));
    gather_batch(test, targets, std::span(&chunk_rows, 1), batch);
    const Tensor& output = model.forward(batch.inputs, ForwardContext{.mode = Mode::eval});
    const Index outputs = output.dim(2);
    for (std::size_t i = 0; i < members.size(); ++i) {
      const float* scores = output.slice(members[i].member);
      for (Index b = 0; b < count; ++b) {
        const float* row = scores + b * outputs;
        const Index predicted = outputs == 1 ? (row[0] > 0.5f ? 1 : 0) : static_cast<Index>(std::max_element(row, row + outputs) - row);
        const Index truth = batch.labels[static_cast<std::size_t>(b)];
        if (truth >= 0 && truth < classes && predicted < classes) ++confusion[i][static_cast<std::size_t>(truth * classes + predicted)];
      }
    }
    if (begin == 0)
      for (std::size_t i = 0; i < members.size(); ++i)
        feature_maps[i] = feature_maps_document(model, batch.inputs, members[i].member, members[i].run_member, batch.labels.front());
    const auto layers = model.layer_outputs();
    if (begin == 0 && layer >= 0 && static_cast<std::size_t>(layer) < layers.size() && layers[static_cast<std::size_t>(layer)] != nullptr) {
      const Tensor& hidden = *layers[static_cast<std::size_t>(layer)];
      const Index width = hidden.dim(2);
      for (Index b = 0; b < count; ++b) activation_labels.push_back(batch.labels[static_cast<std::size_t>(b)]);
      for (std::size_t i = 0; i < members.size(); ++i) {
        const float* values = hidden.slice(members[i].member);
        for (Index b = 0; b < count; ++b) activations[i].push_back(std::vector<float>(values + b * width, values + (b + 1) * width));
      }
    }
  }
  for (std::size_t i = 0; i < members.size(); ++i) {
    const Index run_member = members[i].run_member;
    const nlohmann::json matrix = {{"classes", classes}, {"member", run_member}, {"counts", confusion[i]}};
    store.keep_artefact(run, ArtefactLabel{.member = run_member, .kind = "confusion", .name = "test", .epoch = std::nullopt},
                       text_bytes(matrix.dump()));
    if (!activations[i].empty()) {
      const nlohmann::json hidden = {{"layer", layer}, {"member", run_member}, {"labels", activation_labels}, {"values", activations[i]}};
      store.keep_artefact(run, ArtefactLabel{.member = run_member, .kind = "activations", .name = fmt::format("layers.{}", layer), .epoch = std::nullopt},
                         text_bytes(hidden.dump()));
    }
    if (feature_maps[i])
      store.keep_artefact(run, ArtefactLabel{.member = run_member, .kind = "feature_maps", .name = "test-0", .epoch = std::nullopt},
                         text_bytes(feature_maps[i]->dump()));
  }
}

std::vector<PictureMember> pictured_members(std::span<const Index> trials, std::span<const Index> member_trial,
                                            std::span<const MemberResult> results, Index first_member) {
  std::vector<PictureMember> pictured;
  for (const Index t : trials) {
    std::vector<Index> of_trial;
    for (std::size_t m = 0; m < member_trial.size(); ++m)
      if (member_trial[m] == t) of_trial.push_back(static_cast<Index>(m));
    const Index chosen = median_member(of_trial, results);
    pictured.push_back(PictureMember{.member = chosen, .run_member = first_member + chosen});
  }
  return pictured;
}

Index median_member(std::span<const Index> members, std::span<const MemberResult> results) {
  if (members.empty()) return 0;
  std::vector<double> losses;
  for (const Index m : members) losses.push_back(results[static_cast<std::size_t>(m)].final_metrics.train_loss);
  return members[lower_median_position(losses)];
}

Index default_tsne_layer(Index layers) { return layers >= 2 ? layers - 2 : 0; }

}  // namespace nnlab
