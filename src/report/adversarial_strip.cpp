#include "report/adversarial_strip.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>
#include <vector>

#include "report/image_grid.hpp"

namespace nnlab {
namespace {

using nlohmann::json;

constexpr const char* rows[] = {"clean", "perturbation", "adversarial"};

struct Strip {
  double eps = 0.0;
  std::int64_t steps = 1;
  std::size_t channels = 1;
  std::vector<std::vector<Matrix>> rows;  // clean, perturbation, adversarial: one tile per image (first channel)
  std::vector<int> labels, clean_predicted, adversarial_predicted;
  std::vector<double> clean_confidence, adversarial_confidence;
};

template <typename T>
std::optional<std::vector<T>> values_of(const json& document, const char* key, std::size_t count) {
  if (!document.contains(key) || !document[key].is_array() || document[key].size() != count) return std::nullopt;
  std::vector<T> values;
  for (const json& value : document[key]) {
    if (!value.is_number()) return std::nullopt;
    values.push_back(value.get<T>());
  }
  return values;
}

std::optional<Strip> decode_strip(std::span<const std::byte> content) {
  const std::string_view text(reinterpret_cast<const char*>(content.data()), content.size());
  if (text.find('\0') != std::string_view::npos) return std::nullopt;
  const json document = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded() || !document.is_object() || !document.contains("eps") || !document["eps"].is_number()) return std::nullopt;
  std::size_t shape[3] = {0, 0, 0};  // channels, height, width
  for (int k = 0; k < 3; ++k) {
    const char* key = k == 0 ? "channels" : k == 1 ? "height" : "width";
    if (!document.contains(key) || !document[key].is_number_unsigned()) return std::nullopt;
    shape[k] = document[key].get<std::size_t>();
    if (shape[k] == 0 || shape[k] > 4096) return std::nullopt;
  }
  Strip strip{.eps = document["eps"].get<double>(), .channels = shape[0]};
  if (document.contains("steps") && document["steps"].is_number_integer()) strip.steps = document["steps"].get<std::int64_t>();
  const std::size_t pixels = shape[1] * shape[2];
  for (const char* key : rows) {
    if (!document.contains(key) || !document[key].is_array() || document[key].empty()) return std::nullopt;
    std::vector<Matrix> tiles;
    for (const json& image : document[key]) {
      if (!image.is_array() || image.size() != shape[0] * pixels) return std::nullopt;
      Matrix tile{shape[1], shape[2], std::vector<double>(pixels)};
      for (std::size_t i = 0; i < pixels; ++i) {
        if (!image[i].is_number()) return std::nullopt;
        tile.values[i] = image[i].get<double>();
      }
      tiles.push_back(std::move(tile));
    }
    if (!strip.rows.empty() && tiles.size() != strip.rows.front().size()) return std::nullopt;
    strip.rows.push_back(std::move(tiles));
  }
  const std::size_t count = strip.rows.front().size();
  auto clean_predicted = values_of<int>(document, "clean_predicted", count), adversarial_predicted = values_of<int>(document, "adversarial_predicted", count);
  auto clean_confidence = values_of<double>(document, "clean_confidence", count),
       adversarial_confidence = values_of<double>(document, "adversarial_confidence", count);
  if (!clean_predicted || !adversarial_predicted || !clean_confidence || !adversarial_confidence) return std::nullopt;
  strip.clean_predicted = std::move(*clean_predicted);
  strip.adversarial_predicted = std::move(*adversarial_predicted);
  strip.clean_confidence = std::move(*clean_confidence);
  strip.adversarial_confidence = std::move(*adversarial_confidence);
  if (auto labels = values_of<int>(document, "labels", count)) strip.labels = std::move(*labels);
  return strip;
}

std::string class_name(const RunView& view, int label) {
  if (label < 0) return "?";
  const auto at = static_cast<std::size_t>(label);
  return at < view.class_names.size() ? view.class_names[at] : fmt::format("class {}", label);
}

}  // namespace

void add_adversarial_strip(ReportSection& section, const RunView& view) {
  const std::vector<ArtefactInfo> artefacts = view.store->list_artefacts(view.id());
  for (const TrialGroup& trial : view.trials) {
    const ArtefactInfo* info = trial_artefact(artefacts, "adversarial", view, trial);
    if (info == nullptr) continue;
    const auto content = view.artefact(info->label);
    if (!content) continue;
    const std::optional<Strip> strip = decode_strip(content->content);
    if (!strip) continue;
    const std::size_t count = strip->rows.front().size();
    std::vector<Matrix> tiles;
    std::vector<std::string> captions;
    for (std::size_t r = 0; r < 3; ++r)
      for (std::size_t i = 0; i < count; ++i) {
        tiles.push_back(strip->rows[r][i]);
        if (r == 0) captions.push_back(fmt::format("{} {:.2f}", class_name(view, strip->clean_predicted[i]), strip->clean_confidence[i]));
        else if (r == 1) captions.push_back(fmt::format("x' − x (±{:g})", strip->eps));
        else captions.push_back(fmt::format("{} {:.2f}", class_name(view, strip->adversarial_predicted[i]), strip->adversarial_confidence[i]));
      }
    std::size_t flipped = 0;
    for (std::size_t i = 0; i < count; ++i) flipped += strip->clean_predicted[i] != strip->adversarial_predicted[i];
    const std::string attack = strip->steps > 1 ? fmt::format("PGD, {} steps", strip->steps) : std::string("FGSM");
    const std::string whose = trial_member_name(view, trial, *info->label.member);
    ImageGridOptions options{.title = view.caption(fmt::format("adversarial examples ({}, eps = {:g}){}", attack, strip->eps,
                                                               view.trials.size() > 1 ? fmt::format(", trial {}", trial.trial) : "")),
                             .captions = captions, .columns = static_cast<int>(count), .shared_scale = false, .value_label = "value",
                             .width = 150 * static_cast<int>(count), .height = 200 + 150 * 3};  // room below the last captions
    std::string text = fmt::format("Adversarial examples at eps = {:g} ({}) of the first {} test images, one per column, for {}; rows: clean, "
                                   "perturbation x' − x, adversarial x'. Captions: the predicted class and its confidence (the probability "
                                   "the model gives it), of the clean and of the adversarial image; the attack changes {} of the {} predictions. ",
                                   strip->eps, attack, count, whose, flipped, count);
    if (!strip->labels.empty()) {
      std::string truth;
      for (const int label : strip->labels) truth += (truth.empty() ? "" : ", ") + class_name(view, label);
      text += fmt::format("True classes: {}. ", truth);
    }
    text += strip->channels > 1 ? "First channel only; each" : "Each";
    text += " tile its own colour scale ±max|value| (red positive, white 0, blue negative), so the perturbation's ±eps is visible.";
    section.blocks.push_back(ReportFigure{fmt::format("{}-adversarial-strip-trial-{}", view.stem, trial.trial), image_grid(tiles, options), view.caption(text)});
  }
}

}  // namespace nnlab
