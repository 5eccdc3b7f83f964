// `nnlab run` refuses a plan estimated to need more memory than the limit before it allocates
// anything (exit 2, one line naming the population, the estimate and the limit); --force runs
// it anyway; --max-memory sets the limit; --plan prints the estimates.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "cli/process_support.hpp"
#include "support/scratch_directory.hpp"

namespace nnlab {
namespace {

namespace fs = std::filesystem;

struct Result {
  int exit_code = -1;
  std::string out, err;
  double seconds = 0;
};

class MemoryCheck : public ::testing::Test {
 protected:
  Result nnlab(std::vector<std::string> arguments) const {
    arguments.insert(arguments.begin(), {"run", xor_file()});
    const fs::path out = scratch_ / "out.txt", err = scratch_ / "err.txt";
    Result result;
    const auto start = std::chrono::steady_clock::now();
    result.exit_code = testing::run_nnlab(arguments, out, err);
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    result.out = testing::read_file(out);
    result.err = testing::read_file(err);
    return result;
  }
  static std::string xor_file() { return (fs::path(NNLAB_SOURCE_DIR) / "experiments" / "xor.yaml").string(); }
  std::string store() const { return (scratch_ / "runs.db").string(); }

  // Exit 2 quickly, one line, every fragment in it, and no store written.
  void expect_refused(const Result& result, std::initializer_list<std::string> fragments) const {
    EXPECT_EQ(result.exit_code, 2) << result.err.substr(0, 400);
    EXPECT_LT(result.seconds, 1.0);
    EXPECT_EQ(result.err.find('\n'), result.err.size() - 1) << result.err.substr(0, 400);
    for (const std::string& fragment : fragments)
      EXPECT_NE(result.err.find(fragment), std::string::npos) << "missing '" << fragment << "' in: " << result.err.substr(0, 400);
    EXPECT_FALSE(fs::exists(store()));
  }

  testing::ScratchDirectory scratch_;
};

TEST_F(MemoryCheck, HundredMillionReplicatesAreRefusedUnderALimit) {
  expect_refused(nnlab({"--set", "replicates=100000000", "--max-memory", "1G", "--store", store(), "--quiet"}),
                 {"xor.yaml: population 0 (2-2-1 sigmoid/sigmoid, batch full, 2000 epochs): needs about ",
                  " TiB, more than the --max-memory limit of 1.0 GiB (--force to try anyway)"});
}

TEST_F(MemoryCheck, ABillionUnitsAreRefusedOnThisMachine) {
  // No --max-memory: the limit is what the machine has available (needs about 22 TiB here).
  expect_refused(nnlab({"--set", "model.layers.0.units=1000000000", "--store", store(), "--quiet"}),
                 {"population 0 (2-1000000000-1 sigmoid/sigmoid, batch full, 2000 epochs): needs about ", " TiB, more than the ",
                  " available (--max-memory to set the limit, --force to try anyway)"});
}

TEST_F(MemoryCheck, ForceRunsAnOverEstimatedSmallPlan) {
  expect_refused(nnlab({"--set", "replicates=3", "--set", "train.epochs=5", "--max-memory", "1K", "--store", store(), "--quiet"}),
                 {"population 0", "more than the --max-memory limit of 1.0 KiB"});
  const Result forced = nnlab({"--set", "replicates=3", "--set", "train.epochs=5", "--max-memory", "1K", "--force", "--store", store(),
                               "--quiet", "--json"});
  EXPECT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_NE(forced.out.find("\"members\""), std::string::npos) << forced.out.substr(0, 400);
  EXPECT_TRUE(fs::exists(store()));
}

TEST_F(MemoryCheck, AGenerousLimitTrains) {
  const Result result = nnlab({"--set", "replicates=3", "--set", "train.epochs=5", "--max-memory", "512M", "--no-store", "--quiet"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
}

TEST_F(MemoryCheck, BadMaxMemoryValuesAreExit2) {
  for (const std::string bad : {"abc", "-1G", "0", "12Q", "1e9", ""}) {
    const Result result = nnlab({"--max-memory", bad, "--no-store", "--quiet"});
    EXPECT_EQ(result.exit_code, 2) << bad << ": " << result.err;
    EXPECT_NE(result.err.find("--max-memory"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("'" + bad + "'"), std::string::npos) << result.err;
    EXPECT_EQ(result.err.find('\n'), result.err.size() - 1) << result.err;
  }
  // Even with --force, which only skips the check.
  EXPECT_EQ(nnlab({"--max-memory", "lots", "--force", "--no-store", "--quiet"}).exit_code, 2);
}

TEST_F(MemoryCheck, PlanPrintsEachPopulationsEstimate) {
  const Result result = nnlab({"--plan", "--max-memory", "1G", "--set", "sweep={parameters: {train.batch: [2, full]}}"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("memory estimate (limit: --max-memory 1.0 GiB):"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("  population 0 (2-2-1 sigmoid/sigmoid, batch 2, 2000 epochs"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("  population 1 (2-2-1 sigmoid/sigmoid, batch full, 2000 epochs"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("): about "), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("parameters and optimiser state "), std::string::npos) << result.out;
  const Result over = nnlab({"--plan", "--max-memory", "1K"});
  EXPECT_EQ(over.exit_code, 0) << over.err;
  EXPECT_NE(over.out.find("over the limit"), std::string::npos) << over.out;
}

}  // namespace
}  // namespace nnlab
