// The run report drawn from a store built here by hand: the per-layer unit-activity figures,
// the network's sum of absolute weights and the weight/activation histograms render as
// non-blank PNGs of the expected size, and are left out when the run lacks their data.
#include "report/run_report.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "report/color.hpp"
#include "report_test_support.hpp"

namespace nnlab {
namespace {

using testing::PngProbe;
using testing::ScratchDir;

constexpr Index members = 6;
constexpr Epoch epochs = 30;

std::vector<std::byte> bytes_of(const std::string& text) {
  std::vector<std::byte> out(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) out[i] = static_cast<std::byte>(text[i]);
  return out;
}

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
                         bytes_of(histogram.dump()));
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
                                   "-histogram-weights-layer0.png", "-histogram-activations-layer0.png"};

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

}  // namespace
}  // namespace nnlab
