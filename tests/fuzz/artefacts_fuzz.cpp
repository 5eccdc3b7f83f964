// Every decoder of what the run store keeps, on bytes as a damaged or foreign store could hold
// them. Input: a byte choosing the decoder, then its bytes:
//   0 weights, snapshot and update artefacts (safetensors, one member of a population)
//   1 a metric series chunk (its row's first epoch, count and form, then the two blobs)
//   2 "histograms"   3 "confusion"   4 "activations" and "feature_maps" (a layer's outputs on test
//   images)   5 the plan source   6 stored text (UTF-8)
// The report's decoders never throw (a damaged artefact drops its figure); the store's and the
// plan's refuse with an InputError naming where.
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "experiment/resume.hpp"
#include "fuzz_support.hpp"
#include "report/stored_documents.hpp"
#include "report/stored_weights.hpp"
#include "store/series_chunk.hpp"
#include "store/stored_text.hpp"

namespace {

using namespace nnlab;

void series_chunk(FuzzedDataProvider& input) {
  const auto first_epoch = input.ConsumeIntegral<Epoch>();
  const auto count = input.ConsumeIntegral<Index>();
  const bool contiguous = input.ConsumeBool();
  const std::vector<std::uint8_t> epochs = input.ConsumeBytes<std::uint8_t>(input.ConsumeIntegralInRange<std::size_t>(0, 64));
  const std::vector<std::uint8_t> values = input.ConsumeRemainingBytes<std::uint8_t>();
  fuzz::accepts([&] {
    MetricSeries series;
    decode_chunk(first_epoch, count, contiguous, fuzz::as_bytes(epochs.data(), epochs.size()), fuzz::as_bytes(values.data(), values.size()),
                 "runs.db: series row 1", series);
    if (series.epochs.size() != static_cast<std::size_t>(count) || series.values.size() != series.epochs.size())
      fuzz::finding("a decoded chunk without `count` points", std::to_string(count));
    const MetricSeries merged = merge_points(series);
    if (!std::is_sorted(merged.epochs.begin(), merged.epochs.end()) ||
        std::adjacent_find(merged.epochs.begin(), merged.epochs.end()) != merged.epochs.end())
      fuzz::finding("merged points not in strictly increasing epochs", "");
  });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::uint8_t choice = data[0];
  const std::span<const std::byte> bytes = fuzz::as_bytes(data + 1, size - 1);
  switch (choice % 7) {
    case 0:
      for (const Index member : {Index{0}, Index{1}, Index{3}})
        fuzz::accepts([&] {
          if (const auto layers = decode_layers(bytes, member, "runs.db: run 1: weights")) (void)layers->parameters();
        });
      break;
    case 1: {
      FuzzedDataProvider input(data + 1, size - 1);
      series_chunk(input);
      break;
    }
    case 2:
      fuzz::accepts([&] { (void)decode_histograms(bytes); });
      break;
    case 3:
      fuzz::accepts([&] {
        if (const auto matrix = decode_confusion(bytes); matrix && matrix->values.size() != matrix->rows * matrix->columns)
          fuzz::finding("a confusion matrix of the wrong size", "");
      });
      break;
    case 4:
      fuzz::accepts([&] {
        if (const auto stored = decode_activations(bytes, 1000);
            stored && (stored->labels.size() != stored->points.rows || stored->points.values.size() != stored->points.rows * stored->points.columns))
          fuzz::finding("activations of the wrong size", "");
      });
      fuzz::accepts([&] {
        if (const auto stored = decode_feature_maps(bytes))
          for (const StoredMaps& maps : stored->layers)
            if (maps.maps.empty() || maps.maps.size() > maps.channels || maps.maps.front().values.size() != maps.maps.front().rows * maps.maps.front().columns)
              fuzz::finding("feature maps of the wrong size", "");
      });
      break;
    case 5:
      fuzz::accepts([&] { (void)decode_plan_source(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), "runs.db: run 1"); });
      break;
    case 6:
      fuzz::accepts([&] {
        const std::string text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
        const auto at = invalid_utf8_at(text);
        if (at && *at >= text.size()) fuzz::finding("an invalid UTF-8 byte past the end", std::to_string(*at));
        if (!at) (void)checked_utf8(text, [] { return "runs.db: run 1: runs.name"; });
      });
      break;
  }
  return 0;
}
