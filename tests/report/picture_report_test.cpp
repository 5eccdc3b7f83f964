// The run report's pictures of classes and weights from stores written here by hand: Fashion-MNIST
// class names where the config names that data set, the snapshot member's weights and updates as
// images and 28 x 28 tiles, a small network's Hinton diagram for the right member, each class's
// accuracy over epochs, and a small layer's weights as points instead of a histogram.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "io/model_file.hpp"
#include "report/run_report.hpp"
#include "report/trial_groups.hpp"
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

const std::vector<std::string> fashion = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"};

void put_test_pictures(RunStore& store, RunId run, Index member, int classes) {
  json counts = json::array();
  for (int t = 0; t < classes; ++t)
    for (int p = 0; p < classes; ++p) counts.push_back(t == p ? 9 : 1);
  store.put_artefact(run, ArtefactLabel{.member = member, .kind = "confusion", .name = "test"},
                     text_bytes(json{{"classes", classes}, {"member", member}, {"counts", counts}}.dump()));
  json activations = {{"layer", 0}, {"member", member}, {"labels", json::array()}, {"values", json::array()}};
  for (int i = 0; i < 4 * classes; ++i) {
    activations["labels"].push_back(i % classes);
    activations["values"].push_back({std::cos(i % classes), std::sin(i % classes), 0.01 * i});
  }
  store.put_artefact(run, ArtefactLabel{.member = member, .kind = "activations", .name = "layers.0"}, text_bytes(activations.dump()));
}

TEST(PictureReport, FashionMnistRunsNameTheirClasses) {
  ScratchDir scratch;
  RunStore store(scratch / "runs.db");
  SyntheticRun spec{.name = "fm", .config = "name: fm\ndata:\n  train: {source: fashion-mnist, split: train}\n  test: {source: fashion-mnist}\n"};
  const RunId fm = testing::record_synthetic_run(store, spec);
  put_test_pictures(store, fm, 0, 10);
  SyntheticRun other{.name = "blobs", .config = "name: fashion-mnist-like\ndata: {train: {source: csv, path: blobs.csv}}\n"};
  const RunId blobs = testing::record_synthetic_run(store, other);
  put_test_pictures(store, blobs, 0, 10);

  const std::vector<RunId> fm_run{fm};
  const ReportContent content = run_report_content(store, fm_run);
  const ReportFigure* confusion = testing::find_report_figure(content, "fm-confusion-trial-0");
  ASSERT_NE(confusion, nullptr);
  EXPECT_EQ(confusion->figure.panels[0].x.categories, fashion);
  EXPECT_EQ(confusion->figure.panels[0].y.categories, fashion);
  const ReportFigure* tsne = testing::find_report_figure(content, "fm-tsne-trial-0");
  ASSERT_NE(tsne, nullptr);
  const Panel& map = tsne->figure.panels[0];
  ASSERT_EQ(map.legend.size(), 10u);
  for (std::size_t c = 0; c < 10; ++c) {
    EXPECT_EQ(map.legend[c].label, fashion[c]);
    EXPECT_EQ(map.legend[c].color, class_color(static_cast<int>(c)));  // ten distinct colours
  }
  // The words in a name or a path are not a data source.
  const std::vector<RunId> blobs_run{blobs};
  const ReportContent plain = run_report_content(store, blobs_run);
  const ReportFigure* numbered = testing::find_report_figure(plain, "blobs-confusion-trial-0");
  ASSERT_NE(numbered, nullptr);
  EXPECT_EQ(numbered->figure.panels[0].x.categories.front(), "0");
  EXPECT_TRUE(config_uses_fashion_mnist("data: {train: fashion-mnist}\n"));
  EXPECT_TRUE(config_uses_fashion_mnist("seed: 1\ndata:\n  train:\n    source: fashion-mnist\nmodel: {}\n"));
  EXPECT_FALSE(config_uses_fashion_mnist("name: fashion-mnist-sweep\ndata:\n  train: {source: mnist}\nmodel: {}\n"));
}

TEST(PictureReport, SnapshotsShowEveryLayersWeightsAndUpdatesAsImages) {
  ScratchDir scratch;
  RunStore store(scratch / "runs.db");
  SyntheticRun spec{.name = "lecture3", .trials = {SyntheticTrial{{{"optimizer.lr", "1e-05"}}, 2}}, .epochs = 5};
  const RunId run = testing::record_synthetic_run(store, spec);
  for (const Epoch e : {Epoch{0}, Epoch{5}})
    store.put_artefact(run, ArtefactLabel{.member = 0, .kind = "snapshot", .name = fmt::format("epoch-{}", e), .epoch = e},
                       testing::layer_file({{6, 784, 0.1f}, {3, 6, -0.2f}}));
  store.put_artefact(run, ArtefactLabel{.member = 0, .kind = "update", .name = "epoch-5", .epoch = 5}, testing::layer_file({{6, 784, 1e-4f}, {3, 6, 2e-4f}}));
  const std::vector<RunId> runs{run};
  const ReportContent content = run_report_content(store, runs);
  // Epoch 0: weights only (no update yet), a panel per layer.
  const ReportFigure* initial = testing::find_report_figure(content, "lecture3-weights-trial-0-epoch-0");
  ASSERT_NE(initial, nullptr);
  EXPECT_EQ(initial->figure.columns, 1);
  ASSERT_EQ(initial->figure.panels.size(), 2u);
  // Epoch 5: W and ΔW side by side, each on a scale centred on 0.
  const ReportFigure* last = testing::find_report_figure(content, "lecture3-weights-trial-0-epoch-5");
  ASSERT_NE(last, nullptr);
  EXPECT_EQ(last->figure.columns, 2);
  ASSERT_EQ(last->figure.panels.size(), 4u);
  EXPECT_EQ(last->figure.panels[0].title, "layer 0: W [6×784]");
  EXPECT_EQ(last->figure.panels[1].title, "layer 0: last update ΔW");
  const ColorBar& update_bar = *last->figure.panels[1].color_bar;
  EXPECT_EQ(update_bar.map, ColorMap::diverging);
  EXPECT_FLOAT_EQ(static_cast<float>(update_bar.max), 3e-4f);  // max |value|: 1e-4 * 3
  EXPECT_EQ(update_bar.min, -update_bar.max);
  const auto image = marks_of_type<ImageMark>(last->figure.panels[3]);
  ASSERT_EQ(image.size(), 1u);
  EXPECT_EQ(image[0].rows, 3);
  EXPECT_EQ(image[0].columns, 6);
  // Value k of the second update is 2e-4 * (k % 7 - 3): element 3 is 0, white.
  EXPECT_EQ(image[0].pixels[3], sample(ColorMap::diverging, 0.5));
  EXPECT_EQ(image[0].pixels[0], sample(ColorMap::diverging, 0.0));  // -6e-4, the most negative
  EXPECT_NE(last->caption.find("member 0, seed 100"), std::string::npos);
  // 784 inputs: the first layer's units as 28 x 28 tiles, weights and update.
  const ReportFigure* tiles = testing::find_report_figure(content, "lecture3-first-layer-trial-0-epoch-5");
  ASSERT_NE(tiles, nullptr);
  ASSERT_EQ(tiles->figure.panels.size(), 2u);
  const auto units = marks_of_type<ImageMark>(tiles->figure.panels[0]);
  ASSERT_EQ(units.size(), 6u);
  EXPECT_EQ(units[0].rows, 28);
  EXPECT_EQ(units[0].columns, 28);
}

// A 2-3-1 network's final weights for a population of three: the trial's first successful member is shown.
TEST(PictureReport, TheHintonDiagramShowsTheFirstSuccessfulMember) {
  ScratchDir scratch;
  RunStore store(scratch / "runs.db");
  SyntheticRun spec{.name = "xor", .trials = {SyntheticTrial{{}, 3}}, .epochs = 5};
  spec.member_summary = [](const SyntheticMember& m, json& entry) { entry["success_epoch"] = m.member == 1 ? json(4) : json(nullptr); };
  const RunId run = testing::record_synthetic_run(store, spec);
  Tensor hidden({3, 3, 2});
  Tensor hidden_bias({3, 3});
  Tensor output({3, 1, 3});
  for (Index i = 0; i < hidden.size(); ++i) hidden.data()[i] = static_cast<float>(i) - 8.5f;
  for (Index i = 0; i < hidden_bias.size(); ++i) hidden_bias.data()[i] = 0.25f * static_cast<float>(i);
  for (Index i = 0; i < output.size(); ++i) output.data()[i] = static_cast<float>(i);
  const std::vector<NamedTensor> parameters = {{"layers.0.weight", hidden}, {"layers.0.bias", hidden_bias}, {"layers.1.weight", output}};
  store.put_artefact(run, ArtefactLabel{.member = std::nullopt, .kind = "weights", .name = "population-0", .epoch = 5}, model_file_bytes(parameters));
  const std::vector<RunId> runs{run};
  const ReportContent content = run_report_content(store, runs);
  const ReportFigure* hinton = testing::find_report_figure(content, "xor-hinton-trial-0");
  ASSERT_NE(hinton, nullptr);
  ASSERT_EQ(hinton->figure.panels.size(), 2u);
  // Member 1's hidden weights are elements 6..11 of the [3, 3, 2] tensor: -2.5 ... 2.5; the texts print them.
  const auto texts = marks_of_type<TextMark>(hinton->figure.panels[0]);
  ASSERT_EQ(texts.size(), 9u);  // 3 x 2 weights and 3 biases
  EXPECT_EQ(texts[0].text, "\u22122.5");
  EXPECT_EQ(texts[1].text, "\u22121.5");
  EXPECT_EQ(texts[2].text, "0.75");  // member 1's first bias: element 3 of [3, 3]
  EXPECT_NE(hinton->caption.find("member 1, seed 101"), std::string::npos);
  EXPECT_NE(hinton->caption.find("first member that met the success criterion"), std::string::npos);
}

TEST(PictureReport, ClassAccuracyIsAClassByEpochImage) {
  ScratchDir scratch;
  RunStore store(scratch / "runs.db");
  // Sorted labels: class c is learnt at epoch 2c and forgotten two epochs later; test only from epoch 2.
  SyntheticRun spec{.name = "sorted", .trials = {SyntheticTrial{{}, 3}}, .epochs = 9};
  spec.series = [](const SyntheticMember& m, Epoch e) {
    std::vector<std::pair<std::string, double>> values;
    for (int c = 0; c < 3; ++c) {
      const bool learnt = e >= 2 * c && e < 2 * c + 2;
      values.emplace_back(fmt::format("train_class_accuracy.{}", c), learnt ? 1.0 - 0.1 * m.replicate : 0.1 * m.replicate);
      if (e >= 2) values.emplace_back(fmt::format("test_class_accuracy.{}", c), learnt ? 0.8 : 0.0);
    }
    return values;
  };
  const RunId run = testing::record_synthetic_run(store, spec);
  const std::vector<RunId> runs{run};
  const ReportContent content = run_report_content(store, runs);
  const ReportFigure* figure = testing::find_report_figure(content, "sorted-class-accuracy-trial-0");
  ASSERT_NE(figure, nullptr);
  ASSERT_EQ(figure->figure.panels.size(), 2u);
  const Panel& train = figure->figure.panels[0];
  EXPECT_EQ(train.title, "train set");
  EXPECT_EQ(train.y.categories, (std::vector<std::string>{"0", "1", "2"}));
  const auto image = marks_of_type<ImageMark>(train);
  ASSERT_EQ(image.size(), 1u);
  ASSERT_EQ(image[0].columns, 10);  // epochs 0..9
  ASSERT_EQ(image[0].rows, 3);
  // The median over the members: 0.9 while a class is learnt, 0.1 otherwise, on a 0..1 scale.
  EXPECT_EQ(to_hex(image[0].pixels[0]), to_hex(sample(ColorMap::viridis, 0.9)));           // class 0, epoch 0
  EXPECT_EQ(to_hex(image[0].pixels[1 * 10 + 0]), to_hex(sample(ColorMap::viridis, 0.1)));  // class 1, epoch 0
  EXPECT_EQ(to_hex(image[0].pixels[1 * 10 + 3]), to_hex(sample(ColorMap::viridis, 0.9)));  // class 1, epoch 3
  EXPECT_EQ(to_hex(image[0].pixels[2 * 10 + 3]), to_hex(sample(ColorMap::viridis, 0.1)));  // class 2, epoch 3: not yet
  const auto test_image = marks_of_type<ImageMark>(figure->figure.panels[1]);
  ASSERT_EQ(test_image.size(), 1u);
  EXPECT_EQ(test_image[0].columns, 8);  // test recorded from epoch 2
  EXPECT_NE(figure->caption.find("forgetting"), std::string::npos);
}

// A 6-2-1 network's hidden layer has 12 weights: too few for a histogram, drawn as points from the
// snapshot of each recorded epoch; a layer of 60 values and the probe activations keep their histograms.
TEST(PictureReport, SmallLayersShowTheirWeightsAsPoints) {
  ScratchDir scratch;
  RunStore store(scratch / "runs.db");
  SyntheticRun spec{.name = "mirror", .epochs = 10};
  const RunId run = testing::record_synthetic_run(store, spec);
  for (const Epoch e : {Epoch{0}, Epoch{10}}) {
    const json histogram = {{"epoch", e},
                            {"member", 0},
                            {"weights", {{{"layer", 0}, {"low", -1}, {"high", 1}, {"counts", {3, 6, 3}}, {"nonfinite", 0}},
                                         {{"layer", 1}, {"low", -1}, {"high", 1}, {"counts", {30, 30}}, {"nonfinite", 0}}}},
                            {"activations", {{{"layer", 0}, {"low", 0}, {"high", 1}, {"counts", {60, 68}}, {"nonfinite", 0}}}}};
    store.put_artefact(run, ArtefactLabel{.member = 0, .kind = "histograms", .name = fmt::format("epoch-{}", e), .epoch = e}, text_bytes(histogram.dump()));
    if (e == 10)  // only the last epoch has a snapshot
      store.put_artefact(run, ArtefactLabel{.member = 0, .kind = "snapshot", .name = "epoch-10", .epoch = 10}, testing::layer_file({{2, 6, 0.5f}, {1, 2, 1.0f}}));
  }
  const std::vector<RunId> runs{run};
  const ReportContent content = run_report_content(store, runs);
  const ReportFigure* weights = testing::find_report_figure(content, "mirror-histogram-weights");
  ASSERT_NE(weights, nullptr);
  ASSERT_EQ(weights->figure.panels.size(), 2u);
  const Panel& hidden = weights->figure.panels[0];
  EXPECT_EQ(hidden.y.categories, (std::vector<std::string>{"0", "10"}));  // a row per recorded epoch
  const auto points = marks_of_type<PointMark>(hidden);
  ASSERT_EQ(points.size(), 1u);  // epoch 10 only: epoch 0 has no snapshot
  ASSERT_EQ(points[0].x.size(), 12u);
  EXPECT_EQ(points[0].x[0], -1.5);  // 0.5 * (0 % 7 - 3)
  EXPECT_EQ(points[0].y, std::vector<double>(12, 1.0));
  EXPECT_EQ(points[0].color, palette_color(1));  // the colour of epoch 10's outline
  EXPECT_TRUE(hidden.legend.empty());  // its rows name their epochs; the legend moves to the histogram
  const Panel& wide = weights->figure.panels[1];
  EXPECT_TRUE(wide.y.categories.empty());
  EXPECT_EQ(marks_of_type<LineMark>(wide).size(), 2u);
  ASSERT_EQ(wide.legend.size(), 2u);
  EXPECT_EQ(wide.legend[1].label, "epoch 10");
  const ReportFigure* activations = testing::find_report_figure(content, "mirror-histogram-activations");
  ASSERT_NE(activations, nullptr);
  EXPECT_TRUE(marks_of_type<PointMark>(activations->figure.panels[0]).empty());
  EXPECT_EQ(marks_of_type<LineMark>(activations->figure.panels[0]).size(), 2u);
}

}  // namespace
}  // namespace nnlab
