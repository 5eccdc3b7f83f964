// The feature maps of the first test image, stored after training for each trial's median member
// ("feature_maps" / "test-0"): one small convolutional run on 6 x 6 synthetic images, its stored
// maps checked against the model's own layer outputs recomputed here from the stored final weights;
// no artefact for a model without convolution; and the rounding that keeps the artefact small.
#include "experiment/feature_maps.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "experiment/data_setup.hpp"
#include "experiment/runner.hpp"
#include "experiment/test_pictures.hpp"
#include "io/safetensors.hpp"
#include "store/store.hpp"
#include "support/scratch_directory.hpp"

namespace nnlab {
namespace {

using nlohmann::json;

// `rows` images of 6 x 6 pixels (a bright bar whose place depends on the class, plus a ramp) and a
// label column.
void write_images(const std::filesystem::path& file, int rows, int offset) {
  std::ofstream out(file);
  for (int r = 0; r < rows; ++r) {
    const int label = (r + offset) % 3;
    for (int p = 0; p < 36; ++p) {
      const double bar = p / 6 == 2 * label ? 1.0 : 0.0;
      out << bar + 0.01 * ((p * 7 + r * 3 + offset) % 11) << ",";
    }
    out << label << "\n";
  }
}

std::string conv_experiment(const testing::ScratchDirectory& scratch, const std::string& layers) {
  write_images(scratch / "train.csv", 30, 0);
  write_images(scratch / "test.csv", 9, 1);
  return "seed: 4\nreplicates: 3\n"
         "data: {train: {source: csv, path: " + (scratch / "train.csv").string() + "}, test: {source: csv, path: " +
         (scratch / "test.csv").string() + "}}\n"
         "model:\n  input_shape: [1, 6, 6]\n  layers: " + layers + "\n"
         "loss: cross_entropy\noptimizer: {type: adam, lr: 0.01}\ntrain: {epochs: 3, batch: 10}\n";
}

std::vector<std::string> feature_map_artefacts(const RunStore& store, RunId run) {
  std::vector<std::string> found;
  for (const ArtefactInfo& artefact : store.list_artefacts(run))
    if (artefact.label.kind == "feature_maps") found.push_back(fmt::format("{}/{}", *artefact.label.member, artefact.label.name));
  return found;
}

TEST(FeatureMaps, TheMedianMembersMapsAreItsLayerOutputsOnTheFirstTestImage) {
  testing::ScratchDirectory scratch;
  // 34 filters: more than the 32 channels kept.
  const ExperimentConfig config = parse_experiment(
      conv_experiment(scratch, "[{type: conv2d, filters: 34, kernel: 3, activation: relu}, {type: maxpool2d, size: 2}, {type: flatten}, "
                               "{type: dense, units: 3}]"),
      "conv.yaml");
  RunStore store(scratch / "runs.db");
  const RunSummary summary = run_experiment(config, RunOptions{.store = &store});
  ASSERT_EQ(summary.members.size(), 3u);
  std::vector<MemberResult> results;
  for (const MemberSummary& member : summary.members) results.push_back(member.result);
  const std::vector<Index> everyone{0, 1, 2};
  const Index median = median_member(everyone, results);
  EXPECT_EQ(feature_map_artefacts(store, summary.run_id), (std::vector<std::string>{fmt::format("{}/test-0", median)}));

  const auto artefact = store.get_artefact(summary.run_id, ArtefactLabel{.member = median, .kind = "feature_maps", .name = "test-0", .epoch = std::nullopt});
  ASSERT_TRUE(artefact.has_value());
  const json document = json::parse(bytes_text(artefact->content));
  const ExperimentData data = load_experiment_data(config);
  ASSERT_TRUE(data.test.has_value());
  EXPECT_EQ(document.at("member"), median);
  EXPECT_EQ(document.at("label"), data.test->labels[0]);
  EXPECT_EQ(document.at("input").at("shape"), json({1, 6, 6}));
  EXPECT_EQ(document.at("input").at("channels"), 1);
  ASSERT_EQ(document.at("layers").size(), 2u);  // conv2d and maxpool2d; not flatten or dense
  const json& conv = document["layers"][0];
  const json& pool = document["layers"][1];
  EXPECT_EQ(conv.at("layer"), 0);
  EXPECT_EQ(conv.at("kind"), "conv2d");
  EXPECT_EQ(conv.at("shape"), json({34, 4, 4}));
  EXPECT_EQ(conv.at("channels"), 32);
  EXPECT_EQ(conv.at("values").size(), 32u * 16u);
  EXPECT_EQ(pool.at("layer"), 1);
  EXPECT_EQ(pool.at("kind"), "maxpool2d");
  EXPECT_EQ(pool.at("shape"), json({34, 2, 2}));
  EXPECT_EQ(pool.at("values").size(), 32u * 4u);

  // The same member alone, from the stored final weights, on the first test image.
  ModelSpec spec = config.model;
  spec.inputs = data.train.features();
  const std::vector<ModelSpec> specs{spec};
  const std::vector<std::uint64_t> seeds{99};  // replaced by the stored weights
  Sequential<float> model(specs, seeds, true);
  const auto weights = store.get_artefact(summary.run_id, ArtefactLabel{.member = std::nullopt, .kind = "weights", .name = "population-0", .epoch = 3});
  ASSERT_TRUE(weights.has_value());
  const SafetensorsFile file = parse_safetensors(weights->content, "weights");
  std::map<std::string, const Tensor*> stored;
  for (const NamedTensor& tensor : file.tensors) stored[tensor.name] = &tensor.value;
  for (const ParameterRef<float>& parameter : model.parameters()) {
    ASSERT_TRUE(stored.contains(parameter.name)) << parameter.name;
    std::copy_n(stored[parameter.name]->slice(median), parameter.value->size(), parameter.value->data());
  }
  Tensor image({1, 1, 36});
  std::copy_n(data.test->inputs.data(), 36, image.data());
  model.forward(image, ForwardContext{.mode = Mode::eval});
  const auto outputs = model.layer_outputs();
  const auto expect_maps = [](const json& values, const float* expected, std::size_t count, const char* what) {
    ASSERT_EQ(values.size(), count) << what;
    double largest = 0;
    for (std::size_t i = 0; i < count; ++i) largest = std::max(largest, std::abs(static_cast<double>(expected[i])));
    ASSERT_GT(largest, 0) << what;
    for (std::size_t i = 0; i < count; ++i)  // three significant digits of the largest: within 0.5 % of it
      EXPECT_NEAR(values[i].get<double>(), expected[i], 0.005 * largest) << what << " value " << i;
  };
  expect_maps(document["input"]["values"], image.data(), 36, "input");
  expect_maps(conv["values"], outputs[0]->data(), 32 * 16, "conv2d");  // channels 0..31 of 34 open the example's block
  expect_maps(pool["values"], outputs[1]->data(), 32 * 4, "maxpool2d");
}

TEST(FeatureMaps, AModelWithoutConvolutionStoresNone) {
  testing::ScratchDirectory scratch;
  const ExperimentConfig config = parse_experiment(conv_experiment(scratch, "[{type: flatten}, {type: dense, units: 4, activation: relu}, {type: dense, units: 3}]"),
                                                   "mlp.yaml");
  RunStore store(scratch / "runs.db");
  const RunSummary summary = run_experiment(config, RunOptions{.store = &store});
  EXPECT_TRUE(feature_map_artefacts(store, summary.run_id).empty());
  bool confusion = false;  // the other test pictures are there
  for (const ArtefactInfo& artefact : store.list_artefacts(summary.run_id)) confusion = confusion || artefact.label.kind == "confusion";
  EXPECT_TRUE(confusion);
}

TEST(FeatureMaps, ValuesKeepThreeSignificantDigitsOfTheLargest) {
  EXPECT_EQ(feature_map_value(0.123456f, 0.9), 0.123);
  EXPECT_EQ(feature_map_value(0.123456f, 4.56), 0.12);
  EXPECT_EQ(feature_map_value(-0.0004f, 4.56), 0.0);
  EXPECT_EQ(feature_map_value(1234.5f, 9000.0), 1230.0);
  EXPECT_EQ(feature_map_value(0.5f, 0.0), 0.5);  // an all-zero block has nothing to round against
  EXPECT_EQ(feature_map_value(std::nanf(""), 1.0), 0.0);
  // Printed short, as JSON would write them.
  EXPECT_EQ(json(feature_map_value(0.123456f, 0.9)).dump(), "0.123");
  EXPECT_EQ(json(feature_map_value(0.0123456f, 0.09)).dump(), "0.0123");
}

}  // namespace
}  // namespace nnlab
