// Error lines stay short whatever the user typed: a value is quoted to 80 characters and its length.
// (tests/experiment/config_values_test.cpp holds the same messages to under 300 characters.)
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cli/process_support.hpp"
#include "support/scratch_directory.hpp"

namespace nnlab {
namespace {

namespace fs = std::filesystem;

struct Result {
  int exit_code = -1;
  std::string err;
};

class ErrorLines : public ::testing::Test {
 protected:
  Result nnlab(const std::vector<std::string>& arguments) const {
    const fs::path out = scratch_ / "out.txt", err = scratch_ / "err.txt";
    Result result;
    result.exit_code = testing::run_nnlab(arguments, out, err);
    result.err = testing::read_file(err);
    return result;
  }

  fs::path experiment(const std::string& name, const std::string& extra) const {
    const fs::path path = scratch_ / "tiny.yaml";
    std::ofstream(path) << "name: " << name << "\ndata: {train: xor}\nmodel: {layers: [{units: 2, activation: sigmoid}, {units: 1}]}\n"
                        << "loss: sse\ntrain: {epochs: 2, batch: full}\n" << extra;
    return path;
  }

  // Exit 2 and a short message holding every fragment: the 80 characters quoted, the file's
  // path, the key and the reason (which may list the known names, e.g. 13 activations).
  static void expect_short_error(const Result& result, std::initializer_list<std::string> fragments) {
    EXPECT_EQ(result.exit_code, 2) << result.err.substr(0, 400);
    const std::string first_line = result.err.substr(0, result.err.find('\n'));
    EXPECT_LT(first_line.size(), 400u) << result.err.substr(0, 500);
    EXPECT_LT(result.err.size(), 450u) << result.err.substr(0, 500);
    for (const std::string& fragment : fragments)
      EXPECT_NE(result.err.find(fragment), std::string::npos) << "missing '" << fragment << "' in: " << result.err.substr(0, 400);
  }

  testing::ScratchDirectory scratch_;
};

TEST_F(ErrorLines, ThreadsOutOfRangeNamesASaneRange) {
  const std::string file = experiment("tiny", "").string();
  expect_short_error(nnlab({"run", file, "--threads", "-1", "--quiet", "--no-store"}), {"--threads", "-1", "between 0 and 1024"});
  expect_short_error(nnlab({"run", file, "--threads", "99999999999999999999", "--quiet", "--no-store"}), {"--threads", "between 0 and 1024"});
  expect_short_error(nnlab({"run", file, "--threads", std::string(100'000, '7'), "--quiet", "--no-store"}),
                     {"--threads", "between 0 and 1024", "100,000 bytes"});
  expect_short_error(nnlab({"resume", "1", "--threads", "two", "--store", (scratch_ / "runs.db").string()}), {"--threads", "'two'"});
  EXPECT_EQ(nnlab({"run", file, "--threads", "1", "--quiet", "--no-store"}).exit_code, 0);
}

TEST_F(ErrorLines, CommandLineErrorsOfTheParserAreCapped) {
  const std::string file = experiment("tiny", "").string();
  expect_short_error(nnlab({"run", file, "--no-store", std::string(100'000, 'e')}), {"not expected", "100,"});
  expect_short_error(nnlab({"export", "1", "--metrics", std::string(100'000, 'j')}), {"--metrics", "100,"});
}

TEST_F(ErrorLines, HugeNamesAreCapped) {
  const std::string huge(100'000, 'n');
  expect_short_error(nnlab({"run", experiment("tiny", "").string(), "--quiet", "--no-store", "--set", "model.layers.0.activation=" + huge}),
                     {"model.layers.0.activation (from --set): unknown activation 'nnnn", "100,000 bytes"});
  expect_short_error(nnlab({"run", experiment("tiny", "optimizer: {type: " + huge + "}\n").string(), "--quiet", "--no-store"}),
                     {"optimizer.type: unknown optimizer 'nnnn", "100,000 bytes"});
  // A run named with 100 kB, listed when another name is not found.
  const std::string store = (scratch_ / "runs.db").string();
  ASSERT_EQ(nnlab({"run", experiment(huge, "").string(), "--quiet", "--store", store}).exit_code, 0);
  expect_short_error(nnlab({"show", "typo", "--store", store}), {"no run with id or name 'typo'", "nnnn"});
}

// export's own messages quote the --metric pattern capped too (the run's metric list follows).
TEST_F(ErrorLines, ExportMetricPatternsAreCapped) {
  const std::string store = (scratch_ / "runs.db").string();
  ASSERT_EQ(nnlab({"run", experiment("tiny", "").string(), "--quiet", "--store", store}).exit_code, 0);
  const Result result = nnlab({"export", "1", "--store", store, "--metric", std::string(100'000, 'q')});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("100,000 bytes"), std::string::npos) << result.err.substr(0, 400);
  EXPECT_EQ(result.err.find(std::string(200, 'q')), std::string::npos);
  EXPECT_LT(result.err.size(), 2000u);
}

TEST_F(ErrorLines, CrOnlyCsvIsReadAsLines) {
  std::string rows = "x,y,label";
  for (int i = 0; i < 5000; ++i) {
    rows += '\r';
    rows += std::to_string(i % 7) + ",1," + std::to_string(i % 2);
  }
  std::ofstream(scratch_ / "cr.csv", std::ios::binary) << rows << "\r1,oops,0\r";
  const fs::path file = scratch_ / "csv.yaml";
  std::ofstream(file) << "data: {train: {source: csv, path: cr.csv, label_column: label}}\nmodel: {layers: [{units: 2}]}\n";
  expect_short_error(nnlab({"run", file.string(), "--quiet", "--no-store"}), {"cr.csv:line 5002, column 2: not a number: 'oops'"});
}

// An early-stopping monitor on a set the experiment does not have: exit 2, one line naming the key.
TEST_F(ErrorLines, EarlyStoppingOnAMissingSetNamesTheKey) {
  const std::string file = experiment("tiny", "").string();
  const Result result = nnlab({"run", file, "--quiet", "--no-store", "--set", "train.early_stopping.monitor=validation_loss"});
  expect_short_error(result, {"tiny.yaml", "train.early_stopping.monitor", "needs a validation split (data.validation > 0)"});
  EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
}

// Snapshot-ensemble cycles that do not fit the run's steps (known once the data is): exit 2, one line.
TEST_F(ErrorLines, SnapshotEnsembleCyclesBeyondTheStepsNameTheKey) {
  const std::string file = experiment("tiny", "").string();  // 2 epochs of one full batch
  const Result result = nnlab({"run", file, "--quiet", "--no-store", "--set", "data.test=xor", "--set", "train.snapshot_ensemble.cycles=3"});
  expect_short_error(result, {"tiny.yaml", "train.snapshot_ensemble.cycles: must be <= the 2 steps of training"});
  EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
}

// Layers that cannot take their input's shape: exit 2, one line naming the layer's key.
TEST_F(ErrorLines, ConvolutionShapeProblemsNameTheLayerKey) {
  const auto run = [&](const std::string& model) {
    const fs::path file = scratch_ / "cnn.yaml";
    std::ofstream(file) << "data: {train: xor}\nmodel: " << model << "\nloss: sse\ntrain: {epochs: 1, batch: full}\n";
    const Result result = nnlab({"run", file.string(), "--quiet", "--no-store"});
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
    return result;
  };
  expect_short_error(run("{input_shape: [1, 1, 2], layers: [{type: conv2d, filters: 2, kernel: 3}, {type: flatten}, {units: 1}]}"),
                     {"cnn.yaml", "model.layers.0.kernel: [3, 3] does not fit the input [1, 1, 2]"});
  expect_short_error(run("{input_shape: [1, 1, 2], layers: [{type: maxpool2d, size: 2}, {type: flatten}, {units: 1}]}"),
                     {"model.layers.0.kernel: [2, 2] does not fit the input [1, 1, 2]"});
  expect_short_error(run("{input_shape: [1, 2, 2], layers: [{units: 1}]}"),
                     {"model.input_shape: [1, 2, 2] is 4 features, but the training data has 2"});
  expect_short_error(run("{input_shape: [2, 1, 1], layers: [{type: flatten}, {type: conv2d, filters: 1, kernel: 1}, {units: 1}]}"),
                     {"model.layers.1.type: conv2d needs a [C, H, W] input, got [2]"});
  expect_short_error(run("{layers: [{type: conv2d, filters: 1, kernel: 1}, {units: 1}]}"),
                     {"model.layers.0.type: conv2d needs a [C, H, W] input, got [2] (set model.input_shape"});
}

// Skip connections that cannot be wired: exit 2, one line naming the layer's `from`.
TEST_F(ErrorLines, BadSkipConnectionsNameTheFromKey) {
  const auto run = [&](const std::string& layers) {
    const fs::path file = scratch_ / "skip.yaml";
    std::ofstream(file) << "data: {train: xor}\nmodel: {layers: " << layers << "}\nloss: sse\ntrain: {epochs: 1, batch: full}\n";
    const Result result = nnlab({"run", file.string(), "--quiet", "--no-store"});
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
    return result;
  };
  expect_short_error(run("[{units: 2}, {units: 1, from: [input, 1]}]"),
                     {"skip.yaml", "model.layers.1.from: 1 is not an earlier layer"});
  expect_short_error(run("[{units: 2}, {units: 1, from: [input]}]"),
                     {"model.layers.1.from: leaves the output of layer 0 unused"});
  expect_short_error(run("[{units: 2}, {units: 1, from: [inptu, 0]}]"),
                     {"model.layers.1.from", "expected `input` or a layer index >= 0, got inptu"});
}

// Initialisers the layers or the data refuse: exit 2, one line naming the file and the init key.
TEST_F(ErrorLines, BadInitialisersNameTheInitKey) {
  const auto run = [&](const std::string& layers) {
    const fs::path file = scratch_ / "init.yaml";
    std::ofstream(file) << "data: {train: xor}\nmodel: {layers: " << layers << "}\nloss: sse\ntrain: {epochs: 1, batch: full}\n";
    const Result result = nnlab({"run", file.string(), "--quiet", "--no-store"});
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
    return result;
  };
  expect_short_error(run("[{units: 3, init: {bias: orthogonal}}, {units: 1}]"),
                     {"init.yaml", "model.layers.0.init.bias: orthogonal needs a matrix, not a bias"});
  expect_short_error(run("[{units: 3}, {units: 1, init: {bias: lsuv}}]"),
                     {"init.yaml", "model.layers.1.init.bias: lsuv and pca initialise weights, not a bias"});
  expect_short_error(run("[{units: 3, init: {weight: pca}}, {units: 1}]"),
                     {"model.layers.0.init.weight: pca needs units <= the layer's 2 inputs (its principal components), got 3 units"});
  // Three linear units of two-dimensional data have rank 2: no third principal component.
  expect_short_error(run("[{units: 3, activation: identity}, {units: 3, init: {weight: pca}}, {units: 1}]"),
                     {"model.layers.1.init.weight: pca needs 3 principal components, but the layer's input has rank 2 on a batch of 4 rows"});
}

// Bad linked sweep keys: exit 2, one line naming the zipped key.
TEST_F(ErrorLines, BadZippedSweepsNameTheKey) {
  const auto run = [&](const std::string& sweep) {
    const Result result = nnlab({"run", experiment("tiny", "sweep: " + sweep + "\n").string(), "--quiet", "--no-store"});
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
    return result;
  };
  expect_short_error(run("{zip: {train.batch: [1, 2, 3, 4], optimizer.lr: [0.01, 0.02, 0.04]}}"),
                     {"tiny.yaml", "sweep.zip.optimizer.lr: 3 values, but sweep.zip.train.batch has 4"});
  expect_short_error(run("{zip: {optimizer.lr: []}}"), {"sweep.zip.optimizer.lr: an empty list of values"});
  expect_short_error(run("{parameters: {optimizer.lr: [0.1]}, zip: {optimizer.lr: [0.2]}}"),
                     {"sweep.zip.optimizer.lr: also in sweep.parameters"});
}

// reduce_on_plateau with a bad constant, or watching a set the experiment does not have: exit 2,
// one line naming the key.
TEST_F(ErrorLines, PlateauScheduleProblemsNameTheKey) {
  const std::string file = experiment("tiny", "schedule: {type: reduce_on_plateau, monitor: train_loss, factor: 1}\n").string();
  const Result factor = nnlab({"run", file, "--quiet", "--no-store"});
  expect_short_error(factor, {"tiny.yaml", "schedule.factor: must be in (0, 1), got 1"});
  EXPECT_EQ(std::count(factor.err.begin(), factor.err.end(), '\n'), 1) << factor.err;
  const Result monitor = nnlab({"run", experiment("tiny", "schedule: reduce_on_plateau\n").string(), "--quiet", "--no-store"});
  expect_short_error(monitor, {"tiny.yaml", "schedule: monitors validation_loss by default, which needs a validation split"});
  EXPECT_EQ(std::count(monitor.err.begin(), monitor.err.end(), '\n'), 1) << monitor.err;
}

}  // namespace
}  // namespace nnlab
