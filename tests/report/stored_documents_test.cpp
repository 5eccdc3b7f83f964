// The report's decoders of stored JSON artefacts: what the runner and recorder write is read
// back; anything else is nullopt, never an exception, an overflow or a huge allocation.
#include "report/stored_documents.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace nnlab {
namespace {

std::vector<std::byte> bytes(const std::string& text) {
  std::vector<std::byte> out(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) out[i] = static_cast<std::byte>(text[i]);
  return out;
}

TEST(StoredDocuments, DecodesHistograms) {
  const auto stored = decode_histograms(bytes(
      R"({"epoch": 10, "member": 2, "weights": [{"layer": 1, "low": -1, "high": 1, "counts": [1, 0, 3], "nonfinite": 2}],
          "activations": [{"layer": 0, "low": 0, "high": 0, "counts": [5]}]})"));
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->epoch, 10);
  EXPECT_EQ(stored->member, 2);
  ASSERT_EQ(stored->weights.size(), 1u);
  EXPECT_EQ(stored->weights[0].layer, 1u);
  EXPECT_EQ(stored->weights[0].bins.counts, (std::vector<double>{1, 0, 3}));
  EXPECT_EQ(stored->weights[0].nonfinite, 2);
  ASSERT_EQ(stored->activations.size(), 1u);
  EXPECT_EQ(stored->activations[0].nonfinite, 0);
}

TEST(StoredDocuments, RefusesMalformedHistograms) {
  for (const char* text : {R"({"epoch": 1})", R"({"epoch": -1, "member": 0})", R"({"epoch": 1.5, "member": 0})",
                           R"({"epoch": 1, "member": 0, "weights": {}})",
                           R"({"epoch": 1, "member": 0, "weights": [{"layer": -1, "low": 0, "high": 1, "counts": [1]}]})",
                           R"({"epoch": 1, "member": 0, "weights": [{"layer": 0, "low": 1, "high": 0, "counts": [1]}]})",
                           R"({"epoch": 1, "member": 0, "weights": [{"layer": 0, "low": 0, "high": 1, "counts": [-1]}]})",
                           R"({"epoch": 1, "member": 0, "weights": [{"layer": 0, "low": 0, "high": 1, "counts": ["1"]}]})",
                           R"({"epoch": 1, "member": 0, "weights": [{"layer": 0, "low": 0, "high": 1, "counts": [1], "nonfinite": 1e300}]})",
                           "[1, 2]", "not json", ""})
    EXPECT_FALSE(decode_histograms(bytes(text)).has_value()) << text;
  EXPECT_FALSE(decode_histograms(bytes(std::string(R"({"epoch": 1, "member": 0})") + std::string(1, '\0') + "x")).has_value());
}

TEST(StoredDocuments, DecodesConfusionMatrices) {
  const auto matrix = decode_confusion(bytes(R"({"classes": 2, "counts": [5, 1, 0, 4]})"));
  ASSERT_TRUE(matrix.has_value());
  EXPECT_EQ(matrix->rows, 2u);
  EXPECT_EQ(matrix->columns, 2u);
  EXPECT_EQ(matrix->at(0, 1), 1.0);
  // classes^2 must be the count: 2^32 classes with no counts wrapped to 0 = 0 with a multiplication.
  for (const char* text : {R"({"classes": 0, "counts": []})", R"({"classes": 4294967296, "counts": []})", R"({"classes": 2, "counts": [1, 2, 3]})",
                           R"({"classes": 2.0, "counts": [1, 2, 3, 4]})", R"({"classes": 2, "counts": [1, 2, 3, -4]})",
                           R"({"classes": 1, "counts": ["1"]})", R"({"counts": [1]})"})
    EXPECT_FALSE(decode_confusion(bytes(text)).has_value()) << text;
}

TEST(StoredDocuments, DecodesActivationsUpToMaxPoints) {
  const auto stored = decode_activations(bytes(R"({"layer": 1, "values": [[1, 2], [3, 4], [5, 6]], "labels": [0, 2, 1]})"), 2, 1);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->layer, 1);
  EXPECT_EQ(stored->points.rows, 2u);
  EXPECT_EQ(stored->points.values, (std::vector<double>{1, 2, 3, 4}));
  EXPECT_EQ(stored->labels, (std::vector<int>{0, 2}));
  // Before this decoder, a "layer" that was not an integer threw out of the whole report.
  const auto no_layer = decode_activations(bytes(R"({"layer": "x", "values": [[1]], "labels": [0]})"), 10, 1);
  ASSERT_TRUE(no_layer.has_value());
  EXPECT_FALSE(no_layer->layer.has_value());
  for (const char* text : {R"({"values": [[1], [2, 3]], "labels": [0, 1]})", R"({"values": [[1]], "labels": [2147483647]})",
                           R"({"values": [[1]], "labels": [-1]})", R"({"values": [["1"]], "labels": [0]})", R"({"values": [[]], "labels": [0]})",
                           R"({"values": [1], "labels": [0]})", R"({"values": [], "labels": []})"})
    EXPECT_FALSE(decode_activations(bytes(text), 10, 1).has_value()) << text;
  EXPECT_FALSE(decode_activations(bytes(R"({"values": [[1]], "labels": [0]})"), 10, 2).has_value());  // fewer than min_points
}

}  // namespace
}  // namespace nnlab

namespace nnlab {
namespace {

// experiment/feature_maps.hpp's document: the input image and two layers, the second cut to 1 of 2 channels.
const char* feature_maps_text = R"({"member": 2, "example": 0, "label": 7,
    "input": {"shape": [1, 2, 3], "channels": 1, "values": [0, 0.5, 1, 0, 0.25, 0]},
    "layers": [{"layer": 0, "kind": "conv2d", "shape": [2, 1, 2], "channels": 2, "values": [1, -2, 3, 4]},
               {"layer": 1, "kind": "maxpool2d", "shape": [2, 1, 1], "channels": 1, "values": [4]}]})";

TEST(StoredDocuments, DecodesFeatureMaps) {
  const auto stored = decode_feature_maps(bytes(feature_maps_text));
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->label, 7);
  EXPECT_FALSE(stored->input.layer.has_value());
  EXPECT_EQ(stored->input.channels, 1u);
  ASSERT_EQ(stored->input.maps.size(), 1u);
  EXPECT_EQ(stored->input.maps[0].rows, 2u);
  EXPECT_EQ(stored->input.maps[0].columns, 3u);
  EXPECT_EQ(stored->input.maps[0].values, (std::vector<double>{0, 0.5, 1, 0, 0.25, 0}));
  ASSERT_EQ(stored->layers.size(), 2u);
  const StoredMaps& conv = stored->layers[0];
  EXPECT_EQ(conv.layer, 0);
  EXPECT_EQ(conv.kind, "conv2d");
  ASSERT_EQ(conv.maps.size(), 2u);
  EXPECT_EQ(conv.maps[1].values, (std::vector<double>{3, 4}));  // channel-major
  EXPECT_EQ(stored->layers[1].channels, 2u);  // of which one is stored
  EXPECT_EQ(stored->layers[1].maps.size(), 1u);
}

TEST(StoredDocuments, RefusesMalformedFeatureMaps) {
  const std::string good = feature_maps_text;
  const auto with = [&](const std::string& from, const std::string& to) {
    std::string text = good;
    const std::size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return at == std::string::npos ? text : text.replace(at, from.size(), to);
  };
  const std::vector<std::string> malformed = {
      "", "[]", "not json", R"({"input": 7, "layers": []})", with(R"("layers": [)", R"("layers": 3, "x": [)"),
      R"({"input": {"shape": [1, 1, 1], "channels": 1, "values": [0]}, "layers": []})",  // no layer
      with(R"("shape": [1, 2, 3])", R"("shape": [1, 2])"), with(R"("shape": [1, 2, 3])", R"("shape": [1, 0, 3])"),
      with(R"("shape": [1, 2, 3])", R"("shape": [1, 2, 3.5])"), with(R"("shape": [1, 2, 3])", R"("shape": [1, 2, 99999999])"),
      with(R"("shape": [1, 2, 3], "channels": 1)", R"("shape": [1, 2, 3], "channels": 2)"),  // more channels than C
      with(R"("shape": [1, 2, 3], "channels": 1)", R"("shape": [1, 2, 3], "channels": 0)"),
      with(R"("values": [0, 0.5, 1, 0, 0.25, 0])", R"("values": [0, 0.5, 1, 0, 0.25])"),  // one value short
      with(R"("values": [0, 0.5, 1, 0, 0.25, 0])", R"("values": [0, 0.5, 1, 0, 0.25, "0"])"),
      with(R"("values": [4])", R"("values": [1e999])"), with(R"("layer": 1,)", R"("layer": -1,)"), with(R"("layer": 1,)", ""),
      with(R"("kind": "maxpool2d")", R"("kind": "max\u0000pool")"), with(R"("kind": "maxpool2d")", R"("kind": "<b>pool</b>")"),
      with(R"("kind": "maxpool2d")", R"("kind": 2)"), good + std::string(1, '\0') + "}"};
  for (const std::string& text : malformed) EXPECT_FALSE(decode_feature_maps(bytes(text)).has_value()) << text;
  // A label that is not a class leaves the image unnamed, not the figure out.
  const auto unlabelled = decode_feature_maps(bytes(with(R"("label": 7)", R"("label": -3)")));
  ASSERT_TRUE(unlabelled.has_value());
  EXPECT_FALSE(unlabelled->label.has_value());
}

}  // namespace
}  // namespace nnlab
