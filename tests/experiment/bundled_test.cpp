// Every bundled experiment plans and runs (shortened: 2 epochs, 2 replicates, small subsets).
#include <gtest/gtest.h>

#include <filesystem>

#include "data/named.hpp"
#include "experiment/plan.hpp"
#include "experiment/runner.hpp"

namespace nnlab {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> bundled() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(fs::path(NNLAB_SOURCE_DIR) / "experiments"))
    if (entry.path().extension() == ".yaml") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

TEST(Bundled, EveryExperimentRunsShortened) {
  const bool have_fashion = fs::exists(std::string(fashion_mnist_system_dir) + "/t10k-labels-idx1-ubyte.gz");
  const auto files = bundled();
  ASSERT_GE(files.size(), 10u);
  for (const auto& file : files) {
    SCOPED_TRACE(file.filename().string());
    const Plan full = plan_experiment(file);
    const bool fashion = full.trial_config(0).data.train->source == "fashion-mnist";
    if (fashion && !have_fashion) continue;
    std::vector<std::string> shorter = {"train.epochs=2", "replicates=2"};
    if (fashion) shorter.insert(shorter.end(), {"data.subset.train=300", "data.subset.test=100"});
    const Plan plan = plan_experiment(file, shorter);
    EXPECT_EQ(plan.trials.size(), full.trials.size());
    const RunSummary summary = run_plan(plan);
    EXPECT_EQ(static_cast<Index>(summary.members.size()), plan.members());
    // A swept train.epochs wins over the --set above. A member that diverges stops there (the
    // exploding start of init-depth-study-relu.yaml does, by design).
    for (const auto& member : summary.members) {
      if (!member.result.diverged) {
        EXPECT_EQ(member.result.epochs_run, plan.trial_config(member.trial).train.epochs);
      }
    }
  }
}

}  // namespace
}  // namespace nnlab
