// The run report of a sweep, from stores written here by hand with the recorder's names: curves
// grouped by trial (medians over that trial's replicates only), legends that hold every swept value
// whole under the key, per-trial figures that name their trial, per-layer statistics per trial,
// runs compared side by side told apart, and figures left out quietly when their data is absent.
#include <gtest/gtest.h>

#include <cairo.h>

#include <cmath>
#include <filesystem>
#include <regex>
#include <set>
#include <string>

#include "report/canvas.hpp"
#include "report/layout.hpp"
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

// The ten learning rates of seed 004, as written in the YAML.
const std::vector<std::string> seed_004_rates = {"0.001", "0.1", "0.3", "0.5", "0.7", "0.9", "1.2", "2", "5", "8"};

double loss_at(double lr, const SyntheticMember& member, Epoch e) { return 2.3 * std::exp(-lr * static_cast<double>(e) / 4) + 0.01 * (member.replicate + 1); }

SyntheticRun lr_sweep(const std::vector<std::string>& rates, int replicates, bool test = true) {
  SyntheticRun spec{.name = "lr", .trials = {}, .epochs = 20};
  for (const std::string& rate : rates) spec.trials.push_back(SyntheticTrial{{{"optimizer.lr", rate}}, replicates});
  spec.series = [rates, test](const SyntheticMember& member, Epoch e) {
    const double loss = loss_at(std::stod(rates[member.trial]), member, e);
    std::vector<std::pair<std::string, double>> values = {{"train_loss", loss}, {"train_accuracy", 1 - loss / 3}};
    if (test) values.insert(values.end(), {{"test_loss", 1.2 * loss}, {"test_accuracy", 1 - 1.2 * loss / 3}});
    return values;
  };
  spec.member_summary = [rates, test, epochs = spec.epochs](const SyntheticMember& member, json& entry) {
    const double loss = loss_at(std::stod(rates[member.trial]), member, epochs);
    entry["train_loss"] = loss;
    entry["train_accuracy"] = 1 - loss / 3;
    if (test) entry["test_loss"] = 1.2 * loss, entry["test_accuracy"] = 1 - 1.2 * loss / 3;
  };
  return spec;
}

std::vector<LineMark> middle_lines(const Panel& panel) {
  std::vector<LineMark> lines;
  for (const LineMark& line : marks_of_type<LineMark>(panel))
    if (line.width == 2.5) lines.push_back(line);  // band_chart's median lines; faint runs are 1 px
  return lines;
}

TEST(SweepReport, TheLegendOfATenRateSweepHoldsEveryValueWhole) {
  ScratchDir scratch;
  RunStore store(scratch / "runs.db");
  const RunId run = testing::record_synthetic_run(store, lr_sweep(seed_004_rates, 1));
  const std::vector<RunId> runs{run};
  const ReportContent content = run_report_content(store, runs);
  const ReportFigure* loss = testing::find_report_figure(content, "lr-loss-by-trial");
  ASSERT_NE(loss, nullptr);
  ASSERT_EQ(loss->figure.panels.size(), 2u);  // train | test
  const Panel& train = loss->figure.panels[0];
  EXPECT_EQ(train.title, "train");
  EXPECT_EQ(loss->figure.panels[1].title, "test");
  EXPECT_EQ(train.y.scale, ScaleKind::log);  // 2.3 down to 0.01: decades
  // One legend for both panels, beside them: the key once as its title, the values as entries.
  const std::vector<LegendEntry>& legend = loss->figure.legend;
  EXPECT_EQ(loss->figure.legend_title, "optimizer.lr");
  ASSERT_GE(legend.size(), 10u);
  const std::vector<LineMark> lines = middle_lines(train);
  ASSERT_EQ(lines.size(), 10u);
  std::set<std::string> colours;
  for (std::size_t t = 0; t < 10; ++t) {
    EXPECT_EQ(legend[t].label, seed_004_rates[t]);     // the value alone, whole: the key is the title
    EXPECT_EQ(legend[t].color, lines[t].color) << t;  // the swatch in the colour of its line
    colours.insert(to_hex(lines[t].color));
  }
  EXPECT_EQ(colours.size(), 10u);
  EXPECT_TRUE(train.legend.empty());  // once per figure
  EXPECT_TRUE(loss->figure.panels[1].legend.empty());
  // One member per trial: no band, no "25-75 %" entry, and the caption says so.
  EXPECT_TRUE(marks_of_type<BandMark>(train).empty());
  EXPECT_EQ(legend.size(), 10u);
  EXPECT_NE(loss->caption.find("one member"), std::string::npos);
  EXPECT_EQ(loss->caption.find("individual seeds"), std::string::npos);

  // The legend fits its panel's cell as drawn: no entry is elided and no "... more" row is needed.
  cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 10, 10);
  cairo_t* cairo = cairo_create(surface);
  {
    Canvas canvas(cairo);
    canvas.set_font(chart_style::legend_text);
    for (const LegendEntry& entry : legend) EXPECT_LE(canvas.text_width(entry.label), chart_style::max_legend_label) << entry.label;
    const Rect extent = legend_extent(canvas, legend, loss->figure.legend_title);
    EXPECT_LT(extent.height + 80, loss->figure.height);  // drawn 80 px below the top (figure title, inset)
    EXPECT_LT(extent.width, loss->figure.width / 4);     // the panels keep three quarters of the width
  }
  cairo_destroy(cairo);
  cairo_surface_destroy(surface);
}

TEST(SweepReport, EachTrialsBandIsOverItsOwnReplicatesOnly) {
  ScratchDir scratch;
  RunStore store(scratch / "runs.db");
  SyntheticRun spec{.name = "two", .trials = {SyntheticTrial{{{"optimizer.lr", "0.1"}}, 3}, SyntheticTrial{{{"optimizer.lr", "1"}}, 3}}, .epochs = 5};
  // Trial 0's replicates have losses 1, 2, 3; trial 1's 10, 20, 30, at every epoch.
  spec.series = [](const SyntheticMember& m, Epoch) {
    return std::vector<std::pair<std::string, double>>{{"train_loss", (m.trial == 0 ? 1.0 : 10.0) * (m.replicate + 1)}};
  };
  const RunId run = testing::record_synthetic_run(store, spec);
  const std::vector<RunId> runs{run};
  const ReportContent content = run_report_content(store, runs);
  const ReportFigure* loss = testing::find_report_figure(content, "two-loss-by-trial");
  ASSERT_NE(loss, nullptr);
  ASSERT_EQ(loss->figure.panels.size(), 1u);
  const Panel& panel = loss->figure.panels[0];
  const auto lines = middle_lines(panel);
  const auto bands = marks_of_type<BandMark>(panel);
  ASSERT_EQ(lines.size(), 2u);
  ASSERT_EQ(bands.size(), 2u);
  // Medians and quartiles (numpy's linear interpolation) of {1, 2, 3} and {10, 20, 30}.
  EXPECT_EQ(lines[0].y, std::vector<double>(6, 2.0));
  EXPECT_EQ(lines[1].y, std::vector<double>(6, 20.0));
  EXPECT_EQ(bands[0].low, std::vector<double>(6, 1.5));
  EXPECT_EQ(bands[0].high, std::vector<double>(6, 2.5));
  EXPECT_EQ(bands[1].low, std::vector<double>(6, 15.0));
  EXPECT_EQ(panel.legend.back().label, "25–75 % of a trial's replicates");
  EXPECT_NE(loss->caption.find("that trial's replicates"), std::string::npos);
  // The final-loss chart: one point per swept value.
  const ReportFigure* finals = testing::find_report_figure(content, "two-sweep-final-loss");
  EXPECT_EQ(finals, nullptr);  // the summary holds no final losses
}

TEST(SweepReport, FinalMetricsAgainstTheSweptValueShowTrainAndTest) {
  ScratchDir scratch;
  RunStore store(scratch / "runs.db");
  const RunId run = testing::record_synthetic_run(store, lr_sweep({"0.01", "0.1", "1"}, 2));
  const std::vector<RunId> runs{run};
  const ReportContent content = run_report_content(store, runs);
  const ReportFigure* finals = testing::find_report_figure(content, "lr-sweep-final-loss");
  ASSERT_NE(finals, nullptr);
  const Panel& panel = finals->figure.panels.front();
  EXPECT_EQ(panel.x.label, "optimizer.lr");
  EXPECT_EQ(panel.x.scale, ScaleKind::log);  // 0.01 .. 1: two decades
  ASSERT_GE(panel.legend.size(), 2u);
  EXPECT_EQ(panel.legend[0].label, "train");
  EXPECT_EQ(panel.legend[1].label, "test");
  // The train line's median at lr 1: members with losses loss_at(1, r) for r = 0, 1.
  const auto lines = marks_of_type<LineMark>(panel);
  ASSERT_EQ(lines.size(), 2u);
  const double expected = (loss_at(1, {0, 2, 0}, 20) + loss_at(1, {0, 2, 1}, 20)) / 2;
  EXPECT_EQ(lines[0].x, (std::vector<double>{0.01, 0.1, 1}));
  EXPECT_NEAR(lines[0].y[2], expected, 1e-12);
  EXPECT_NEAR(lines[1].y[2], 1.2 * expected, 1e-12);
}

// Three trials with a test set: each trial's stored member has a confusion matrix, hidden
// activations and snapshots; every trial gets its figures, and each caption names its trial.
TEST(SweepReport, PerTrialFiguresExistForEveryTrialAndNameIt) {
  ScratchDir scratch;
  RunStore store(scratch / "runs.db");
  const std::vector<std::string> rates = {"0.1", "0.5", "2"};
  SyntheticRun spec = lr_sweep(rates, 3);
  // Final losses by replicate 0.3, 0.1, 0.2: the median member is replicate 2.
  spec.member_summary = [](const SyntheticMember& m, json& entry) { entry["train_loss"] = std::vector<double>{0.3, 0.1, 0.2}[static_cast<std::size_t>(m.replicate)]; };
  std::vector<SyntheticMember> members;
  const RunId run = testing::record_synthetic_run(store, spec, &members);
  for (const SyntheticMember& m : members) {
    if (m.replicate == 2) {
      const json confusion = {{"classes", 3}, {"member", m.member}, {"counts", {5, 1, 0, 0, 6, 0, 1, 0, 5}}};
      store.put_artefact(run, ArtefactLabel{.member = m.member, .kind = "confusion", .name = "test"}, text_bytes(confusion.dump()));
      json activations = {{"layer", 1}, {"member", m.member}, {"labels", json::array()}, {"values", json::array()}};
      for (int i = 0; i < 30; ++i) {
        activations["labels"].push_back(i % 3);
        activations["values"].push_back({i % 3 == 0 ? 5.0 : 0.0, i % 3 == 1 ? 5.0 : 0.0, 0.1 * (i % 5)});
      }
      store.put_artefact(run, ArtefactLabel{.member = m.member, .kind = "activations", .name = "layers.1"}, text_bytes(activations.dump()));
    }
    if (m.replicate == 0) {
      for (const Epoch e : {Epoch{0}, Epoch{20}}) {
        store.put_artefact(run, ArtefactLabel{.member = m.member, .kind = "snapshot", .name = fmt::format("epoch-{}", e), .epoch = e},
                           testing::layer_file({{2, 6, 0.5f}, {1, 2, 1.0f}}));
        store.put_artefact(run, ArtefactLabel{.member = m.member, .kind = "update", .name = fmt::format("epoch-{}", e), .epoch = e},
                           testing::layer_file({{2, 6, 0.001f}, {1, 2, 0.002f}}));
      }
    }
  }
  const std::vector<RunId> runs{run};
  const auto directory = testing::sample_directory(scratch.path()) / "sweep-report";
  write_run_report(store, runs, directory);
  const ReportContent content = run_report_content(store, runs);
  const auto count_files = [&](const std::string& part) {
    int count = 0;
    for (const auto& entry : std::filesystem::directory_iterator(directory))
      count += entry.path().extension() == ".png" && entry.path().filename().string().find(part) != std::string::npos;
    return count;
  };
  EXPECT_EQ(count_files("-confusion-trial-"), 3);
  EXPECT_EQ(count_files("-tsne-trial-"), 3);
  EXPECT_EQ(count_files("-weights-trial-"), 6);  // epochs 0 and 20 of each trial's snapshot member
  for (std::size_t t = 0; t < rates.size(); ++t) {
    SCOPED_TRACE(t);
    const Index median = static_cast<Index>(3 * t + 2);
    for (const std::string kind : {"confusion", "tsne"}) {
      const ReportFigure* figure = testing::find_report_figure(content, fmt::format("lr-{}-trial-{}", kind, t));
      ASSERT_NE(figure, nullptr) << kind;
      EXPECT_NE(figure->caption.find(fmt::format("trial {} (optimizer.lr={})", t, rates[t])), std::string::npos) << figure->caption;
      EXPECT_NE(figure->caption.find(fmt::format("member {}, seed 102", median)), std::string::npos) << figure->caption;
      EXPECT_NE(figure->caption.find("median member"), std::string::npos) << figure->caption;
    }
    const ReportFigure* tsne = testing::find_report_figure(content, fmt::format("lr-tsne-trial-{}", t));
    EXPECT_NE(tsne->caption.find("layer 1"), std::string::npos);  // the stored layer, not "layer 0"
    const ReportFigure* weights = testing::find_report_figure(content, fmt::format("lr-weights-trial-{}-epoch-20", t));
    ASSERT_NE(weights, nullptr);
    EXPECT_NE(weights->caption.find(fmt::format("optimizer.lr={}", rates[t])), std::string::npos);
    EXPECT_NE(weights->caption.find(fmt::format("member {}, seed 100", 3 * t)), std::string::npos);
  }
}

TEST(SweepReport, DeadFractionIsDrawnForEachTrial) {
  ScratchDir scratch;
  RunStore store(scratch / "runs.db");
  const std::vector<double> dead = {0.0, 0.42, 0.9};
  SyntheticRun spec{.name = "relu", .trials = {}, .epochs = 10};
  for (const char* rate : {"0.1", "0.7", "8"}) spec.trials.push_back(SyntheticTrial{{{"optimizer.lr", rate}}, 2});
  spec.series = [dead](const SyntheticMember& m, Epoch e) {
    return std::vector<std::pair<std::string, double>>{{"train_loss", 1.0 / (1 + e)},
                                                        {"layers.0.dead_fraction", dead[m.trial]},
                                                        {"layers.1.dead_fraction", 0.0},
                                                        {"layers.0.activation_mean", 0.5 + m.trial},
                                                        {"layers.0.activation_std", 0.1}};
  };
  const RunId run = testing::record_synthetic_run(store, spec);
  const std::vector<RunId> runs{run};
  const ReportContent content = run_report_content(store, runs);
  const ReportFigure* figure = testing::find_report_figure(content, "relu-dead_fraction");
  ASSERT_NE(figure, nullptr);
  ASSERT_EQ(figure->figure.panels.size(), 3u);
  const std::vector<std::string> titles = {"lr = 0.1", "lr = 0.7", "lr = 8"};  // the key in full in the figure's title
  EXPECT_EQ(figure->figure.title, "dead_fraction by optimizer.lr");
  for (std::size_t t = 0; t < 3; ++t) {
    const Panel& panel = figure->figure.panels[t];
    EXPECT_EQ(panel.title, titles[t]);
    const auto lines = marks_of_type<LineMark>(panel);
    ASSERT_EQ(lines.size(), 2u);  // layers 0 and 1
    EXPECT_EQ(lines[0].color, palette_color(0));
    for (const double y : lines[0].y) EXPECT_NEAR(y, dead[t], 1e-6) << t;
    EXPECT_EQ(panel.y.max, figure->figure.panels[0].y.max);  // the panels share their y range
  }
  ASSERT_EQ(figure->figure.legend.size(), 2u);
  EXPECT_EQ(figure->figure.legend[1].label, "layer 1");
  EXPECT_NE(figure->caption.find("one panel per trial (optimizer.lr)"), std::string::npos);
  // The activation statistics of the contract have their figures too.
  const ReportFigure* mean = testing::find_report_figure(content, "relu-activation_mean");
  ASSERT_NE(mean, nullptr);
  EXPECT_NEAR(marks_of_type<LineMark>(mean->figure.panels[2]).front().y.front(), 2.5, 1e-6);
  EXPECT_NE(testing::find_report_figure(content, "relu-activation_std"), nullptr);
}

// Adam vs SGD over learning rates (seed 004): the key with more values colours the curves, the
// other makes the panels, whatever the order of the keys.
TEST(SweepReport, TwoKeysGiveAPanelPerValueOfTheKeyWithFewerValues) {
  ScratchDir scratch;
  RunStore store(scratch / "runs.db");
  SyntheticRun spec{.name = "grid", .trials = {}, .epochs = 4};
  for (const char* optimizer : {"sgd", "adam"})
    for (const char* rate : {"0.001", "0.01", "0.1"}) spec.trials.push_back(SyntheticTrial{{{"optimizer.lr", rate}, {"optimizer.type", optimizer}}, 1});
  spec.series = [](const SyntheticMember& m, Epoch e) { return std::vector<std::pair<std::string, double>>{{"train_loss", (1.0 + m.trial) / (1 + e)}}; };
  const RunId run = testing::record_synthetic_run(store, spec);
  const std::vector<RunId> runs{run};
  const ReportContent content = run_report_content(store, runs);
  const ReportFigure* loss = testing::find_report_figure(content, "grid-loss-by-trial");
  ASSERT_NE(loss, nullptr);
  ASSERT_EQ(loss->figure.panels.size(), 2u);
  EXPECT_EQ(loss->figure.title, "train loss over epochs by optimizer.lr");
  EXPECT_EQ(loss->figure.panels[0].title, "type = sgd");  // short: the caption names optimizer.type
  EXPECT_EQ(loss->figure.panels[1].title, "type = adam");
  EXPECT_NE(loss->caption.find("one panel per value of optimizer.type"), std::string::npos);
  EXPECT_EQ(loss->figure.legend_title, "optimizer.lr");
  ASSERT_EQ(loss->figure.legend.size(), 3u);
  EXPECT_EQ(loss->figure.legend[0].label, "0.001");
  EXPECT_EQ(loss->figure.legend[2].label, "0.1");
  // The same learning rate has the same colour in both panels.
  EXPECT_EQ(middle_lines(loss->figure.panels[0])[1].color, middle_lines(loss->figure.panels[1])[1].color);
  EXPECT_NE(middle_lines(loss->figure.panels[0])[0].color, middle_lines(loss->figure.panels[0])[1].color);
}

TEST(SweepReport, RunsComparedSideBySideAreToldApart) {
  ScratchDir scratch;
  RunStore store(scratch / "runs.db");
  const RunId first = testing::record_synthetic_run(store, lr_sweep({"0.1", "1"}, 1));
  const RunId second = testing::record_synthetic_run(store, lr_sweep({"0.1", "1"}, 1));
  const std::vector<RunId> runs{first, second};
  const ReportContent content = run_report_content(store, runs);
  ASSERT_FALSE(content.sections.empty());
  EXPECT_EQ(content.sections.front().heading, "Side by side");
  int per_run = 0;
  for (std::size_t s = 1; s < content.sections.size(); ++s) {
    const ReportSection& section = content.sections[s];
    EXPECT_TRUE(section.heading.starts_with("Run ")) << section.heading;
    for (const ReportBlock& block : section.blocks) {
      const auto* figure = std::get_if<ReportFigure>(&block);
      if (figure == nullptr) continue;
      ++per_run;
      const RunId id = section.heading.starts_with(fmt::format("Run {} ", first)) ? first : second;
      EXPECT_TRUE(figure->caption.starts_with(fmt::format("Run {} (lr): ", id))) << figure->caption;
      EXPECT_TRUE(figure->name.starts_with(fmt::format("run{}-lr-", id))) << figure->name;
    }
  }
  EXPECT_GT(per_run, 4);
  const ReportFigure* comparison = testing::find_report_figure(content, "comparison-train-loss");
  ASSERT_NE(comparison, nullptr);
  ASSERT_EQ(comparison->figure.panels[0].legend.size(), 2u);
  EXPECT_EQ(comparison->figure.panels[0].legend[0].label, fmt::format("run {}: lr", first));
  EXPECT_EQ(comparison->figure.panels[0].legend[1].label, fmt::format("run {}: lr", second));
  EXPECT_NE(testing::find_report_figure(content, "comparison-test-loss"), nullptr);
}

TEST(SweepReport, EpochsTimeAndUpdatesFromTheFirstMemberOfEachPopulation) {
  ScratchDir scratch;
  RunStore store(scratch / "runs.db");
  SyntheticRun spec = lr_sweep({"0.1", "1"}, 2, false);
  const auto losses = spec.series;
  spec.series = [losses](const SyntheticMember& m, Epoch e) {
    auto values = losses(m, e);
    if (m.member == 0) values.insert(values.end(), {{"epoch_seconds", e == 0 ? 0.0 : 0.5}, {"updates", std::pow(2.0, static_cast<double>(e))}});
    return values;
  };
  const RunId run = testing::record_synthetic_run(store, spec);
  const std::vector<RunId> runs{run};
  const ReportContent content = run_report_content(store, runs);
  const ReportFigure* figure = testing::find_report_figure(content, "lr-epochs-time-updates");
  ASSERT_NE(figure, nullptr);
  ASSERT_EQ(figure->figure.panels.size(), 4u);
  const auto by_time = marks_of_type<LineMark>(figure->figure.panels[1]);
  ASSERT_EQ(by_time.size(), 1u);
  EXPECT_DOUBLE_EQ(by_time[0].x[4], 2.0);  // 4 epochs of 0.5 s
  const auto by_updates = marks_of_type<LineMark>(figure->figure.panels[2]);
  EXPECT_DOUBLE_EQ(by_updates[0].x[4], 16.0);
  EXPECT_EQ(figure->figure.panels[2].x.scale, ScaleKind::log);  // 1 .. 2^20 updates: decades
  EXPECT_EQ(figure->figure.panels[1].x.scale, ScaleKind::linear);  // 0.5 .. 10 s
}

// Older stores, runs without a test set, full-batch runs without running averages, runs killed
// before their summary, damaged artefacts: the figures without data are left out, nothing throws.
TEST(SweepReport, FiguresWithoutTheirDataAreSkippedQuietly) {
  ScratchDir scratch;
  RunStore store(scratch / "runs.db");
  SyntheticRun spec = lr_sweep({"0.1", "1"}, 2, false);
  const RunId bare = testing::record_synthetic_run(store, spec);
  store.put_artefact(bare, ArtefactLabel{.member = 0, .kind = "confusion", .name = "test"}, text_bytes("{\"classes\": 3,"));
  store.put_artefact(bare, ArtefactLabel{.member = 0, .kind = "activations", .name = "layers.0"}, text_bytes("{\"values\": 7}"));
  store.put_artefact(bare, ArtefactLabel{.member = 0, .kind = "snapshot", .name = "epoch-3", .epoch = 3}, text_bytes("not safetensors"));
  store.put_artefact(bare, ArtefactLabel{.member = std::nullopt, .kind = "weights", .name = "population-0", .epoch = 20}, text_bytes("junk"));
  // Killed before its summary: members and a few epochs only.
  const RunId killed = store.begin_run(RunStart{.name = "killed", .config_path = "k.yaml", .resolved_config = "", .nnlab_version = "test", .config_git_commit = ""});
  store.add_population(killed, PopulationInfo{.population = 0, .description = "6-2-1"});
  store.add_members(killed, std::vector<MemberStart>{{.member = 0}, {.member = 1}});
  store.append_series(killed, 0, "train_loss", std::vector<Epoch>{0, 1}, std::vector<float>{1, 0.5});
  store.flush();
  // Nothing at all.
  const RunId empty = store.begin_run(RunStart{.name = "empty", .config_path = "e.yaml", .resolved_config = "", .nnlab_version = "test", .config_git_commit = ""});
  store.finish_run(empty, RunStatus::failed, "");
  for (const RunId run : {bare, killed, empty}) {
    SCOPED_TRACE(run);
    const std::vector<RunId> runs{run};
    ReportContent content;
    ASSERT_NO_THROW(content = run_report_content(store, runs));
    for (const char* absent : {"confusion", "tsne", "hinton", "weights-trial", "first-layer", "fraction-solved", "outcomes", "class-accuracy",
                               "epochs-time-updates", "dead_fraction", "histogram", "activations-by-depth", "generalisation-gap"})
      EXPECT_TRUE(testing::figures_containing(content, absent).empty()) << absent;
    ASSERT_NO_THROW(write_run_report(store, runs, scratch / fmt::format("report-{}", run)));
  }
  const std::vector<RunId> bare_only{bare};
  EXPECT_NE(testing::find_report_figure(run_report_content(store, bare_only), "lr-loss-by-trial"), nullptr);
  const std::vector<RunId> killed_only{killed};
  EXPECT_NE(testing::find_report_figure(run_report_content(store, killed_only), "killed-loss"), nullptr);
  const std::vector<RunId> all{bare, killed, empty};
  EXPECT_NO_THROW(write_run_report(store, all, scratch / "report-all"));
}

}  // namespace
}  // namespace nnlab
