// The nnlab command as a user meets it: exit codes, one-line messages, --json, --help.
#include <gtest/gtest.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <unistd.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "cli/process_support.hpp"

namespace {

namespace fs = std::filesystem;
using nnlab::testing::read_file;

struct Outcome {
  int exit_code = -1;
  std::string out;
  std::string err;
};

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("nnlab_cli_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    // Runs without --store are recorded here, not in the build directory.
    ::setenv("NNLAB_STORE", (dir_ / "default.db").c_str(), 1);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path write(const std::string& name, const std::string& text) const {
    const fs::path path = dir_ / name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  Outcome nnlab(const std::string& arguments) const {
    const fs::path out = dir_ / "stdout.txt", err = dir_ / "stderr.txt";
    const std::string command = std::string(NNLAB_BINARY) + " " + arguments + " >" + out.string() + " 2>" + err.string() + " </dev/null";
    const int status = std::system(command.c_str());
    Outcome outcome;
    outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    outcome.out = read_file(out);
    outcome.err = read_file(err);
    return outcome;
  }

  // An experiment that trains in milliseconds, with `extra` appended (YAML).
  fs::path tiny_experiment(const std::string& extra = "", const std::string& name = "tiny.yaml") const {
    return write(name,
                 "name: tiny\nseed: 3\ndata:\n  train: xor\nmodel:\n  layers:\n"
                 "    - {type: dense, units: 2, activation: sigmoid}\n    - {type: dense, units: 1, activation: sigmoid}\n"
                 "loss: sse\noptimizer: {type: sgd, lr: 0.5, momentum: 0.9}\ntrain: {epochs: 20, batch: full}\n" +
                     extra);
  }

  fs::path dir_;
};

TEST_F(Cli, HelpListsCommandsAndFlagsWithDefaults) {
  const auto top = nnlab("--help");
  EXPECT_EQ(top.exit_code, 0);
  EXPECT_NE(top.out.find("run"), std::string::npos);
  EXPECT_NE(top.out.find("summary"), std::string::npos);
  const auto run = nnlab("run --help");
  EXPECT_EQ(run.exit_code, 0);
  for (const char* flag : {"--set", "--threads", "--json", "--quiet", "--save-model"}) EXPECT_NE(run.out.find(flag), std::string::npos) << flag;
  EXPECT_NE(run.out.find("default"), std::string::npos) << run.out;
}

TEST_F(Cli, RunPrintsJsonSummary) {
  const auto outcome = nnlab("run " + tiny_experiment("replicates: 3\nsuccess: {train_accuracy: 1.0}\n").string() + " --json --quiet");
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  EXPECT_TRUE(outcome.err.empty()) << "--quiet: " << outcome.err;
  const auto summary = nlohmann::json::parse(outcome.out);
  EXPECT_EQ(summary["name"], "tiny");
  ASSERT_EQ(summary["members"].size(), 3u);
  EXPECT_EQ(summary["members"][1]["seed"], 4);
  EXPECT_EQ(summary["members"][0]["epochs"], 20);
  EXPECT_TRUE(summary["members"][0].contains("train_loss"));
  EXPECT_TRUE(summary["members"][0].contains("succeeded"));
  EXPECT_TRUE(summary["members"][0].contains("diverged"));
  EXPECT_EQ(summary["members"][0]["hyperparameters"]["optimizer.lr"], 0.5);
  EXPECT_TRUE(summary["aggregate"].contains("success_rate"));
}

TEST_F(Cli, SetOverridesAKey) {
  const auto outcome = nnlab("run " + tiny_experiment().string() + " --set optimizer.lr=0.25 --set train.epochs=5 --json --quiet");
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  const auto summary = nlohmann::json::parse(outcome.out);
  EXPECT_EQ(summary["members"][0]["hyperparameters"]["optimizer.lr"], 0.25);
  EXPECT_EQ(summary["members"][0]["epochs"], 5);
}

TEST_F(Cli, SameSeedSameResultAnyThreadCount) {
  const auto experiment = tiny_experiment("replicates: 4\n").string();
  const auto one = nnlab("run " + experiment + " --threads 1 --json --quiet");
  const auto two = nnlab("run " + experiment + " --threads 2 --json --quiet");
  ASSERT_EQ(one.exit_code, 0);
  ASSERT_EQ(two.exit_code, 0);
  auto a = nlohmann::json::parse(one.out), b = nlohmann::json::parse(two.out);
  for (std::size_t m = 0; m < 4; ++m) EXPECT_EQ(a["members"][m]["train_loss"], b["members"][m]["train_loss"]);
}

// The SIMD target: named by --version, forced lower by NNLAB_SIMD with the same results, and a
// bad NNLAB_SIMD is a one-line error (exit 2) before anything runs.
TEST_F(Cli, SimdTargetIsNamedAndCanBeForced) {
  const auto version = nnlab("--version");
  ASSERT_EQ(version.exit_code, 0) << version.err;
  EXPECT_NE(version.out.find("SIMD kernels: "), std::string::npos) << version.out;
  const auto experiment = tiny_experiment("replicates: 5\n").string();
  const auto best = nnlab("run " + experiment + " --json --quiet --no-store");
  ::setenv("NNLAB_SIMD", "scalar", 1);
  const auto scalar_version = nnlab("--version");
  const auto scalar = nnlab("run " + experiment + " --json --quiet --no-store");
  ::setenv("NNLAB_SIMD", "avx9", 1);
  const auto bad = nnlab("run " + experiment + " --quiet --no-store");
  ::unsetenv("NNLAB_SIMD");
  EXPECT_NE(scalar_version.out.find("SIMD kernels: scalar"), std::string::npos) << scalar_version.out;
  ASSERT_EQ(best.exit_code, 0) << best.err;
  ASSERT_EQ(scalar.exit_code, 0) << scalar.err;
  const auto a = nlohmann::json::parse(best.out), b = nlohmann::json::parse(scalar.out);
  for (std::size_t m = 0; m < 5; ++m) EXPECT_EQ(a["members"][m]["train_loss"], b["members"][m]["train_loss"]) << m;
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("NNLAB_SIMD: 'avx9' is not one of scalar, sse4, avx2, avx512"), std::string::npos) << bad.err;
}

TEST_F(Cli, SummaryPrintsParameterCounts) {
  const auto experiment = write("mlp.yaml",
                                "data: {train: xor}\nmodel:\n  inputs: 784\n  layers:\n    - {type: dense, units: 300, activation: relu}\n"
                                "    - {type: dense, units: 10}\n");
  const auto outcome = nnlab("summary " + experiment.string());
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  EXPECT_NE(outcome.out.find("238,510"), std::string::npos) << outcome.out;
}

// Bad input: exit code 2 and exactly one line on stderr naming where and why.
void expect_bad_input(const Outcome& outcome, std::initializer_list<const char*> needles) {
  EXPECT_EQ(outcome.exit_code, 2) << outcome.err;
  EXPECT_EQ(std::count(outcome.err.begin(), outcome.err.end(), '\n'), 1) << outcome.err;
  for (const char* needle : needles) EXPECT_NE(outcome.err.find(needle), std::string::npos) << "missing '" << needle << "' in: " << outcome.err;
}

TEST_F(Cli, MissingExperimentFile) { expect_bad_input(nnlab("run " + (dir_ / "nope.yaml").string()), {"nope.yaml"}); }

TEST_F(Cli, MalformedYaml) {
  expect_bad_input(nnlab("run " + write("bad.yaml", "name: [unclosed\nseed: 1\n").string() + " --quiet"), {"bad.yaml"});
}

TEST_F(Cli, UnknownKeyWithSuggestion) {
  const auto experiment = tiny_experiment("optimiser: {lr: 0.1}\n");
  expect_bad_input(nnlab("run " + experiment.string() + " --quiet"), {"tiny.yaml", "optimiser", "optimizer"});
}

TEST_F(Cli, NegativeLearningRate) {
  expect_bad_input(nnlab("run " + tiny_experiment().string() + " --set optimizer.lr=-0.1 --quiet"), {"optimizer.lr"});
}

TEST_F(Cli, ZeroUnits) {
  expect_bad_input(nnlab("run " + tiny_experiment().string() + " --set model.layers.0.units=0 --quiet"), {"model.layers.0.units"});
}

TEST_F(Cli, NonPositiveSteepness) {
  expect_bad_input(nnlab("run " + tiny_experiment().string() + " --set model.layers.0.steepness=0 --quiet"), {"steepness"});
}

TEST_F(Cli, UnknownFlag) { EXPECT_EQ(nnlab("run " + tiny_experiment().string() + " --bogus").exit_code, 2); }

TEST_F(Cli, MissingDataFile) {
  const auto experiment = write("csv.yaml", "data: {train: {source: csv, path: missing.csv}}\nmodel: {layers: [{type: dense, units: 2}]}\n");
  expect_bad_input(nnlab("run " + experiment.string() + " --quiet"), {"missing.csv"});
}

TEST_F(Cli, CsvWithRaggedRowAndNonNumericCell) {
  write("ragged.csv", "1,2,0\n3,4\n");
  write("text.csv", "1,2,0\n3,abc,1\n");
  const auto ragged = write("ragged.yaml", "data: {train: {source: csv, path: ragged.csv}}\nmodel: {layers: [{type: dense, units: 2}]}\n");
  const auto text = write("text.yaml", "data: {train: {source: csv, path: text.csv}}\nmodel: {layers: [{type: dense, units: 2}]}\n");
  expect_bad_input(nnlab("run " + ragged.string() + " --quiet"), {"ragged.csv", "2"});
  expect_bad_input(nnlab("run " + text.string() + " --quiet"), {"text.csv", "abc"});
}

TEST_F(Cli, IdxWithWrongMagic) {
  write("images.idx", std::string("\x00\x00\x08\x04\x00\x00\x00\x01", 8));
  write("labels.idx", std::string("\x00\x00\x08\x01\x00\x00\x00\x01\x00", 9));
  const auto experiment = write("idx.yaml",
                                "data: {train: {source: idx, images: images.idx, labels: labels.idx}}\n"
                                "model: {layers: [{type: dense, units: 2}]}\n");
  expect_bad_input(nnlab("run " + experiment.string() + " --quiet"), {"images.idx", "magic"});
}

TEST_F(Cli, BrokenModelFile) {
  write("broken.safetensors", std::string("\xff\xff\xff\xff\x00\x00\x00\x00{}", 10));
  const auto experiment = tiny_experiment("", "from.yaml");
  expect_bad_input(nnlab("run " + experiment.string() + " --set model.from=broken.safetensors --quiet"), {"broken.safetensors"});
}

TEST_F(Cli, SaveModelThenStartFromIt) {
  const auto experiment = tiny_experiment();
  const auto saved = dir_ / "weights.safetensors";
  ASSERT_EQ(nnlab("run " + experiment.string() + " --save-model " + saved.string() + " --quiet").exit_code, 0);
  ASSERT_TRUE(fs::exists(saved));
  // Zero epochs are not allowed; one epoch at lr→0 must start where the file left off.
  const auto outcome = nnlab("run " + experiment.string() + " --set model.from=" + saved.string() +
                             " --set train.epochs=1 --set optimizer.lr=1e-30 --set optimizer.momentum=0 --json --quiet");
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  const auto original = nlohmann::json::parse(nnlab("run " + experiment.string() + " --json --quiet").out);
  const auto resumed = nlohmann::json::parse(outcome.out);
  EXPECT_NEAR(resumed["members"][0]["train_loss"].get<double>(), original["members"][0]["train_loss"].get<double>(), 1e-6);
}

TEST_F(Cli, InspectPrintsWeightsAndThePatternCheck) {
  const auto experiment = write("mirror.yaml",
                                "seed: 3\ndata: {train: {source: mirror, bits: 6}}\nmodel:\n  layers:\n"
                                "    - {type: dense, units: 2, activation: sigmoid}\n    - {type: dense, units: 1, activation: sigmoid}\n"
                                "  init: {weight: {uniform: 0.3}, bias: {uniform: 0.3}}\nloss: sse\n"
                                "optimizer: {type: sgd, lr: 0.1, momentum: 0.9}\ntrain: {epochs: 50, batch: full, order: fixed}\n");
  const auto saved = dir_ / "mirror.safetensors";
  ASSERT_EQ(nnlab("run " + experiment.string() + " --save-model " + saved.string() + " --quiet").exit_code, 0);
  const auto outcome = nnlab("inspect " + saved.string());
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  EXPECT_NE(outcome.out.find("layers.0.weight"), std::string::npos);
  EXPECT_NE(outcome.out.find("mirror-symmetry solution"), std::string::npos) << outcome.out;
  expect_bad_input(nnlab("inspect " + saved.string() + " --member 3"), {"--member 3"});
  expect_bad_input(nnlab("inspect " + (dir_ / "none.safetensors").string()), {"none.safetensors"});
}

TEST_F(Cli, PlanPrintsPopulationsWithoutTraining) {
  const auto experiment = tiny_experiment("sweep: {parameters: {optimizer.lr: [0.1, 0.5], model.layers.0.activation: [sigmoid, tanh]}}\n");
  const auto outcome = nnlab("run " + experiment.string() + " --plan");
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  EXPECT_NE(outcome.out.find("4 trial(s) x 1 replicate(s) = 4 member(s) in 2 population(s)"), std::string::npos) << outcome.out;
  expect_bad_input(nnlab("run " + tiny_experiment("sweep: {parameters: {optimizer.lr: []}}\n").string() + " --plan"), {"sweep.parameters.optimizer.lr"});
}

TEST_F(Cli, RunIsRecordedAndCanBeShownExportedReportedAndRemoved) {
  const auto store = (dir_ / "runs.db").string();
  const auto experiment = tiny_experiment("replicates: 3\nsuccess: {train_accuracy: 1.0}\n");
  ASSERT_EQ(nnlab("run " + experiment.string() + " --store " + store + " --quiet").exit_code, 0);
  ASSERT_EQ(nnlab("run " + experiment.string() + " --store " + store + " --quiet --set optimizer.lr=0.1").exit_code, 0);
  const auto runs = nnlab("runs --store " + store);
  ASSERT_EQ(runs.exit_code, 0) << runs.err;
  EXPECT_NE(runs.out.find("tiny"), std::string::npos);
  EXPECT_NE(runs.out.find("finished"), std::string::npos);

  const auto show = nnlab("show 1 --json --store " + store);
  ASSERT_EQ(show.exit_code, 0) << show.err;
  const auto record = nlohmann::json::parse(show.out);
  EXPECT_EQ(record["members"].size(), 3u);
  EXPECT_EQ(record["members"][2]["seed"], 5);
  EXPECT_EQ(record["summary"]["aggregate"]["members"], 3);

  // Every epoch 0..20 of every member and metric is there.
  const auto csv = nnlab("export 1 --member 1 --metrics csv --store " + store);
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  // run,member,trial,population,epoch,metric,value (no sweep: no swept-key columns)
  EXPECT_EQ(csv.out.rfind("run,member,trial,population,epoch,metric,value\n", 0), 0u) << csv.out.substr(0, 200);
  EXPECT_NE(csv.out.find("\n1,1,0,0,0,train_loss,"), std::string::npos);
  EXPECT_NE(csv.out.find("\n1,1,0,0,20,train_loss,"), std::string::npos);
  EXPECT_EQ(csv.out.find("\n1,0,"), std::string::npos) << "only member 1";
  EXPECT_EQ(csv.out.find("\n1,2,"), std::string::npos) << "only member 1";
  const auto json = nlohmann::json::parse(nnlab("export latest --metrics json --store " + store).out);
  EXPECT_EQ(json["0"]["train_loss"]["epochs"].size(), 21u);

  const auto weights = dir_ / "exported.safetensors";
  ASSERT_EQ(nnlab("export 1 --model " + weights.string() + " --store " + store).exit_code, 0);
  EXPECT_EQ(nnlab("inspect " + weights.string() + " --member 2").exit_code, 0);

  const auto report = nnlab("report 1 2 --out " + (dir_ / "report").string() + " --store " + store);
  ASSERT_EQ(report.exit_code, 0) << report.err;
  const std::string html = read_file(dir_ / "report" / "index.html");
  EXPECT_NE(html.find("<img"), std::string::npos);
  // Every image the page references exists.
  for (std::size_t at = html.find("src=\""); at != std::string::npos; at = html.find("src=\"", at + 1)) {
    const auto end = html.find('"', at + 5);
    EXPECT_TRUE(fs::exists(dir_ / "report" / html.substr(at + 5, end - at - 5))) << html.substr(at + 5, end - at - 5);
  }

  ASSERT_EQ(nnlab("rm 1 --store " + store).exit_code, 0);
  expect_bad_input(nnlab("show 1 --store " + store), {"no run"});
  EXPECT_EQ(nnlab("show 2 --store " + store).exit_code, 0);
}

TEST_F(Cli, RunWritesItsReport) {
  const auto store = (dir_ / "runs.db").string();
  const auto out = dir_ / "mirror-report";
  ASSERT_EQ(nnlab("run " + tiny_experiment("replicates: 4\n").string() + " --store " + store + " --report " + out.string() + " --quiet").exit_code, 0);
  EXPECT_TRUE(fs::exists(out / "index.html"));
  EXPECT_EQ(nnlab("run " + tiny_experiment().string() + " --no-store --report " + out.string() + " --quiet").exit_code, 2);
}

TEST_F(Cli, ReportOfARunWithATestSetHasConfusionMatrixAndTsne) {
  // Three separable clusters in 3-D as CSV, train and test.
  std::string train = "x,y,z,label\n", test = "x,y,z,label\n";
  for (int i = 0; i < 90; ++i) {
    const int label = i % 3;
    const std::string row = fmt::format("{},{},{},{}\n", (label == 0) * 3 + (i % 7) * 0.1, (label == 1) * 3 + (i % 5) * 0.1,
                                        (label == 2) * 3 + (i % 3) * 0.1, label);
    (i < 60 ? train : test) += row;
  }
  write("train.csv", train);
  write("test.csv", test);
  const auto experiment = write("blobs.yaml",
                                "data: {train: {source: csv, path: train.csv}, test: {source: csv, path: test.csv}}\n"
                                "model: {layers: [{type: dense, units: 8, activation: relu}, {type: dense, units: 3}]}\n"
                                "optimizer: {type: adam, lr: 0.05}\ntrain: {epochs: 30, batch: 10}\n");
  const auto out = dir_ / "blobs-report";
  const auto outcome = nnlab("run " + experiment.string() + " --store " + (dir_ / "runs.db").string() + " --report " + out.string() + " --quiet");
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  bool confusion = false, tsne = false;
  for (const auto& entry : fs::directory_iterator(out)) {
    confusion |= entry.path().filename().string().find("confusion") != std::string::npos;
    tsne |= entry.path().filename().string().find("tsne") != std::string::npos;
  }
  EXPECT_TRUE(confusion);
  EXPECT_TRUE(tsne);
}

TEST_F(Cli, ForeignOrCorruptStoresAreRefused) {
  write("garbage.db", std::string(4096, 'x'));
  expect_bad_input(nnlab("runs --store " + (dir_ / "garbage.db").string()), {"garbage.db"});
  expect_bad_input(nnlab("runs --store " + (dir_ / "absent.db").string()), {"absent.db"});
}

}  // namespace
