// `nnlab schedule`: the rates of a file's schedules printed (and drawn) without training.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <sstream>
#include <string>
#include <vector>

#include "cli/process_support.hpp"

namespace {

namespace fs = std::filesystem;

struct Outcome {
  int exit_code = -1;
  std::string out;
  std::string err;
};

class ScheduleCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("nnlab_schedule_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    ::setenv("NNLAB_STORE", (dir_ / "never.db").c_str(), 1);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // xor (4 examples), 20 epochs, with `extra` appended.
  fs::path experiment(const std::string& extra) const {
    const fs::path path = dir_ / "s.yaml";
    std::ofstream(path) << "data: {train: xor}\nmodel: {layers: [{units: 2, activation: tanh}, {units: 1, activation: sigmoid}]}\n"
                           "loss: sse\noptimizer: {type: sgd, lr: 0.5}\n"
                        << extra;
    return path;
  }

  Outcome nnlab(const std::vector<std::string>& arguments) const {
    Outcome outcome;
    outcome.exit_code = nnlab::testing::run_nnlab(arguments, dir_ / "out.txt", dir_ / "err.txt");
    outcome.out = nnlab::testing::read_file(dir_ / "out.txt");
    outcome.err = nnlab::testing::read_file(dir_ / "err.txt");
    return outcome;
  }

  fs::path dir_;
};

// The table's rows after the header: each a vector of numbers (t first).
std::vector<std::vector<double>> rows_of(const std::string& out) {
  std::vector<std::vector<double>> rows;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#' || line[0] == 't') continue;
    std::istringstream cells(line);
    std::vector<double> row;
    for (double value = 0; cells >> value;) row.push_back(value);
    rows.push_back(row);
  }
  return rows;
}

TEST_F(ScheduleCommand, PrintsTheRatePerEpoch) {
  const auto result = nnlab({"schedule", experiment("train: {epochs: 20, batch: full}\nschedule: {type: cosine, period: 4}\n").string(),
                             "--steps", "6"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("# schedule 0: trials 0 (unit epoch)\nt\tlr0\n"), std::string::npos) << result.out;
  const auto rows = rows_of(result.out);
  ASSERT_EQ(rows.size(), 6u);
  const double expected[] = {0.5, 0.25 * (1 + std::sqrt(0.5)), 0.25, 0.25 * (1 - std::sqrt(0.5)), 0, 0};  // 0.5 (1 + cos(pi t / 4)) / 2
  for (std::size_t t = 0; t < rows.size(); ++t) {
    ASSERT_EQ(rows[t].size(), 2u);
    EXPECT_EQ(rows[t][0], static_cast<double>(t));
    EXPECT_NEAR(rows[t][1], expected[t], 1e-15) << t;
  }
}

TEST_F(ScheduleCommand, DefaultLengthIsTheRunsAndOneCycleSpansIt) {
  // Batches of 1 over 4 examples for 20 epochs: 80 steps; one_cycle ends at max_lr / 25 / 1e4.
  const auto result = nnlab({"schedule", experiment("train: {epochs: 20, batch: 1}\nschedule: {type: one_cycle, max_lr: 0.1, unit: step}\n").string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto rows = rows_of(result.out);
  ASSERT_EQ(rows.size(), 80u);
  EXPECT_NEAR(rows.front()[1], 0.1 / 25, 1e-15);
  EXPECT_NEAR(rows.back()[1], 0.1 / 25 / 1e4, 1e-18);
  const auto epochs = nnlab({"schedule", experiment("train: {epochs: 20, batch: 1}\nschedule: {type: step, step_size: 5}\n").string()});
  EXPECT_EQ(rows_of(epochs.out).size(), 20u);
}

TEST_F(ScheduleCommand, OneColumnPerDistinctSchedule) {
  // Four trials, two schedules: momentum does not change the rate, eta_min does.
  const auto result = nnlab({"schedule",
                             experiment("train: {epochs: 5}\nschedule: {warmup: {steps: 2, start_factor: 0.5}, then: {type: cosine, period: 3}}\n"
                                        "sweep: {method: grid, parameters: {schedule.then.eta_min: [0, 0.1], optimizer.momentum: [0, 0.9]}}\n")
                                 .string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("# schedule 0: trials "), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("# schedule 1: trials "), std::string::npos) << result.out;
  EXPECT_EQ(result.out.find("# schedule 2"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("\nt\tlr0\tlr1\n"), std::string::npos) << result.out;
  const auto rows = rows_of(result.out);
  ASSERT_EQ(rows.size(), 5u);
  for (const std::size_t column : {1u, 2u}) {
    EXPECT_NEAR(rows[0][column], 0.25, 1e-15);   // 0.5 * 0.5: the warm-up's start
    EXPECT_NEAR(rows[1][column], 0.375, 1e-15);  // 0.5 (0.5 + 0.5 / 2)
    EXPECT_NEAR(rows[2][column], 0.5, 1e-15);    // the cosine's own t = 0
  }
  const auto cosine = [](double eta_min) { return eta_min + (0.5 - eta_min) * (1 + std::cos(2 * std::numbers::pi / 3)) / 2; };
  EXPECT_NEAR(std::min(rows[4][1], rows[4][2]), cosine(0), 1e-15);
  EXPECT_NEAR(std::max(rows[4][1], rows[4][2]), cosine(0.1), 1e-15);
}

TEST_F(ScheduleCommand, PlotWritesAPng) {
  const fs::path png = dir_ / "lr.png";
  const auto result = nnlab({"schedule", experiment("schedule: {type: cyclic, max_lr: 1, step_size_up: 3}\n").string(), "--steps", "30",
                             "--plot", png.string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(nnlab::testing::read_file(png).substr(0, 4), "\x89PNG");
}

TEST_F(ScheduleCommand, BadInputIsOneLineAndExitCode2) {
  const auto cyclic = nnlab({"schedule", experiment("schedule: {type: cyclic, base_lr: 0.2, max_lr: 0.1}\n").string()});
  EXPECT_EQ(cyclic.exit_code, 2);
  EXPECT_NE(cyclic.err.find("s.yaml: schedule.max_lr: must be >= base_lr (0.2), got 0.1\n"), std::string::npos) << cyclic.err;
  EXPECT_EQ(std::count(cyclic.err.begin(), cyclic.err.end(), '\n'), 1) << cyclic.err;
  const auto steps = nnlab({"schedule", experiment("").string(), "--steps", "0"});
  EXPECT_EQ(steps.exit_code, 2);
  EXPECT_EQ(steps.err, "nnlab: --steps: must be >= 1, got 0\n");
}

// A schedule that cycles the momentum (one_cycle by default) prints it after the rates: SGD's
// momentum, Adam's beta1, from max_momentum at t = 0 down to base_momentum at the rate's peak.
TEST_F(ScheduleCommand, MomentumColumnWhenItCycles) {
  const auto sgd = nnlab({"schedule", experiment("schedule: {type: one_cycle, max_lr: 0.1, total_steps: 10}\n").string(), "--steps", "10"});
  ASSERT_EQ(sgd.exit_code, 0) << sgd.err;
  EXPECT_NE(sgd.out.find("\nt\tlr0\tmomentum0\n"), std::string::npos) << sgd.out;
  const auto rows = rows_of(sgd.out);
  ASSERT_EQ(rows.size(), 10u);
  ASSERT_EQ(rows[0].size(), 3u);
  EXPECT_NEAR(rows[0][2], 0.95, 1e-15);
  EXPECT_NEAR(rows[2][2], 0.85, 1e-15);  // pct_start 0.3 of 10 steps: the peak at t = 2
  EXPECT_NEAR(rows[9][2], 0.95, 1e-15);
  const auto adam = nnlab({"schedule", experiment("schedule: {type: one_cycle, max_lr: 0.1, total_steps: 10, max_momentum: 0.9}\n").string(),
                           "--steps", "3", "--set", "optimizer.type=adam"});
  ASSERT_EQ(adam.exit_code, 0) << adam.err;
  EXPECT_NE(adam.out.find("\nt\tlr0\tbeta10\n"), std::string::npos) << adam.out;
  const auto adam_rows = rows_of(adam.out);
  ASSERT_EQ(adam_rows.size(), 3u);
  EXPECT_NEAR(adam_rows[0][1], 0.004, 1e-15);
  EXPECT_NEAR(adam_rows[0][2], 0.9, 1e-15);
  const auto off = nnlab({"schedule", experiment("schedule: {type: one_cycle, max_lr: 0.1, total_steps: 10, cycle_momentum: false}\n").string()});
  EXPECT_NE(off.out.find("\nt\tlr0\n"), std::string::npos) << off.out;
  const auto cyclic = nnlab({"schedule", experiment("schedule: {type: cyclic, max_lr: 1, step_size_up: 2}\n").string(), "--steps", "3"});
  EXPECT_NE(cyclic.out.find("\nt\tlr0\tmomentum0\n"), std::string::npos) << cyclic.out;  // CyclicLR's default cycle_momentum
  const auto cyclic_rows = rows_of(cyclic.out);
  ASSERT_EQ(cyclic_rows.size(), 3u);
  for (std::size_t t = 0; t < 3; ++t) EXPECT_NEAR(cyclic_rows[t][2], 0.9 - 0.05 * static_cast<double>(t), 1e-15) << t;
}

// reduce_on_plateau depends on a metric only training measures: one line saying so, exit 2.
TEST_F(ScheduleCommand, ReduceOnPlateauCannotBePrinted) {
  const auto plateau = nnlab({"schedule", experiment("schedule: {type: reduce_on_plateau, monitor: train_loss}\n").string()});
  EXPECT_EQ(plateau.exit_code, 2);
  EXPECT_NE(plateau.err.find("s.yaml: schedule.type: reduce_on_plateau lowers the rate when train_loss stops improving, which only "
                             "training measures; nnlab schedule cannot print it\n"),
            std::string::npos)
      << plateau.err;
  EXPECT_EQ(std::count(plateau.err.begin(), plateau.err.end(), '\n'), 1) << plateau.err;
  EXPECT_TRUE(plateau.out.empty()) << plateau.out;
}

}  // namespace
