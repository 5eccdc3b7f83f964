#include "report/augment_figures.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>
#include <vector>

#include "report/image_grid.hpp"

namespace nnlab {
namespace {

using nlohmann::json;

struct AugmentedSamples {
  std::size_t height = 0, width = 0, channels = 1;
  std::vector<int> labels;
  std::vector<std::pair<std::string, std::vector<Matrix>>> rows;  // "clean", "augmented", "mixed": one tile per sample
  std::optional<double> lambda;
  std::vector<int> partners;
};

// The first channel of each image of document[key], or nullopt when any is malformed.
std::optional<std::vector<Matrix>> tiles_of(const json& document, const char* key, std::size_t channels, std::size_t height, std::size_t width) {
  const json& images = document[key];
  if (!images.is_array()) return std::nullopt;
  std::vector<Matrix> tiles;
  for (const json& image : images) {
    if (!image.is_array() || image.size() != channels * height * width) return std::nullopt;
    Matrix tile{height, width, std::vector<double>(height * width)};
    for (std::size_t i = 0; i < height * width; ++i) {
      if (!image[i].is_number()) return std::nullopt;
      tile.values[i] = image[i].get<double>();
    }
    tiles.push_back(std::move(tile));
  }
  return tiles;
}

std::optional<AugmentedSamples> decode(std::span<const std::byte> content) {
  const std::string_view text(reinterpret_cast<const char*>(content.data()), content.size());
  if (text.find('\0') != std::string_view::npos) return std::nullopt;
  const json document = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded() || !document.is_object()) return std::nullopt;
  for (const char* key : {"height", "width", "channels"})
    if (!document.contains(key) || !document[key].is_number_unsigned() || document[key].get<std::size_t>() == 0 ||
        document[key].get<std::size_t>() > 4096)
      return std::nullopt;
  AugmentedSamples samples;
  samples.height = document["height"].get<std::size_t>();
  samples.width = document["width"].get<std::size_t>();
  samples.channels = document["channels"].get<std::size_t>();
  for (const char* key : {"clean", "augmented", "mixed"}) {
    if (!document.contains(key)) continue;
    auto tiles = tiles_of(document, key, samples.channels, samples.height, samples.width);
    if (!tiles || tiles->empty() || (!samples.rows.empty() && tiles->size() != samples.rows.front().second.size())) return std::nullopt;
    samples.rows.emplace_back(key, std::move(*tiles));
  }
  if (samples.rows.size() < 2) return std::nullopt;
  const std::size_t count = samples.rows.front().second.size();
  if (document.contains("labels") && document["labels"].is_array() && document["labels"].size() == count)
    for (const json& label : document["labels"]) samples.labels.push_back(label.is_number_integer() ? label.get<int>() : -1);
  if (document.contains("lambda") && document["lambda"].is_number()) samples.lambda = document["lambda"].get<double>();
  if (document.contains("partners") && document["partners"].is_array() && document["partners"].size() == count)
    for (const json& partner : document["partners"]) samples.partners.push_back(partner.is_number_integer() ? partner.get<int>() : -1);
  return samples;
}

std::string label_name(const RunView& view, int label) {
  if (label < 0) return "?";
  const auto at = static_cast<std::size_t>(label);
  return at < view.class_names.size() ? view.class_names[at] : std::to_string(label);
}

}  // namespace

void add_augment_figures(ReportSection& section, const RunView& view) {
  const std::vector<ArtefactInfo> artefacts = view.store->list_artefacts(view.id());
  for (const TrialGroup& trial : view.trials) {
    const ArtefactInfo* info = trial_artefact(artefacts, "augmented", view, trial);
    if (info == nullptr) continue;
    const auto content = view.artefact(info->label);
    if (!content) continue;
    const std::optional<AugmentedSamples> samples = decode(content->content);
    if (!samples) continue;
    std::vector<Matrix> tiles;
    std::vector<std::string> captions;
    const std::size_t count = samples->rows.front().second.size();
    for (const auto& [kind, row] : samples->rows) {
      for (std::size_t i = 0; i < count; ++i) {
        tiles.push_back(row[i]);
        const std::string label = i < samples->labels.size() ? label_name(view, samples->labels[i]) : "";
        if (kind == "mixed" && i < samples->partners.size() && samples->partners[i] >= 0 &&
            static_cast<std::size_t>(samples->partners[i]) < samples->labels.size())
          captions.push_back(fmt::format("{}+{}", label, label_name(view, samples->labels[static_cast<std::size_t>(samples->partners[i])])));
        else
          captions.push_back(kind == "clean" ? label : kind);
      }
    }
    const Index member = *info->label.member;
    const std::string whose = trial_member_name(view, trial, member);
    ImageGridOptions options{.title = view.caption(view.trials.size() > 1 ? fmt::format("training samples, trial {}", trial.trial) : "training samples"),
                             .captions = captions, .columns = static_cast<int>(count), .value_label = "pixel",
                             .width = 150 * static_cast<int>(count), .height = 60 + 150 * static_cast<int>(samples->rows.size())};
    std::string rows_text;
    for (const auto& [kind, row] : samples->rows) rows_text += (rows_text.empty() ? "" : ", ") + kind;
    std::string text = fmt::format("The first {} images of the training set, one per column, for {}; rows: {} (captions: the clean image's class). ",
                                   count, whose, rows_text);
    if (samples->rows.size() > 1 && samples->rows[1].first == "augmented")
      text += "Augmented: as data.augment drew them for this member in epoch 1 (each epoch draws afresh). ";
    if (samples->lambda)
      text += fmt::format("Mixed: as train.mixup mixes a batch of exactly these images for this member (epoch 1, batch 0, λ = {:.3g}; "
                          "each image with its partner, captioned own class+partner's class, after the augmentation). ", *samples->lambda);
    text += samples->channels > 1 ? "First channel only; " : "";
    text += "one shared colour scale ±max|pixel| (red positive, white 0, blue negative).";
    section.blocks.push_back(ReportFigure{fmt::format("{}-augmented-trial-{}", view.stem, trial.trial), image_grid(tiles, options), view.caption(text)});
  }
}

}  // namespace nnlab
