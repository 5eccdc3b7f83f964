// The run report's pictures of a convolutional model, from stores written here by hand: the first
// conv2d layer's filters at initialisation and at the end of training for each trial's median
// member, and the feature maps of the first test image; neither for an MLP, and a damaged feature
// map artefact drops its figure, not the report.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "io/model_file.hpp"
#include "report/run_report.hpp"
#include "report_test_support.hpp"
#include "synthetic_runs.hpp"

namespace nnlab {
namespace {

using nlohmann::json;
using testing::marks_of_type;
using testing::ScratchDir;
using testing::SyntheticMember;
using testing::SyntheticRun;
using testing::SyntheticTrial;

// Three replicates whose final train losses make member 2 the median (0.9, 0.1, 0.5).
SyntheticRun three_members(const std::string& name) {
  SyntheticRun spec{.name = name, .trials = {SyntheticTrial{{}, 3}}, .epochs = 4};
  spec.member_summary = [](const SyntheticMember& m, json& entry) { entry["train_loss"] = std::vector<double>{0.9, 0.1, 0.5}[static_cast<std::size_t>(m.member)]; };
  return spec;
}

// Final weights of three members: conv filters [3, 5, 2, 3, 3], member m's filter f channel c pixel
// i = 10 m + f + i + 2 c (channel mean 10 m + f + i + 1); a dense layer [3, 3, 20].
void put_conv_weights(RunStore& store, RunId run) {
  Tensor filters({3, 5, 2, 3, 3});
  for (Index m = 0; m < 3; ++m)
    for (Index f = 0; f < 5; ++f)
      for (Index c = 0; c < 2; ++c)
        for (Index i = 0; i < 9; ++i) filters.data()[(((m * 5 + f) * 2 + c) * 9) + i] = static_cast<float>(10 * m + f + i + 2 * c);
  Tensor dense({3, 3, 20});
  for (Index k = 0; k < dense.size(); ++k) dense.data()[k] = 0.01f * static_cast<float>(k % 5);
  const std::vector<NamedTensor> tensors = {{layer_weight_name(0), filters}, {layer_weight_name(3), dense}};
  store.put_artefact(run, ArtefactLabel{.member = std::nullopt, .kind = "weights", .name = "population-0", .epoch = 4}, model_file_bytes(tensors));
  // Member 0's snapshot at initialisation: zeros.
  const std::vector<NamedTensor> initial = {{layer_weight_name(0), Tensor({1, 5, 2, 3, 3})}, {layer_weight_name(3), Tensor({1, 3, 20})}};
  store.put_artefact(run, ArtefactLabel{.member = 0, .kind = "snapshot", .name = "epoch-0", .epoch = 0}, member_model_file_bytes(initial, 0));
}

// The first test image [1, 4, 4] and two layers of 40 channels, 34 and 40 of them stored.
json feature_maps(Index member) {
  const auto maps = [](std::vector<int> shape, int channels, double value) {
    json values = json::array();
    for (int k = 0; k < channels * shape[1] * shape[2]; ++k) values.push_back(value * (k % 3));
    return json{{"shape", shape}, {"channels", channels}, {"values", values}};
  };
  json conv = maps({40, 2, 2}, 34, 0.5), pool = maps({40, 1, 1}, 40, 1.0);
  conv["layer"] = 0;
  conv["kind"] = "conv2d";
  pool["layer"] = 1;
  pool["kind"] = "maxpool2d";
  return {{"member", member}, {"example", 0}, {"label", 1}, {"input", maps({1, 4, 4}, 1, 0.25)}, {"layers", {conv, pool}}};
}

void put_feature_maps(RunStore& store, RunId run, Index member, const std::string& text) {
  store.put_artefact(run, ArtefactLabel{.member = member, .kind = "feature_maps", .name = "test-0"}, text_bytes(text));
}

TEST(ConvReport, FiltersAtInitialisationAndAtTheEndOfTheMedianMember) {
  ScratchDir scratch;
  RunStore store(scratch / "runs.db");
  const RunId run = testing::record_synthetic_run(store, three_members("cnn"));
  put_conv_weights(store, run);
  put_feature_maps(store, run, 2, feature_maps(2).dump());
  const std::vector<RunId> runs{run};
  const ReportContent content = run_report_content(store, runs);

  const ReportFigure* filters = testing::find_report_figure(content, "cnn-filters-trial-0");
  ASSERT_NE(filters, nullptr);
  ASSERT_EQ(filters->figure.panels.size(), 2u);
  EXPECT_EQ(filters->figure.panels[0].title, "initialisation: max |w| = 0");
  EXPECT_EQ(filters->figure.panels[1].title, "end of training: max |w| = 33");  // 20 + 4 + 8 + 1
  // Zeros are blank: every pixel the map's white middle.
  const auto initial = marks_of_type<ImageMark>(filters->figure.panels[0]);
  ASSERT_EQ(initial.size(), 5u);
  for (const ImageMark& tile : initial)
    for (const Color& pixel : tile.pixels) EXPECT_EQ(pixel, sample(ColorMap::diverging, 0.5));
  // Member 2's channel means 21 + f + i, each filter on its own scale ±(29 + f).
  const auto last = marks_of_type<ImageMark>(filters->figure.panels[1]);
  ASSERT_EQ(last.size(), 5u);
  EXPECT_EQ(last[0].rows, 3);
  EXPECT_EQ(last[0].columns, 3);
  EXPECT_EQ(last[0].x1 - last[0].x0, last[0].y1 - last[0].y0);  // square tiles
  EXPECT_EQ(last[0].pixels[8], sample(ColorMap::diverging, 1.0));
  EXPECT_EQ(last[4].pixels[0], sample(ColorMap::diverging, 0.5 + 25.0 / 66.0));
  EXPECT_FALSE(filters->figure.panels[1].color_bar.has_value());  // one scale per tile: no shared bar
  for (const char* part : {"member 2, seed 102", "median member", "mean of each filter's 2 input channels", "at initialisation member 0",
                           "[5×2×3×3]"})
    EXPECT_NE(filters->caption.find(part), std::string::npos) << part << " in " << filters->caption;

  // The feature maps: the input first, then a grid per layer, at most 32 channels each.
  const ReportFigure* maps = testing::find_report_figure(content, "cnn-feature-maps-trial-0");
  ASSERT_NE(maps, nullptr);
  ASSERT_EQ(maps->figure.panels.size(), 3u);
  EXPECT_EQ(maps->figure.panels[0].title, "input [1×4×4]");
  EXPECT_EQ(marks_of_type<ImageMark>(maps->figure.panels[0]).size(), 1u);
  EXPECT_EQ(maps->figure.panels[1].title, "layer 0 conv2d [40×2×2], first 32");
  EXPECT_EQ(maps->figure.panels[2].title, "layer 1 maxpool2d [40×1×1], first 32");
  const auto conv = marks_of_type<ImageMark>(maps->figure.panels[1]);
  ASSERT_EQ(conv.size(), 32u);
  EXPECT_EQ(conv[0].rows, 2);
  // One scale per layer, ±max|value| = 1: value k of channel 0 is 0.5 (k % 3).
  EXPECT_EQ(maps->figure.panels[1].color_bar->max, 1.0);
  EXPECT_EQ(conv[0].pixels[1], sample(ColorMap::diverging, 0.75));
  for (const char* part : {"member 2, seed 102", "median member", "class 1", "at most 32 channels"})
    EXPECT_NE(maps->caption.find(part), std::string::npos) << part << " in " << maps->caption;
  ASSERT_NO_THROW(write_run_report(store, runs, scratch / "report"));
  EXPECT_TRUE(std::filesystem::exists(scratch / "report" / "cnn-filters-trial-0.png"));
  EXPECT_TRUE(std::filesystem::exists(scratch / "report" / "cnn-feature-maps-trial-0.svg"));
}

TEST(ConvReport, AnMlpRunHasNeither) {
  ScratchDir scratch;
  RunStore store(scratch / "runs.db");
  const RunId run = testing::record_synthetic_run(store, three_members("mlp"));
  Tensor hidden({3, 4, 16}), output({3, 2, 4});
  const std::vector<NamedTensor> tensors = {{layer_weight_name(0), hidden}, {layer_weight_name(1), output}};
  store.put_artefact(run, ArtefactLabel{.member = std::nullopt, .kind = "weights", .name = "population-0", .epoch = 4}, model_file_bytes(tensors));
  store.put_artefact(run, ArtefactLabel{.member = 0, .kind = "snapshot", .name = "epoch-0", .epoch = 0}, testing::layer_file({{4, 16, 0.1f}, {2, 4, 0.1f}}));
  const std::vector<RunId> runs{run};
  const ReportContent content = run_report_content(store, runs);
  EXPECT_NE(testing::find_report_figure(content, "mlp-weights-trial-0-epoch-0"), nullptr);  // the weights are drawn, as before
  EXPECT_TRUE(testing::figures_containing(content, "filters").empty());
  EXPECT_TRUE(testing::figures_containing(content, "feature-maps").empty());
}

TEST(ConvReport, ADamagedFeatureMapArtefactDropsOnlyItsFigure) {
  ScratchDir scratch;
  RunStore store(scratch / "runs.db");
  const RunId run = testing::record_synthetic_run(store, three_members("broken"));
  put_conv_weights(store, run);
  std::string cut = feature_maps(2).dump();
  cut.resize(cut.size() / 2);
  for (const std::string& text : {cut, std::string("{\"input\": 7, \"layers\": []}"), std::string("\xff\xfe")}) {
    SCOPED_TRACE(text.substr(0, 40));
    put_feature_maps(store, run, 2, text);
    const std::vector<RunId> runs{run};
    ReportContent content;
    ASSERT_NO_THROW(content = run_report_content(store, runs));
    EXPECT_TRUE(testing::figures_containing(content, "feature-maps").empty());
    EXPECT_NE(testing::find_report_figure(content, "broken-filters-trial-0"), nullptr);
    ASSERT_NO_THROW(write_run_report(store, runs, scratch / "report"));
  }
}

}  // namespace
}  // namespace nnlab
