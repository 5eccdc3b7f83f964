#include "report/stored_documents.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <string_view>

#include "io/json_integers.hpp"

namespace nnlab {

namespace {

using nlohmann::json;

// The artefact's JSON object, or nullopt. nlohmann's parser stops at a NUL byte and would ignore
// what follows, so a NUL makes the document malformed.
std::optional<json> json_object(std::span<const std::byte> content) {
  const std::string_view text(reinterpret_cast<const char*>(content.data()), content.size());
  if (text.find('\0') != std::string_view::npos) return std::nullopt;
  json document = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded() || !document.is_object()) return std::nullopt;
  return document;
}

std::optional<double> finite_number(const json& value) {
  if (!value.is_number()) return std::nullopt;
  const double number = value.get<double>();
  if (!std::isfinite(number)) return std::nullopt;
  return number;
}

constexpr std::int64_t int64_max = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t max_layer = 1 << 20;

std::optional<StoredHistograms::Entry> histogram_entry(const json& entry) {
  if (!entry.is_object() || !entry.contains("layer") || !entry.contains("low") || !entry.contains("high") || !entry.contains("counts"))
    return std::nullopt;
  const auto layer = json_integer_in(entry["layer"], 0, max_layer);
  const auto low = finite_number(entry["low"]), high = finite_number(entry["high"]);
  const json& counts = entry["counts"];
  if (!layer || !low || !high || *low > *high || !counts.is_array()) return std::nullopt;
  StoredHistograms::Entry parsed{.layer = static_cast<std::size_t>(*layer), .bins = BinnedCounts{.low = *low, .high = *high, .counts = {}},
                                 .nonfinite = 0};
  for (const json& count : counts) {
    const auto value = finite_number(count);
    if (!value || *value < 0) return std::nullopt;
    parsed.bins.counts.push_back(*value);
  }
  if (entry.contains("nonfinite")) {
    const auto nonfinite = json_integer_in(entry["nonfinite"], 0, int64_max);
    if (!nonfinite) return std::nullopt;
    parsed.nonfinite = *nonfinite;
  }
  return parsed;
}

// {"shape": [C, H, W], "channels": k, "values": [k·H·W numbers]} -> k maps [H, W].
std::optional<StoredMaps> stored_maps(const json& entry) {
  if (!entry.is_object() || !entry.contains("shape") || !entry.contains("channels") || !entry.contains("values")) return std::nullopt;
  const json& shape = entry["shape"];
  const json& values = entry["values"];
  if (!shape.is_array() || shape.size() != 3 || !values.is_array()) return std::nullopt;
  std::int64_t sides[3] = {};
  for (std::size_t axis = 0; axis < 3; ++axis) {
    const auto side = json_integer_in(shape[axis], 1, max_feature_map_side);
    if (!side) return std::nullopt;
    sides[axis] = *side;
  }
  const auto channels = json_integer_in(entry["channels"], 1, sides[0]);
  // At most 2^48 values: the product cannot overflow.
  if (!channels || values.size() != static_cast<std::uint64_t>(*channels * sides[1] * sides[2])) return std::nullopt;
  StoredMaps stored{.layer = std::nullopt, .kind = "", .channels = static_cast<std::size_t>(sides[0]), .maps = {}};
  const auto height = static_cast<std::size_t>(sides[1]), width = static_cast<std::size_t>(sides[2]);
  std::size_t next = 0;
  for (std::int64_t c = 0; c < *channels; ++c) {
    Matrix map{height, width, {}};
    map.values.reserve(height * width);
    for (std::size_t i = 0; i < height * width; ++i) {
      const auto value = finite_number(values[next++]);
      if (!value) return std::nullopt;
      map.values.push_back(*value);
    }
    stored.maps.push_back(std::move(map));
  }
  return stored;
}

}  // namespace

std::optional<StoredHistograms> decode_histograms(std::span<const std::byte> content) {
  const auto document = json_object(content);
  if (!document || !document->contains("epoch") || !document->contains("member")) return std::nullopt;
  const auto epoch = json_integer_in((*document)["epoch"], 0, int64_max);
  const auto member = json_integer_in((*document)["member"], 0, int64_max);
  if (!epoch || !member) return std::nullopt;
  StoredHistograms stored{.epoch = *epoch, .member = static_cast<Index>(*member), .weights = {}, .activations = {}};
  for (auto [kind, entries] : {std::pair{"weights", &stored.weights}, std::pair{"activations", &stored.activations}}) {
    if (!document->contains(kind)) continue;
    const json& list = (*document)[kind];
    if (!list.is_array()) return std::nullopt;
    for (const json& entry : list) {
      auto parsed = histogram_entry(entry);
      if (!parsed) return std::nullopt;
      entries->push_back(std::move(*parsed));
    }
  }
  return stored;
}

std::optional<Matrix> decode_confusion(std::span<const std::byte> content) {
  const auto document = json_object(content);
  if (!document || !document->contains("classes") || !document->contains("counts")) return std::nullopt;
  const json& counts = (*document)["counts"];
  const auto classes = json_integer_in((*document)["classes"], 1, int64_max);
  if (!classes || !counts.is_array()) return std::nullopt;
  // classes^2 == counts.size(), written so that it cannot overflow.
  const auto c = static_cast<std::uint64_t>(*classes);
  if (counts.size() % c != 0 || counts.size() / c != c) return std::nullopt;
  Matrix matrix{static_cast<std::size_t>(c), static_cast<std::size_t>(c), {}};
  matrix.values.reserve(counts.size());
  for (const json& count : counts) {
    const auto value = finite_number(count);
    if (!value || *value < 0) return std::nullopt;
    matrix.values.push_back(*value);
  }
  return matrix;
}

std::optional<StoredActivations> decode_activations(std::span<const std::byte> content, std::size_t max_points, std::size_t min_points) {
  const auto document = json_object(content);
  if (!document || !document->contains("values") || !document->contains("labels")) return std::nullopt;
  const json& rows = (*document)["values"];
  const json& labels = (*document)["labels"];
  if (!rows.is_array() || !labels.is_array()) return std::nullopt;
  const std::size_t count = std::min({rows.size(), labels.size(), max_points});
  if (count == 0 || count < min_points || !rows[0].is_array() || rows[0].empty()) return std::nullopt;
  StoredActivations stored;
  if (document->contains("layer"))
    if (const auto layer = json_integer_in((*document)["layer"], 0, max_layer)) stored.layer = static_cast<int>(*layer);
  stored.points = Matrix{count, rows[0].size(), {}};
  for (std::size_t i = 0; i < count; ++i) {
    const auto label = json_integer_in(labels[i], 0, max_stored_label);
    if (!rows[i].is_array() || rows[i].size() != stored.points.columns || !label) return std::nullopt;
    for (const json& value : rows[i]) {
      const auto number = finite_number(value);
      if (!number) return std::nullopt;
      stored.points.values.push_back(*number);
    }
    stored.labels.push_back(static_cast<int>(*label));
  }
  return stored;
}

std::optional<StoredFeatureMaps> decode_feature_maps(std::span<const std::byte> content) {
  constexpr std::size_t max_kind = 40;
  const auto document = json_object(content);
  if (!document || !document->contains("input") || !document->contains("layers") || !(*document)["layers"].is_array()) return std::nullopt;
  auto input = stored_maps((*document)["input"]);
  if (!input) return std::nullopt;
  StoredFeatureMaps stored{.label = std::nullopt, .input = std::move(*input), .layers = {}};
  if (document->contains("label"))
    if (const auto label = json_integer_in((*document)["label"], 0, max_stored_label)) stored.label = static_cast<int>(*label);
  for (const json& entry : (*document)["layers"]) {
    auto maps = stored_maps(entry);
    if (!maps || !entry.contains("layer")) return std::nullopt;
    const auto layer = json_integer_in(entry["layer"], 0, max_layer);
    if (!layer) return std::nullopt;
    maps->layer = static_cast<int>(*layer);
    if (entry.contains("kind")) {  // a layer type's name: letters, digits and '_' only, as nnlab writes them
      if (!entry["kind"].is_string()) return std::nullopt;
      const auto& kind = entry["kind"].get_ref<const std::string&>();
      const bool plain = std::all_of(kind.begin(), kind.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
      if (kind.size() > max_kind || !plain) return std::nullopt;
      maps->kind = kind;
    }
    stored.layers.push_back(std::move(*maps));
  }
  if (stored.layers.empty()) return std::nullopt;
  return stored;
}

}  // namespace nnlab
