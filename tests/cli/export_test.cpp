// `nnlab export`: every row labelled with run, member, trial, population and the swept values;
// --wide, --metric, --trial and --aggregate, checked against the long export and against what
// the run was asked to do (a learning-rate sweep, so the recorded learning_rate must match).
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "cli/process_support.hpp"
#include "support/scratch_directory.hpp"

namespace {

namespace fs = std::filesystem;
using nnlab::testing::read_file;
using Row = std::vector<std::string>;

struct Outcome {
  int exit_code = -1;
  std::string out, err;
};

// Splits CSV without quoted cells (none of these exports has one).
std::vector<Row> parse_csv(const std::string& text) {
  std::vector<Row> rows;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    Row row;
    std::size_t start = 0;
    for (std::size_t comma = line.find(','); ; comma = line.find(',', start)) {
      row.push_back(line.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string joined(const Row& row) {
  std::string text;
  for (const auto& cell : row) text += (text.empty() ? "" : ",") + cell;
  return text;
}

// numpy.quantile's default (linear) method, written out again for the check.
double numpy_quantile(std::vector<double> sample, double q) {
  std::sort(sample.begin(), sample.end());
  const double h = (static_cast<double>(sample.size()) - 1) * q;
  const auto low = static_cast<std::size_t>(std::floor(h));
  const std::size_t high = std::min(low + 1, sample.size() - 1);
  return sample[low] + (h - std::floor(h)) * (sample[high] - sample[low]);
}

class Export : public ::testing::Test {
 protected:
  // XOR, 5 epochs, optimizer.lr swept over {0.1, 0.5}, 3 replicates: members 0-2 are trial 0
  // (lr 0.1), members 3-5 trial 1 (lr 0.5), all in population 0.
  void SetUp() override {
    const Outcome run = nnlab({"run", std::string(NNLAB_SOURCE_DIR) + "/experiments/xor.yaml", "--quiet", "--set", "replicates=3", "--set",
                               "train.epochs=5", "--set", "sweep={parameters: {optimizer.lr: [0.1, 0.5]}}"});
    ASSERT_EQ(run.exit_code, 0) << run.err;
  }

  Outcome nnlab(std::vector<std::string> arguments) const {
    arguments.push_back("--store");
    arguments.push_back(store_.string());
    Outcome outcome;
    outcome.exit_code = nnlab::testing::run_nnlab(arguments, scratch_ / "out.txt", scratch_ / "err.txt");
    outcome.out = read_file(scratch_ / "out.txt");
    outcome.err = read_file(scratch_ / "err.txt");
    return outcome;
  }

  std::vector<Row> csv(const std::vector<std::string>& arguments) const {
    const Outcome outcome = nnlab(arguments);
    EXPECT_EQ(outcome.exit_code, 0) << outcome.err;
    return parse_csv(outcome.out);
  }

  nnlab::testing::ScratchDirectory scratch_;
  fs::path store_ = scratch_ / "runs.db";
};

// Checks the long export: header, labels of every row, and that the learning rate each member
// recorded is the swept value in its row.
void expect_labelled_long_export(const std::vector<Row>& rows) {
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(joined(rows[0]), "run,member,trial,population,optimizer.lr,epoch,metric,value");
  std::set<std::tuple<int, std::string, int>> seen;  // (member, metric, epoch)
  std::size_t learning_rates = 0;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const Row& row = rows[i];
    ASSERT_EQ(row.size(), 8u) << joined(row);
    const int member = std::stoi(row[1]);
    EXPECT_EQ(row[0], "1");
    EXPECT_EQ(row[2], member < 3 ? "0" : "1") << joined(row);
    EXPECT_EQ(row[3], "0");
    EXPECT_EQ(row[4], member < 3 ? "0.1" : "0.5") << joined(row);
    EXPECT_TRUE(seen.emplace(member, row[6], std::stoi(row[5])).second) << "duplicate " << joined(row);
    if (row[6] == "learning_rate") {
      EXPECT_FLOAT_EQ(std::stof(row[7]), std::stof(row[4])) << joined(row);
      ++learning_rates;
    }
  }
  EXPECT_GE(learning_rates, 6u * 5u);  // 6 members x epochs 1..5 (and perhaps epoch 0)
  for (int member = 0; member < 6; ++member)
    for (int epoch = 0; epoch <= 5; ++epoch) EXPECT_TRUE(seen.contains({member, "train_loss", epoch})) << member << " " << epoch;
}

TEST_F(Export, LongFormatLabelsEveryRowWithTrialPopulationAndSweptValues) {
  expect_labelled_long_export(csv({"export", "1", "--metrics", "csv"}));
}

TEST_F(Export, LabelsComeFromTheStoredPlanWhenTheRunHasNoSummary) {
  // A killed run has no summary; the export re-makes its plan to label the rows.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(store_.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE runs SET summary_json = NULL", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  expect_labelled_long_export(csv({"export", "1", "--metrics", "csv"}));
}

TEST_F(Export, WideFormatHasOneColumnPerMetric) {
  const std::vector<Row> long_rows = csv({"export", "1", "--metrics", "csv"});
  std::map<std::tuple<std::string, std::string, std::string>, std::string> value;  // (member, epoch, metric)
  std::set<std::string> metrics;
  for (std::size_t i = 1; i < long_rows.size(); ++i) {
    value[{long_rows[i][1], long_rows[i][5], long_rows[i][6]}] = long_rows[i][7];
    metrics.insert(long_rows[i][6]);
  }
  const std::vector<Row> wide = csv({"export", "1", "--wide"});
  ASSERT_FALSE(wide.empty());
  const Row& header = wide[0];
  ASSERT_EQ(header.size(), 6 + metrics.size());
  EXPECT_EQ(joined(Row(header.begin(), header.begin() + 6)), "run,member,trial,population,optimizer.lr,epoch");
  EXPECT_EQ(std::set<std::string>(header.begin() + 6, header.end()), metrics);
  EXPECT_EQ(wide.size(), 1 + 6u * 6u);  // one row per member and epoch
  std::size_t cells = 0;
  for (std::size_t i = 1; i < wide.size(); ++i) {
    ASSERT_EQ(wide[i].size(), header.size());
    EXPECT_EQ(wide[i][4], std::stoi(wide[i][1]) < 3 ? "0.1" : "0.5");
    for (std::size_t c = 6; c < header.size(); ++c) {
      const auto found = value.find({wide[i][1], wide[i][5], header[c]});
      EXPECT_EQ(wide[i][c], found == value.end() ? "" : found->second) << header[c] << " " << joined(wide[i]);
      cells += found != value.end();
    }
  }
  EXPECT_EQ(cells, value.size());  // every long row is one wide cell
}

TEST_F(Export, MetricAndTrialFilters) {
  const std::vector<Row> rows = csv({"export", "1", "--metric", "train_loss", "--metric", "layers.*", "--trial", "1"});
  ASSERT_GT(rows.size(), 1u);
  std::set<std::string> metrics, members;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i][2], "1");
    members.insert(rows[i][1]);
    metrics.insert(rows[i][6]);
  }
  EXPECT_EQ(members, (std::set<std::string>{"3", "4", "5"}));
  EXPECT_TRUE(metrics.contains("train_loss"));
  EXPECT_TRUE(metrics.contains("layers.0.weight_norm"));
  for (const auto& metric : metrics) EXPECT_TRUE(metric == "train_loss" || metric.starts_with("layers.")) << metric;
  // The filters apply to the JSON export too.
  const Outcome json = nnlab({"export", "1", "--metrics", "json", "--metric", "train_loss", "--trial", "0"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const auto document = nlohmann::json::parse(json.out);
  EXPECT_EQ(document.size(), 3u);
  EXPECT_EQ(document["0"].size(), 1u);
  EXPECT_TRUE(document["2"].contains("train_loss"));
}

TEST_F(Export, BadFiltersAreInputErrors) {
  const Outcome trial = nnlab({"export", "1", "--trial", "7"});
  EXPECT_EQ(trial.exit_code, 2);
  EXPECT_NE(trial.err.find("--trial 7: run 1 has trials 0..1"), std::string::npos) << trial.err;
  EXPECT_EQ(nnlab({"export", "1", "--trial", "first"}).exit_code, 2);
  const Outcome metric = nnlab({"export", "1", "--metric", "train_los"});
  EXPECT_EQ(metric.exit_code, 2);
  EXPECT_NE(metric.err.find("--metric train_los: run 1 has no such metric; did you mean 'train_loss'?"), std::string::npos) << metric.err;
  const Outcome both = nnlab({"export", "1", "--wide", "--aggregate"});
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_NE(both.err.find("--wide and --aggregate"), std::string::npos) << both.err;
}

TEST_F(Export, AggregateQuantilesMatchTheLongExport) {
  // (trial, metric, epoch) -> the members' values, from the long export.
  std::map<std::tuple<std::string, std::string, std::string>, std::vector<double>> samples;
  const std::vector<Row> long_rows = csv({"export", "1", "--metrics", "csv"});
  for (std::size_t i = 1; i < long_rows.size(); ++i) {
    const float v = std::stof(long_rows[i][7]);
    if (std::isfinite(v)) samples[{long_rows[i][2], long_rows[i][6], long_rows[i][5]}].push_back(v);
  }
  const std::vector<Row> rows = csv({"export", "1", "--aggregate"});
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(joined(rows[0]), "trial,optimizer.lr,epoch,metric,count,min,q25,median,q75,max");
  ASSERT_EQ(rows.size(), 1 + samples.size());
  std::size_t spread = 0;  // rows whose members differ, where the quartiles are interpolated
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const Row& row = rows[i];
    ASSERT_EQ(row.size(), 10u);
    EXPECT_EQ(row[1], row[0] == "0" ? "0.1" : "0.5");
    const auto found = samples.find({row[0], row[3], row[2]});
    ASSERT_NE(found, samples.end()) << joined(row);
    const std::vector<double>& sample = found->second;
    EXPECT_EQ(std::stoul(row[4]), sample.size()) << joined(row);
    const double qs[] = {0.0, 0.25, 0.5, 0.75, 1.0};
    for (int k = 0; k < 5; ++k) EXPECT_FLOAT_EQ(std::stof(row[5 + k]), static_cast<float>(numpy_quantile(sample, qs[k]))) << joined(row);
    spread += sample.size() == 3 && std::stof(row[5]) < std::stof(row[9]);
  }
  EXPECT_GT(spread, 10u) << "the test should see members that differ";
  // --trial and --metric narrow the aggregate too.
  const std::vector<Row> narrow = csv({"export", "1", "--aggregate", "--trial", "1", "--metric", "train_loss"});
  EXPECT_EQ(narrow.size(), 1 + 6u);  // epochs 0..5
  for (std::size_t i = 1; i < narrow.size(); ++i) EXPECT_EQ(narrow[i][0] + " " + narrow[i][3], "1 train_loss");
}

TEST_F(Export, StructuralSweepsGetAColumnAndAPopulationEach) {
  // Run 2: every layer's steepness set with a star, train.batch swept (structural: 2 populations).
  const Outcome run = nnlab({"run", std::string(NNLAB_SOURCE_DIR) + "/experiments/xor.yaml", "--quiet", "--set", "replicates=2", "--set",
                             "train.epochs=3", "--set", "model.layers.*.steepness=0.4", "--set", "sweep={parameters: {train.batch: [full, 2]}}"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const Outcome show = nnlab({"show", "2", "--json"});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  const auto record = nlohmann::json::parse(show.out);
  ASSERT_EQ(record["members"].size(), 4u);
  for (const auto& member : record["members"]) {
    const auto& hyper = member["hyperparameters"];
    const bool full = member["member"].get<int>() < 2;
    EXPECT_EQ(hyper["train.batch"], full ? nlohmann::json("full") : nlohmann::json(2)) << hyper;
    EXPECT_EQ(hyper["model.layers.0.steepness"], 0.4) << hyper;
    EXPECT_EQ(hyper["model.layers.1.steepness"], 0.4) << hyper;
    EXPECT_EQ(member["population"], full ? 0 : 1);
  }
  const std::vector<Row> rows = csv({"export", "2", "--metric", "train_loss"});
  ASSERT_EQ(rows.size(), 1 + 4u * 4u);  // 4 members x epochs 0..3
  EXPECT_EQ(joined(rows[0]), "run,member,trial,population,train.batch,epoch,metric,value");
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const bool full = std::stoi(rows[i][1]) < 2;
    EXPECT_EQ(joined(Row(rows[i].begin(), rows[i].begin() + 5)), fmt::format("2,{},{},{},{}", rows[i][1], full ? 0 : 1, full ? 0 : 1, full ? "full" : "2"));
  }
}

}  // namespace
