// One status rule (issue 9, item 7): the status describes the training. A run that trained to
// the end is "finished" even when its model file or report cannot be written afterwards; the
// command then exits with code 2 and a line naming the file. A store that cannot be created
// leaves no empty file behind.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <signal.h>
#include <sys/resource.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cli/process_support.hpp"
#include "support/scratch_directory.hpp"

namespace {

namespace fs = std::filesystem;
using nnlab::testing::read_file;
using nnlab::testing::run_nnlab;

class StatusRule : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ofstream(path("tiny.yaml")) << "name: tiny\nseed: 3\nreplicates: 2\ndata:\n  train: xor\nmodel:\n  layers:\n"
                                        "    - {type: dense, units: 2, activation: sigmoid}\n    - {type: dense, units: 1, activation: sigmoid}\n"
                                        "loss: sse\noptimizer: {type: sgd, lr: 0.5}\ntrain: {epochs: 20, batch: full}\n";
  }
  fs::path path(const std::string& name) const { return scratch_.path() / name; }
  std::string status_of_latest_run(const fs::path& store) const {
    EXPECT_EQ(run_nnlab({"show", "latest", "--json", "--store", store.string()}, path("show.json"), path("show.err")), 0)
        << read_file(path("show.err"));
    return nlohmann::json::parse(read_file(path("show.json"))).value("status", "");
  }
  // A run with `extra` flags: exit code 2, one line naming `file`, the summary still printed, the run finished.
  void expect_finished_but_failed(const std::vector<std::string>& extra, const std::string& file) const {
    const fs::path store = path("runs.db");
    std::vector<std::string> arguments{"run", path("tiny.yaml").string(), "--store", store.string(), "--quiet", "--json"};
    arguments.insert(arguments.end(), extra.begin(), extra.end());
    EXPECT_EQ(run_nnlab(arguments, path("out"), path("err")), 2) << read_file(path("err"));
    const std::string err = read_file(path("err"));
    EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
    EXPECT_NE(err.find(file), std::string::npos) << err;
    EXPECT_EQ(nlohmann::json::parse(read_file(path("out"))).value("name", ""), "tiny") << "the summary is printed";
    EXPECT_EQ(status_of_latest_run(store), "finished");
  }

  nnlab::testing::ScratchDirectory scratch_;
};

TEST_F(StatusRule, AModelFileThatCannotBeWrittenLeavesTheRunFinished) {
  fs::create_directory(path("a-directory"));
  expect_finished_but_failed({"--save-model", path("a-directory").string()}, path("a-directory").string());
  expect_finished_but_failed({"--save-model", path("no/such/dir/w.safetensors").string()}, path("no/such/dir/w.safetensors").string());
}

TEST_F(StatusRule, AReportThatCannotBeWrittenLeavesTheRunFinished) {
  std::ofstream(path("a-file")) << "x";
  expect_finished_but_failed({"--report", (path("a-file") / "report").string()}, (path("a-file") / "report").string());
}

TEST_F(StatusRule, AStoreThatCannotBeCreatedLeavesNoFile) {
  const fs::path missing_directory = path("no-such-dir") / "runs.db";
  EXPECT_EQ(run_nnlab({"run", path("tiny.yaml").string(), "--store", missing_directory.string(), "--quiet"}, path("out"), path("err")), 2)
      << read_file(path("err"));
  EXPECT_NE(read_file(path("err")).find(missing_directory.string()), std::string::npos) << read_file(path("err"));
  EXPECT_FALSE(fs::exists(path("no-such-dir")));

  // A full disk: the file can be made, its first pages cannot be written (a file size limit
  // stands in for the disk, for root too; 1000 bytes leave room for the message on stderr).
  const fs::path store = path("full-disk.db");
  const auto no_room = [] {
    const rlimit none{.rlim_cur = 1000, .rlim_max = 1000};
    return ::signal(SIGXFSZ, SIG_IGN) != SIG_ERR && ::setrlimit(RLIMIT_FSIZE, &none) == 0;
  };
  EXPECT_EQ(run_nnlab({"run", path("tiny.yaml").string(), "--store", store.string(), "--quiet"}, path("out"), path("err"), no_room), 2)
      << read_file(path("err"));
  const std::string err = read_file(path("err"));
  EXPECT_NE(err.find(store.string()), std::string::npos) << err;
  EXPECT_FALSE(fs::exists(store)) << "an empty store file was left behind";
}

}  // namespace
