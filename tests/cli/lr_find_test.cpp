// `nnlab lr-find`: the LR range test of a file's plan, end to end on a small generated data set:
// the printed suggestions, the figure and CSV it writes, what the run store keeps, bad flags.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli/process_support.hpp"
#include "store/store.hpp"
#include "support/scratch_directory.hpp"

namespace {

namespace fs = std::filesystem;

// Each test in a scratch directory holding its store (NNLAB_STORE), files and outputs.
class LrFindCommand : public ::testing::Test {
 protected:
  void SetUp() override { ::setenv("NNLAB_STORE", (dir_ / "runs.db").c_str(), 1); }

  // Two spirals, a 2-8-2 tanh network, a sweep over momentum with 2 replicates: 2 trials x 2 seeds.
  fs::path experiment() const {
    const fs::path path = dir_ / "spin.yaml";
    std::ofstream(path) << "seed: 4\nreplicates: 2\ndata: {train: {source: spirals, points: 60}}\n"
                           "model: {layers: [{units: 8, activation: tanh}, {units: 2}]}\n"
                           "loss: cross_entropy\noptimizer: {type: sgd, lr: 0.1, momentum: 0.9}\ntrain: {epochs: 2, batch: 16}\n"
                           "sweep: {parameters: {optimizer.momentum: [0, 0.9]}}\n";
    return path;
  }
  nnlab::testing::CommandOutcome nnlab(const std::vector<std::string>& arguments) const {
    return nnlab::testing::run_nnlab_in(dir_.path(), arguments);
  }

  nnlab::testing::ScratchDirectory dir_;
};

// The trial table's rows: trial, members, steepest, min/10 (the first four cells).
std::vector<std::vector<std::string>> trial_rows(const std::string& out) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(out);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line) && !line.empty()) {
    std::istringstream cells(line);
    std::vector<std::string> row(4);
    for (auto& cell : row) cells >> cell;
    rows.push_back(row);
  }
  return rows;
}

TEST_F(LrFindCommand, PrintsSuggestionsDrawsTheCurveAndRecordsIt) {
  const fs::path out = dir_ / "figures";
  const auto result = nnlab({"lr-find", experiment().string(), "--start", "1e-4", "--end", "100", "--steps", "30", "--out", out.string(),
                             "--threads", "1"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("steepest"), std::string::npos) << result.out;
  const auto rows = trial_rows(result.out);
  ASSERT_EQ(rows.size(), 2u) << result.out;
  for (std::size_t t = 0; t < rows.size(); ++t) {
    EXPECT_EQ(rows[t][0], std::to_string(t));
    EXPECT_EQ(rows[t][1], "2");
    const double steepest = std::stod(rows[t][2]), minimum_over_10 = std::stod(rows[t][3]);
    EXPECT_GE(steepest, 1e-4);
    EXPECT_LE(steepest, 100);
    EXPECT_GE(minimum_over_10, 1e-5);
    EXPECT_LE(minimum_over_10, 10);
  }
  for (const char* name : {"lr-find.png", "lr-find.svg"}) {
    ASSERT_TRUE(fs::exists(out / name)) << name;
    EXPECT_GT(fs::file_size(out / name), 1000u) << name;
  }
  EXPECT_EQ(nnlab::testing::read_file(out / "lr-find.png").substr(1, 3), "PNG");
  const std::string csv = nnlab::testing::read_file(out / "lr-find.csv");
  EXPECT_EQ(csv.substr(0, csv.find('\n')), "trial,member,seed,step,rate,loss,smoothed");
  EXPECT_NE(csv.find("\n0,0,4,0,0.0001,"), std::string::npos) << csv.substr(0, 200);  // member 0: seed 4, the first rate

  // The store: one finished run with the 4 members, their curves by step and the suggestions.
  const nnlab::RunStore store(dir_ / "runs.db", nnlab::RunStore::OpenMode::read_only);
  const auto runs = store.list_runs();
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].name, "spin:lr-find");
  EXPECT_EQ(nnlab::to_string(runs[0].status), "finished");
  const nnlab::RunRecord record = store.get_run(runs[0].id);
  ASSERT_EQ(record.members.size(), 4u);
  EXPECT_EQ(record.members[2].seed, 4u);  // trial 1's first replicate
  for (nnlab::Index m = 0; m < 4; ++m) {
    const auto rates = store.read_series(runs[0].id, m, "lr_find_rate");
    const auto smoothed = store.read_series(runs[0].id, m, "lr_find_smoothed");
    const auto losses = store.read_series(runs[0].id, m, "lr_find_loss");
    ASSERT_FALSE(rates.values.empty());
    EXPECT_LE(rates.values.size(), 30u);
    EXPECT_EQ(rates.epochs.front(), 0);
    EXPECT_EQ(rates.epochs.back(), static_cast<nnlab::Epoch>(rates.values.size()) - 1);
    EXPECT_FLOAT_EQ(rates.values.front(), 1e-4f);
    EXPECT_EQ(smoothed.values.size(), rates.values.size());
    EXPECT_EQ(losses.values.size(), rates.values.size());
    EXPECT_FLOAT_EQ(smoothed.values.front(), losses.values.front());  // bias correction: the first smoothed loss is the first loss
  }
  const auto summary = nlohmann::json::parse(runs[0].summary_json);
  EXPECT_EQ(summary["lr_find"]["steps"], 30);
  ASSERT_EQ(summary["trials"].size(), 2u);
  EXPECT_EQ(summary["trials"][1]["parameters"]["optimizer.momentum"], "0.9");
  EXPECT_NEAR(summary["trials"][0]["steepest"].get<double>(), std::stod(rows[0][2]), 1e-3 * std::stod(rows[0][2]));
  ASSERT_EQ(summary["members"].size(), 4u);

  // The store's readers take the run as any other.
  EXPECT_EQ(nnlab({"runs"}).exit_code, 0);
  const auto shown = nnlab({"show", "latest"});
  EXPECT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_NE(shown.out.find("lr_find_smoothed"), std::string::npos) << shown.out;
  const auto exported = nnlab({"export", "latest", "--metric", "lr_find_smoothed"});
  EXPECT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_NE(exported.out.find(",optimizer.momentum,"), std::string::npos) << exported.out.substr(0, 200);
  EXPECT_NE(exported.out.find("lr_find_smoothed"), std::string::npos);
  const auto report = nnlab({"report", "latest", "--out", (dir_ / "report").string()});
  ASSERT_EQ(report.exit_code, 0) << report.err;
  bool drawn = false;
  for (const auto& entry : fs::directory_iterator(dir_ / "report"))
    drawn |= entry.path().filename().string().ends_with("lr-find.png") && fs::file_size(entry.path()) > 1000;
  EXPECT_TRUE(drawn) << "the report draws the recorded curves";
  EXPECT_NE(nnlab::testing::read_file(dir_ / "report" / "index.html").find("(nnlab lr-find)"), std::string::npos);
}

TEST_F(LrFindCommand, TheSameFileGivesTheSameCurve) {
  const std::vector<std::string> arguments{"lr-find", experiment().string(), "--steps", "20", "--no-store", "--members", "--out"};
  auto first = arguments, second = arguments;
  first.push_back((dir_ / "a").string());
  second.push_back((dir_ / "b").string());
  const auto one = nnlab(first), two = nnlab(second);
  ASSERT_EQ(one.exit_code, 0) << one.err;
  ASSERT_EQ(two.exit_code, 0) << two.err;
  EXPECT_EQ(one.out, two.out);
  EXPECT_NE(one.out.find("member"), std::string::npos);
  EXPECT_EQ(nnlab::testing::read_file(dir_ / "a" / "lr-find.csv"), nnlab::testing::read_file(dir_ / "b" / "lr-find.csv"));
  EXPECT_FALSE(fs::exists(dir_ / "runs.db"));
}

TEST_F(LrFindCommand, FullBatchRunsWithANote) {
  const auto result = nnlab({"lr-find", experiment().string(), "--set", "train.batch=full", "--steps", "12", "--no-store", "--out",
                             (dir_ / "full").string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.err.find("full batch"), std::string::npos) << result.err;
  EXPECT_EQ(trial_rows(result.out).size(), 2u);
}

// A pruned file's range test is the dense network's: prune and its per-round schedule restart
// are dropped; the random-reinit twins are trials of their own (2 momenta x ticket, control).
TEST_F(LrFindCommand, APrunedFileTestsTheDenseNetwork) {
  const fs::path path = dir_ / "pruned.yaml";
  std::ofstream(path) << "seed: 4\nreplicates: 2\ndata: {train: {source: spirals, points: 60}}\n"
                         "model: {layers: [{units: 8, activation: tanh}, {units: 2}]}\n"
                         "loss: cross_entropy\noptimizer: {type: sgd, lr: 0.1, momentum: 0.9}\ntrain: {epochs: 2, batch: 16}\n"
                         "prune: {rounds: 3, control: random_reinit}\nsweep: {parameters: {optimizer.momentum: [0, 0.9]}}\n";
  const auto result = nnlab({"lr-find", path.string(), "--steps", "12", "--no-store", "--out", (dir_ / "pruned").string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(trial_rows(result.out).size(), 4u) << result.out;
}

TEST_F(LrFindCommand, BadFlagsExitTwoWithOneLineNamingTheFlag) {
  const std::string file = experiment().string();
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
      {{"--start", "10", "--end", "1"}, "--start"},
      {{"--start", "1", "--end", "1"}, "--start"},
      {{"--start", "0"}, "--start"},
      {{"--steps", "9"}, "--steps"},
      {{"--smoothing", "1"}, "--smoothing"},
      {{"--smoothing", "-0.1"}, "--smoothing"},
      {{"--diverge", "1"}, "--diverge"},
      {{"--diverge", "0.5"}, "--diverge"},
      {{"--mode", "cubic"}, "--mode"},
  };
  for (const auto& [flags, name] : cases) {
    std::vector<std::string> arguments{"lr-find", file, "--out", (dir_ / "never").string()};
    arguments.insert(arguments.end(), flags.begin(), flags.end());
    const auto result = nnlab(arguments);
    SCOPED_TRACE(name + " " + flags.back());
    EXPECT_EQ(result.exit_code, 2) << result.err;
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
    EXPECT_NE(result.err.find(name), std::string::npos) << result.err;
    EXPECT_TRUE(result.out.empty()) << result.out;
  }
  EXPECT_FALSE(fs::exists(dir_ / "never"));
  EXPECT_FALSE(fs::exists(dir_ / "runs.db"));
}

}  // namespace
