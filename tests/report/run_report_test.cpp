// The run report drawn from a store built here by hand: the per-layer unit-activity figures,
// the network's sum of absolute weights and the weight/activation histograms render as
// non-blank PNGs of the expected size, and are left out when the run lacks their data.
#include "report/run_report.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <string>
#include <variant>
#include <vector>

#include "report/color.hpp"
#include "report_test_support.hpp"

namespace nnlab {
namespace {

using testing::PngProbe;
using testing::ScratchDir;

constexpr Index members = 6;
constexpr Epoch epochs = 30;

// A finished run of `members` members with train loss and per-layer series; `with_new_data`
// adds weight_l1, dead/saturated fractions and two histogram artefacts.
RunId record_run(RunStore& store, bool with_new_data) {
  const RunId run = store.begin_run(RunStart{.name = with_new_data ? "full" : "bare", .config_path = "x.yaml", .resolved_config = "name: x\n",
                                             .nnlab_version = "test", .config_git_commit = ""});
  store.add_population(run, PopulationInfo{.population = 0, .description = "6-8-1"});
  std::vector<MemberStart> starts;
  for (Index m = 0; m < members; ++m) starts.push_back(MemberStart{.member = m, .population = 0, .seed = static_cast<std::uint64_t>(m), .hyperparameters_json = "{}"});
  store.add_members(run, starts);
  for (Index m = 0; m < members; ++m) {
    std::vector<Epoch> x;
    std::vector<float> loss, norm, l1_first, l1_second, dead, saturated;
    for (Epoch e = 0; e <= epochs; ++e) {
      const double t = static_cast<double>(e) / epochs;
      x.push_back(e);
      loss.push_back(static_cast<float>(std::exp(-3 * t) + 0.01 * static_cast<double>(m)));
      norm.push_back(static_cast<float>(1 + t));
      l1_first.push_back(static_cast<float>(5 + 10 * t * (1 + 0.1 * static_cast<double>(m))));
      l1_second.push_back(static_cast<float>(2 + 3 * t));
      dead.push_back(static_cast<float>(0.5 * t));
      saturated.push_back(static_cast<float>(0.8 * t * t));
    }
    store.append_series(run, m, "train_loss", x, loss);
    store.append_series(run, m, "layers.0.weight_norm", x, norm);
    if (with_new_data) {
      store.append_series(run, m, "layers.0.weight_l1", x, l1_first);
      store.append_series(run, m, "layers.1.weight_l1", x, l1_second);
      store.append_series(run, m, "layers.0.dead_fraction", x, dead);
      store.append_series(run, m, "layers.1.saturated_fraction", x, saturated);
    }
  }
  if (with_new_data) {
    for (const Epoch e : {Epoch{0}, epochs}) {
      const double spread = e == 0 ? 0.3 : 2.0;
      const nlohmann::json histogram = {
          {"epoch", e},
          {"member", 0},
          {"weights", {{{"layer", 0}, {"low", -spread}, {"high", spread}, {"counts", {1, 4, 9, 4, 1}}, {"nonfinite", 0}}}},
          {"activations", {{{"layer", 0}, {"low", 0.0}, {"high", 1.0 + spread}, {"counts", {10, 3, 2, 1}}, {"nonfinite", 0}}}}};
      store.put_artefact(run, ArtefactLabel{.member = 0, .kind = "histograms", .name = "epoch-" + std::to_string(e), .epoch = e},
                         text_bytes(histogram.dump()));
    }
  }
  nlohmann::json summary = {{"members", nlohmann::json::array()},
                            {"trials", {{{"trial", 0}, {"parameters", nlohmann::json::object()}}}}};
  for (Index m = 0; m < members; ++m) summary["members"].push_back({{"member", m}, {"trial", 0}, {"population", 0}});
  store.flush();
  store.finish_run(run, RunStatus::finished, summary.dump());
  return run;
}

const char* const new_figures[] = {"-weight_l1.png", "-weight-l1-total.png", "-dead_fraction.png", "-saturated_fraction.png",
                                   "-histogram-weights.png", "-histogram-activations.png"};

TEST(RunReport, UnitActivityWeightSumAndHistogramFiguresRender) {
  ScratchDir scratch;
  RunStore store(scratch / "runs.db");
  const RunId run = record_run(store, true);
  const std::vector<RunId> runs{run};
  const auto index = write_run_report(store, runs, scratch / "report");
  const std::string html = testing::read_text(index);
  for (const char* suffix : new_figures) {
    SCOPED_TRACE(suffix);
    const auto png_path = scratch / "report" / (std::string("full") + suffix);
    ASSERT_TRUE(std::filesystem::exists(png_path));
    EXPECT_TRUE(std::filesystem::exists(std::filesystem::path(png_path).replace_extension(".svg")));
    EXPECT_NE(html.find(png_path.filename().string()), std::string::npos);
    const PngProbe png(png_path);
    EXPECT_EQ(png.width(), 800);
    EXPECT_EQ(png.height(), 500);
    // Not blank: far more than a frame's worth of pixels differ from the white background.
    EXPECT_GT(png.count_not(Color{1.0, 1.0, 1.0}), 5000);
  }
  EXPECT_NE(html.find("sum of absolute weights"), std::string::npos);
}

TEST(RunReport, FiguresWithoutTheirDataAreLeftOut) {
  ScratchDir scratch;
  RunStore store(scratch / "runs.db");
  const RunId run = record_run(store, false);
  const std::vector<RunId> runs{run};
  write_run_report(store, runs, scratch / "report");
  EXPECT_TRUE(std::filesystem::exists(scratch / "report" / "bare-weight_norm.png"));
  for (const char* suffix : new_figures) EXPECT_FALSE(std::filesystem::exists(scratch / "report" / (std::string("bare") + suffix))) << suffix;
}

// The figure named `name` in the report content, or null.
const Figure* find_figure(const ReportContent& content, const std::string& name) {
  for (const ReportSection& section : content.sections)
    for (const ReportBlock& block : section.blocks)
      if (const auto* figure = std::get_if<ReportFigure>(&block); figure != nullptr && figure->name == name) return &figure->figure;
  return nullptr;
}

void put_histograms(RunStore& store, RunId run, Epoch epoch, const nlohmann::json& document) {
  store.put_artefact(run, ArtefactLabel{.member = 0, .kind = "histograms", .name = "epoch-" + std::to_string(epoch), .epoch = epoch},
                     text_bytes(document.dump()));
}

nlohmann::json binned(int layer, double low, double high, std::vector<int> counts) {
  return {{"layer", layer}, {"low", low}, {"high", high}, {"counts", counts}, {"nonfinite", 0}};
}

// Epochs 0, 2 and 10 (stored in the order 0, 10, 2 by name) of two layers: a panel per layer,
// an outline per epoch in epoch order, the legend once; epoch 0's weights, all zero, are one bar
// as wide as the widest bin of its panel.
TEST(RunReport, HistogramsHaveAPanelPerLayerAndAnOutlinePerEpoch) {
  ScratchDir scratch;
  RunStore store(scratch / "runs.db");
  const RunId run = record_run(store, false);
  for (const Epoch e : {Epoch{0}, Epoch{10}, Epoch{2}}) {
    const double spread = static_cast<double>(e) / 10;
    nlohmann::json weights = {binned(0, -spread, spread, {1, 3, 3, 1}), binned(1, -2 * spread, spread, {2, 2})};
    put_histograms(store, run, e, {{"epoch", e}, {"member", 0}, {"weights", weights}, {"activations", {binned(0, 0, 1, {4, 4})}}});
  }
  const std::vector<RunId> runs{run};
  const ReportContent content = run_report_content(store, runs);
  const Figure* figure = find_figure(content, "bare-histogram-weights");
  ASSERT_NE(figure, nullptr);
  ASSERT_EQ(figure->panels.size(), 2u);
  const Panel& first = figure->panels[0];
  EXPECT_EQ(first.title, "layer 0");
  ASSERT_EQ(first.legend.size(), 3u);
  EXPECT_EQ(first.legend[0].label, "epoch 0");
  EXPECT_EQ(first.legend[1].label, "epoch 2");
  EXPECT_EQ(first.legend[2].label, "epoch 10");
  EXPECT_EQ(first.legend[2].color, palette_color(2));
  EXPECT_TRUE(figure->panels[1].legend.empty());
  ASSERT_EQ(first.marks.size(), 3u);
  const auto& spike = std::get<LineMark>(first.marks[0]);
  // Layer 0's widest bin: epoch 10's, 2 / 4 = 0.5; the bar holds every value.
  EXPECT_EQ(spike.x, (std::vector<double>{-0.25, -0.25, 0.25, 0.25}));
  EXPECT_EQ(spike.y, (std::vector<double>{0, 1, 1, 0}));
  const auto& last = std::get<LineMark>(first.marks[2]);
  // Epoch 10, [-1, 1] in bins of 0.5 holding 1, 3, 3 and 1 of 8 values.
  EXPECT_EQ(last.x, (std::vector<double>{-1, -1, -0.5, -0.5, 0, 0, 0.5, 0.5, 1, 1}));
  EXPECT_EQ(last.y, (std::vector<double>{0, 0.125, 0.125, 0.375, 0.375, 0.375, 0.375, 0.125, 0.125, 0}));
  const Figure* activations = find_figure(content, "bare-histogram-activations");
  ASSERT_NE(activations, nullptr);
  EXPECT_EQ(activations->panels.size(), 1u);
}

// Histogram artefacts that are not of the recorder's form are left out; the report still renders.
TEST(RunReport, DamagedHistogramArtefactsAreLeftOut) {
  ScratchDir scratch;
  RunStore store(scratch / "runs.db");
  const RunId run = record_run(store, false);
  put_histograms(store, run, 1, nlohmann::json::array({1, 2}));
  put_histograms(store, run, 2, {{"epoch", "two"}, {"member", 0}});
  put_histograms(store, run, 3, {{"epoch", 3}, {"member", 0}, {"weights", {binned(0, 1, -1, {1})}}});
  put_histograms(store, run, 4, {{"epoch", 4}, {"member", 0}, {"weights", {binned(0, -1, 1, {1, -2})}}});
  put_histograms(store, run, 5, {{"epoch", 5}, {"member", 0}, {"weights", 7}});
  store.put_artefact(run, ArtefactLabel{.member = 0, .kind = "histograms", .name = "epoch-6", .epoch = 6}, text_bytes("{\"epoch\": 6,"));
  const std::vector<RunId> runs{run};
  EXPECT_EQ(find_figure(run_report_content(store, runs), "bare-histogram-weights"), nullptr);
  put_histograms(store, run, 7, {{"epoch", 7}, {"member", 0}, {"weights", {binned(0, -1, 1, {1, 2})}}});
  const ReportContent content = run_report_content(store, runs);
  const Figure* figure = find_figure(content, "bare-histogram-weights");
  ASSERT_NE(figure, nullptr);
  ASSERT_EQ(figure->panels.size(), 1u);
  ASSERT_EQ(figure->panels[0].legend.size(), 1u);
  EXPECT_EQ(figure->panels[0].legend[0].label, "epoch 7");
  const auto index = write_run_report(store, runs, scratch / "report");
  EXPECT_TRUE(std::filesystem::exists(scratch / "report" / "bare-histogram-weights.png"));
  EXPECT_FALSE(std::filesystem::exists(scratch / "report" / "bare-histogram-activations.png"));
  EXPECT_TRUE(std::filesystem::exists(index));
}

}  // namespace
}  // namespace nnlab
