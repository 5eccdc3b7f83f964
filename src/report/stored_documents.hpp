// The run store's JSON artefacts as the report reads them back: the recorder's "histograms", the
// runner's test-set "confusion" matrix and hidden-layer "activations" (for the t-SNE map).
// Each decoder takes the artefact's bytes as stored and returns its contents checked, or nullopt
// when they are not of that form — never an exception: a damaged artefact leaves its figure out
// of the report, not the whole report. Internal to the run report (and its fuzz harness).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
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

}  // namespace nnlab
