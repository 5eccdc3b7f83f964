// Every runnable example of docs/config.md (a yaml block starting "# example:") trains, shortened,
// and learns: in every trial the median final train loss is at least 10 % below the median
// initial one (three replicates; 300 epochs, or 40 on a 1,000-example Fashion-MNIST subset). The
// "# example (keys only):" block lists keys with placeholder files and is only parsed
// (config_test.cpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "data/named.hpp"
#include "experiment/plan.hpp"
#include "experiment/runner.hpp"

namespace nnlab {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> runnable_examples() {
  std::ifstream docs(fs::path(NNLAB_SOURCE_DIR) / "docs" / "config.md");
  std::stringstream text;
  text << docs.rdbuf();
  const std::string markdown = text.str();
  const std::regex block("```yaml\n(# example:[^\n]*\n[\\s\\S]*?)```");
  std::vector<std::string> examples;
  for (auto match = std::sregex_iterator(markdown.begin(), markdown.end(), block); match != std::sregex_iterator(); ++match)
    examples.push_back((*match)[1]);
  return examples;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[(values.size() - 1) / 2];
}

class DocsExample : public ::testing::TestWithParam<std::size_t> {};

TEST_P(DocsExample, TrainsShortenedAndLearns) {
  const std::vector<std::string> examples = runnable_examples();
  ASSERT_LT(GetParam(), examples.size());
  const std::string& yaml = examples[GetParam()];
  SCOPED_TRACE(yaml.substr(0, yaml.find('\n')));
  std::vector<std::string> shorten{"replicates=3"};
  if (yaml.find("fashion-mnist") == std::string::npos) {
    shorten.push_back("train.epochs=300");
  } else {
    shorten.push_back("train.epochs=40");
    if (!fs::exists(std::string(fashion_mnist_system_dir) + "/t10k-images-idx3-ubyte.gz"))
      GTEST_SKIP() << "dataset-fashion-mnist is not installed";
    shorten.insert(shorten.end(), {"data.subset.train=1000", "data.subset.test=200"});
  }
  const Plan plan = plan_experiment_text(yaml, "/docs/example.yaml", shorten);
  const RunSummary summary = run_plan(plan);
  for (const TrialSummary& trial : summary.trials) {
    std::vector<double> initial, final_loss;
    for (const Index m : trial.members) {
      const MemberResult& result = summary.members[static_cast<std::size_t>(m)].result;
      ASSERT_FALSE(result.history.empty());
      initial.push_back(result.history.front().train_loss);
      final_loss.push_back(result.final_metrics.train_loss);
    }
    EXPECT_LT(median(final_loss), 0.9 * median(initial)) << "trial " << trial.index << " did not learn";
  }
}

INSTANTIATE_TEST_SUITE_P(Config, DocsExample, ::testing::Range<std::size_t>(0, 14));

TEST(DocsExamples, TheRunnableOnesAreTheFourteenAbove) {
  // A new runnable example needs the Range above widened.
  EXPECT_EQ(runnable_examples().size(), 14u);
}

}  // namespace
}  // namespace nnlab
