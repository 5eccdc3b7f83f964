// The run store's JSON artefacts as the report reads them back: the recorder's "histograms", the
// runner's test-set "confusion" matrix, hidden-layer "activations" (for the t-SNE map) and a
// convolutional model's "feature_maps" of one test image.
// Each decoder takes the artefact's bytes as stored and returns its contents checked, or nullopt
// when they are not of that form — never an exception: a damaged artefact leaves its figure out
// of the report, not the whole report. Internal to the run report (and its fuzz harness).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "report/histogram_outlines.hpp"
#include "core/tensor.hpp"
#include "report/chart_data.hpp"

namespace nnlab {

// {"epoch", "member", "weights": [{"layer", "low", "high", "counts", "nonfinite"?}], "activations": [...]}
struct StoredHistograms {
  std::int64_t epoch = 0;
  Index member = 0;
  struct Entry {
    std::size_t layer = 0;
    BinnedCounts bins;          // finite low <= high, finite counts >= 0
    std::int64_t nonfinite = 0;
  };
  std::vector<Entry> weights, activations;
};
std::optional<StoredHistograms> decode_histograms(std::span<const std::byte> content);

// {"classes": C, "counts": [C*C numbers, row = true class]} -> [C, C], C >= 1.
std::optional<Matrix> decode_confusion(std::span<const std::byte> content);

// {"layer"?: i, "values": [[...], ...], "labels": [...]}: the first `max_points` rows (all of one
// width, every value finite) with their labels (integers in [0, max_stored_label]); at least
// `min_points` of them, else nullopt.
inline constexpr int max_stored_label = 65535;
struct StoredActivations {
  std::optional<int> layer;  // the document's "layer", when it is a non-negative integer
  Matrix points;             // [count, width]
  std::vector<int> labels;   // [count]
};
std::optional<StoredActivations> decode_activations(std::span<const std::byte> content, std::size_t max_points,
                                                    std::size_t min_points = 10);

// {"label"?, "input": maps, "layers": [{"layer": i, "kind"?: "conv2d", ...maps}, ...]} (kind: letters, digits, _)
// (experiment/feature_maps.hpp), maps = {"shape": [C, H, W], "channels": k in [1, C],
// "values": [k·H·W finite numbers, channel-major]}; sides at most max_feature_map_side.
inline constexpr std::int64_t max_feature_map_side = 1 << 16;
struct StoredMaps {
  std::optional<int> layer;  // the config layer; none for the input image
  std::string kind;          // the layer's type as stored ("conv2d", "maxpool2d", ...), at most 40 bytes; "" when absent
  std::size_t channels = 0;  // C of the layer's output, stored or not
  std::vector<Matrix> maps;  // the first k channels, each [H, W]
};
struct StoredFeatureMaps {
  std::optional<int> label;  // the image's class, when a non-negative integer up to max_stored_label
  StoredMaps input;
  std::vector<StoredMaps> layers;
};
std::optional<StoredFeatureMaps> decode_feature_maps(std::span<const std::byte> content);

}  // namespace nnlab
