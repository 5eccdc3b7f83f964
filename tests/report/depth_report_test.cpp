// The report's activations across depth (issue 10's "5-layer net, three init scales"), from stores
// written here by hand with the recorder's "histograms" artefacts: a panel per trial from its first
// member, a violin per hidden layer (the output layer and identity layers left out), tanh-range
// panels on one y axis, rows by a second swept key, and no figure without two hidden layers.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "report/depth_figures.hpp"
#include "report/run_report.hpp"
#include "report/violins.hpp"
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

json binned(std::size_t layer, double low, double high, std::vector<int> counts) {
  return {{"layer", layer}, {"low", low}, {"high", high}, {"counts", counts}, {"nonfinite", 0}};
}

// A member's histograms at one epoch: `layers` activation entries (the last one the output layer).
void put_activations(RunStore& store, RunId run, Index member, Epoch epoch, const json& layers) {
  const json document = {{"epoch", epoch}, {"member", member}, {"weights", json::array()}, {"activations", layers}};
  store.put_artefact(run, ArtefactLabel{.member = member, .kind = "histograms", .name = fmt::format("epoch-{}", epoch), .epoch = epoch},
                     text_bytes(document.dump()));
}

SyntheticRun init_sweep(const std::vector<std::vector<std::pair<std::string, std::string>>>& trials) {
  SyntheticRun spec{.name = "init", .trials = {}, .epochs = 10};
  for (const auto& parameters : trials) spec.trials.push_back(SyntheticTrial{parameters, 2});
  spec.series = [](const SyntheticMember&, Epoch e) { return std::vector<std::pair<std::string, double>>{{"train_loss", 1.0 / (1 + e)}}; };
  return spec;
}

// Layer l of trial t spreads over ±spread(t, l): five hidden layers and an output layer over ±8.
json five_hidden_layers(const std::function<double(std::size_t)>& spread) {
  json layers = json::array();
  for (std::size_t l = 0; l < 5; ++l) layers.push_back(binned(l, -spread(l), spread(l), {1, 2, 4, 1}));
  layers.push_back(binned(5, -8, 8, {1, 1}));
  return layers;
}

TEST(DepthReport, APanelPerTrialAndAViolinPerHiddenLayerAtTheFirstAndLastEpoch) {
  ScratchDir scratch;
  RunStore store(scratch / "runs.db");
  const std::vector<std::string> inits = {"{normal: 0.01}", "{normal: 1.0}", "xavier_normal"};
  std::vector<std::vector<std::pair<std::string, std::string>>> trials;
  for (const std::string& init : inits) trials.push_back({{"model.init.weight", init}});
  std::vector<SyntheticMember> members;
  const RunId run = testing::record_synthetic_run(store, init_sweep(trials), &members);
  for (const SyntheticMember& m : members) {
    if (m.replicate != 0) continue;  // as the recorder keeps them: each trial's first member
    for (const Epoch e : {Epoch{0}, Epoch{1}, Epoch{10}}) {
      put_activations(store, run, m.member, e, five_hidden_layers([&](std::size_t l) {
        // 1/4, 1/16, ...: vanishing; near 1: saturated; about 0.6 at every depth: healthy. No two
        // layers bin alike (equal bins would mark an identity layer).
        const double depth = static_cast<double>(l) / 64;
        return m.trial == 0 ? std::ldexp(1.0, -2 * static_cast<int>(l + 1)) : m.trial == 1 ? 1.0 - depth : 0.6 - depth;
      }));
    }
  }
  const std::vector<RunId> runs{run};
  const ReportContent content = run_report_content(store, runs);
  EXPECT_EQ(testing::find_report_figure(content, "init-activations-by-depth-epoch-1"), nullptr);
  for (const Epoch e : {Epoch{0}, Epoch{10}}) {
    SCOPED_TRACE(e);
    const ReportFigure* figure = testing::find_report_figure(content, fmt::format("init-activations-by-depth-epoch-{}", e));
    ASSERT_NE(figure, nullptr);
    ASSERT_EQ(figure->figure.panels.size(), 3u);
    EXPECT_EQ(figure->figure.columns, 3);
    std::set<std::string> colours;
    for (std::size_t t = 0; t < 3; ++t) {
      const Panel& panel = figure->figure.panels[t];
      EXPECT_EQ(panel.title, "weight = " + inits[t]);
      EXPECT_EQ(panel.x.categories, (std::vector<std::string>{"0", "1", "2", "3", "4"}));  // the output layer left out
      const auto areas = marks_of_type<AreaMark>(panel);
      ASSERT_EQ(areas.size(), 5u);
      ASSERT_EQ(marks_of_type<RectMark>(panel).size(), 5u);  // a quartile box each
      colours.insert(to_hex(areas[0].fill));
      // Every value within ±1: the panels share [−1, 1] (padded), the tanh range.
      ASSERT_TRUE(panel.y.min && panel.y.max);
      EXPECT_NEAR(*panel.y.min, -1.08, 1e-12);
      EXPECT_NEAR(*panel.y.max, 1.08, 1e-12);
    }
    EXPECT_EQ(colours.size(), 3u);  // coloured by trial
    // Trial 0's layer 2 over ±1/64 in 4 bins of 1/128 holding 1, 2, 4, 1: the quartiles of the binned CDF.
    const BinnedCounts bins{.low = -1.0 / 64, .high = 1.0 / 64, .counts = {1, 2, 4, 1}};
    const RectMark box = marks_of_type<RectMark>(figure->figure.panels[0])[2];
    EXPECT_DOUBLE_EQ(box.y0, *binned_quantile(bins, 0.25));
    EXPECT_DOUBLE_EQ(box.y1, *binned_quantile(bins, 0.75));
    EXPECT_DOUBLE_EQ(box.y0, -0.5 / 128);  // 2 of 8 values: bin 0's one and half of bin 1's two
    EXPECT_DOUBLE_EQ(box.y1, 0.75 / 128);  // 6 of 8: bins 0, 1 and 3 of bin 2's 4 values
    EXPECT_DOUBLE_EQ((box.x0 + box.x1) / 2, 2.0);
    EXPECT_NE(figure->caption.find("vanishing"), std::string::npos);
    EXPECT_NE(figure->caption.find("share that y axis"), std::string::npos);
    EXPECT_NE(figure->caption.find(e == 0 ? "the initial weights" : "epoch 10"), std::string::npos);
  }
  ASSERT_NO_THROW(write_run_report(store, runs, testing::sample_directory(scratch.path()) / "depth-report"));
}

// Two keys: a row per activation, a column per init; the tanh row shares [−1, 1], the relu row's
// ranges differ a hundredfold, so each of its panels keeps its own.
TEST(DepthReport, RowsByTheSecondKeyAndEachRowItsOwnScale) {
  ScratchDir scratch;
  RunStore store(scratch / "runs.db");
  std::vector<std::vector<std::pair<std::string, std::string>>> trials;
  for (const char* activation : {"tanh", "relu"})
    for (const char* init : {"{normal: 0.01}", "{normal: 1.0}", "xavier_normal"})
      trials.push_back({{"model.init.weight", init}, {"activation", activation}});
  std::vector<SyntheticMember> members;
  const RunId run = testing::record_synthetic_run(store, init_sweep(trials), &members);
  for (const SyntheticMember& m : members) {
    if (m.replicate != 0) continue;
    const bool relu = m.trial >= 3;
    json layers = json::array();
    for (std::size_t l = 0; l < 5; ++l)
      layers.push_back(relu ? binned(l, 0, std::pow(10.0, static_cast<double>(m.trial - 3)), {5, 1 + static_cast<int>(l)})
                            : binned(l, -0.5, 0.5, {1, 1 + static_cast<int>(l)}));
    layers.push_back(binned(5, -3, 3, {1}));
    put_activations(store, run, m.member, 0, layers);
  }
  const std::vector<RunId> runs{run};
  const ReportContent content = run_report_content(store, runs);
  const ReportFigure* figure = testing::find_report_figure(content, "init-activations-by-depth-epoch-0");
  ASSERT_NE(figure, nullptr);
  ASSERT_EQ(figure->figure.panels.size(), 6u);
  EXPECT_EQ(figure->figure.columns, 3);
  for (std::size_t p = 0; p < 6; ++p) {
    SCOPED_TRACE(p);
    const Panel& panel = figure->figure.panels[p];
    EXPECT_NE(panel.title.find(p < 3 ? "activation = tanh" : "activation = relu"), std::string::npos) << panel.title;
    EXPECT_EQ(panel.y.min.has_value(), p < 3);
  }
  EXPECT_NE(figure->caption.find("their own y axis"), std::string::npos);
}

// A dropout net without a sweep: layers 1 and 3 bin exactly as the layer before (the identity in
// evaluation) and are left out; a run with one hidden layer gets no depth figure at all.
TEST(DepthReport, IdentityLayersAreLeftOutAndOneHiddenLayerDrawsNothing) {
  ScratchDir scratch;
  RunStore store(scratch / "runs.db");
  SyntheticRun spec = init_sweep({{}});
  spec.name = "drop";
  const RunId run = testing::record_synthetic_run(store, spec);
  const json dense_0 = binned(0, 0, 3, {6, 2, 1}), dense_2 = binned(2, 0, 5, {7, 1, 1});
  json copy_1 = dense_0, copy_3 = dense_2;
  copy_1["layer"] = 1;
  copy_3["layer"] = 3;
  put_activations(store, run, 0, 0, json::array({dense_0, copy_1, dense_2, copy_3, binned(4, -4, 4, {1, 1})}));
  const std::vector<RunId> runs{run};
  const ReportContent content = run_report_content(store, runs);
  const ReportFigure* figure = testing::find_report_figure(content, "drop-activations-by-depth-epoch-0");
  ASSERT_NE(figure, nullptr);
  ASSERT_EQ(figure->figure.panels.size(), 1u);
  const Panel& panel = figure->figure.panels[0];
  EXPECT_EQ(panel.x.categories, (std::vector<std::string>{"0", "2"}));
  EXPECT_NE(panel.title.find("member 0"), std::string::npos);
  EXPECT_FALSE(panel.y.min.has_value());  // one panel beyond ±1: its own scale
  EXPECT_NE(figure->caption.find("Layers 1 and 3 are left out"), std::string::npos) << figure->caption;

  const RunId shallow = testing::record_synthetic_run(store, spec);
  put_activations(store, shallow, 0, 0, json::array({binned(0, -1, 1, {1, 2}), binned(1, -1, 1, {2, 1})}));
  const std::vector<RunId> shallow_runs{shallow};
  const ReportContent shallow_content = run_report_content(store, shallow_runs);
  EXPECT_TRUE(testing::figures_containing(shallow_content, "activations-by-depth").empty());
  EXPECT_NE(testing::find_report_figure(shallow_content, "drop-histogram-activations"), nullptr);  // the histograms still are
}

}  // namespace
}  // namespace nnlab
