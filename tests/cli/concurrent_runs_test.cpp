// Several `nnlab run` processes recording into one store at the same time all succeed, and
// each run reads back whole: its status, members and every series it recorded.
#include <gtest/gtest.h>
#include <fmt/format.h>

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
using nnlab::testing::start_nnlab;
using nnlab::testing::wait_for;

TEST(ConcurrentRuns, ThreeWritersOnOneStoreAllFinishWithEverySeries) {
  const nnlab::testing::ScratchDirectory scratch;
  const fs::path store = scratch / "shared.db";
  std::vector<pid_t> children;
  for (int i = 0; i < 3; ++i) {
    const fs::path experiment = scratch / fmt::format("run{}.yaml", i);
    std::ofstream(experiment) << fmt::format(R"(name: writer-{}
seed: {}
replicates: 50
data: {{train: {{source: mirror, bits: 6}}}}
model:
  layers: [{{type: dense, units: 2, activation: sigmoid}}, {{type: dense, units: 1, activation: sigmoid}}]
loss: sse
optimizer: {{type: sgd, lr: 0.1, momentum: 0.9}}
train: {{epochs: 600, batch: full, order: fixed, log_every: 1, checkpoint_every: 50}}
)",
                                             i, 10 * i);
    children.push_back(start_nnlab({"run", experiment.string(), "--store", store.string(), "--quiet", "--threads", "1"},
                                   scratch / fmt::format("out{}", i), scratch / fmt::format("err{}", i)));
  }
  for (int i = 0; i < 3; ++i) EXPECT_EQ(wait_for(children[static_cast<std::size_t>(i)]), 0) << read_file(scratch / fmt::format("err{}", i));

  ASSERT_EQ(run_nnlab({"runs", "--store", store.string()}, scratch / "runs.out", scratch / "runs.err"), 0);
  const std::string runs = read_file(scratch / "runs.out");
  for (int i = 0; i < 3; ++i) EXPECT_NE(runs.find(fmt::format("writer-{}", i)), std::string::npos) << runs;
  for (int id = 1; id <= 3; ++id) {
    SCOPED_TRACE(fmt::format("run {}", id));
    ASSERT_EQ(run_nnlab({"show", std::to_string(id), "--store", store.string()}, scratch / "show.out", scratch / "show.err"), 0);
    EXPECT_NE(read_file(scratch / "show.out").find("finished"), std::string::npos);
    ASSERT_EQ(run_nnlab({"export", std::to_string(id), "--store", store.string(), "--metrics", "csv"}, scratch / "export.csv", scratch / "export.err"),
              0);
    // 50 members x 601 epochs of train_loss, each once.
    std::ifstream csv(scratch / "export.csv");
    std::string line;
    int train_loss = 0;
    while (std::getline(csv, line)) train_loss += line.find(",train_loss,") != std::string::npos;
    EXPECT_EQ(train_loss, 50 * 601);
  }
}

}  // namespace
