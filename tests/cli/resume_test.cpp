// `nnlab resume`: a run SIGKILLed at a random moment, resumed from its checkpoints, ends with
// the same final weights (byte for byte), the same stored metric series and the same summary
// as a run that was never interrupted.
#include <gtest/gtest.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cli/process_support.hpp"
#include "support/scratch_directory.hpp"

namespace {

namespace fs = std::filesystem;
using nnlab::testing::read_file;
using nnlab::testing::run_nnlab;
using nnlab::testing::start_nnlab;
using nnlab::testing::wait_for;

// How many series rows the store at `file` holds (0 while it does not exist yet). Read with
// SQLite directly, as a second process would, while nnlab writes it.
std::int64_t series_rows(const fs::path& file) {
  if (!fs::exists(file)) return 0;
  sqlite3* raw = nullptr;
  std::int64_t rows = 0;
  if (sqlite3_open_v2(file.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_busy_timeout(raw, 1000);
    sqlite3_stmt* query = nullptr;
    if (sqlite3_prepare_v2(raw, "SELECT count(*) FROM series", -1, &query, nullptr) == SQLITE_OK && sqlite3_step(query) == SQLITE_ROW)
      rows = sqlite3_column_int64(query, 0);
    sqlite3_finalize(query);
  }
  sqlite3_close(raw);
  return rows;
}

// The summary without its wall-clock times, which differ between any two runs.
nlohmann::json without_times(nlohmann::json summary) {
  summary.erase("seconds");
  for (auto& member : summary["members"]) member.erase("seconds");
  summary.erase("run_id");
  return summary;
}

// The series without wall-clock ones (epoch_seconds): they differ between any two runs.
std::string without_timings(const std::string& csv) {
  std::istringstream lines(csv);
  std::string kept, line;
  while (std::getline(lines, line))
    if (line.find(",epoch_seconds,") == std::string::npos) kept += line + '\n';
  return kept;
}

class Resume : public ::testing::Test {
 protected:
  nnlab::testing::ScratchDirectory scratch_;
  fs::path path(const std::string& name) const { return scratch_.path() / name; }

  // Trains `experiment` uninterrupted, then kills fresh runs of it at random moments and
  // resumes each; every resumed run must match the uninterrupted one exactly.
  void check_kill_and_resume(const std::string& yaml, const std::vector<std::string>& models) {
    const fs::path experiment = path("experiment.yaml");
    std::ofstream(experiment) << yaml;
    const std::vector<std::string> common{"--quiet", "--json", "--threads", "2"};

    const auto started = std::chrono::steady_clock::now();
    std::vector<std::string> reference{"run", experiment.string(), "--store", path("reference.db").string(), "--save-model",
                                       path("reference.safetensors").string()};
    reference.insert(reference.end(), common.begin(), common.end());
    ASSERT_EQ(run_nnlab(reference, path("reference.json"), path("reference.err")), 0) << read_file(path("reference.err"));
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    ASSERT_EQ(run_nnlab({"export", "1", "--store", path("reference.db").string(), "--metrics", "csv"}, path("reference.csv"),
                        path("export.err")),
              0);
    const nlohmann::json reference_summary = without_times(nlohmann::json::parse(read_file(path("reference.json"))));
    const std::string reference_series = without_timings(read_file(path("reference.csv")));
    ASSERT_GT(reference_series.size(), 1000u);

    // Kill moments are drawn in the run's progress, not in seconds (the machine's speed
    // varies): the number of series rows flushed so far, which grows at every checkpoint.
    const std::int64_t final_rows = series_rows(path("reference.db"));
    const unsigned seed = std::random_device{}();
    SCOPED_TRACE(fmt::format("random seed {} (kill moments drawn from it); uninterrupted: {:.2f} s, {} series rows", seed, seconds,
                             final_rows));
    std::mt19937 random(seed);
    int kills = 0;
    for (int attempt = 0; attempt < 8 && kills < 3; ++attempt) {
      const std::string tag = fmt::format("attempt{}", attempt);
      const fs::path store = path(tag + ".db");
      std::vector<std::string> arguments{"run", experiment.string(), "--store", store.string()};
      arguments.insert(arguments.end(), common.begin(), common.end());
      const auto target = static_cast<std::int64_t>(std::uniform_real_distribution<double>(0.05, 0.85)(random) * static_cast<double>(final_rows));
      const auto jitter = std::chrono::microseconds(std::uniform_int_distribution<int>(0, 20'000)(random));
      const pid_t child = start_nnlab(arguments, path(tag + ".json"), path(tag + ".err"));
      bool reached = false;
      for (int poll = 0; poll < 60'000 && !reached; ++poll) {  // at most about a minute
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        reached = series_rows(store) >= target;
        int status = 0;
        if (::waitpid(child, &status, WNOHANG) == child) break;  // finished (or died) first
      }
      if (!reached) {
        ::kill(child, SIGKILL);
        wait_for(child);
        continue;
      }
      std::this_thread::sleep_for(jitter);  // mid-epoch, not just at a flush
      ::kill(child, SIGKILL);
      if (wait_for(child) != -SIGKILL) continue;  // it finished first: draw again
      SCOPED_TRACE(fmt::format("killed {} us after {} of {} series rows were flushed", jitter.count(), target, final_rows));
      ++kills;

      std::vector<std::string> resume{"resume", "latest", "--store", store.string(), "--save-model", path(tag + ".safetensors").string()};
      resume.insert(resume.end(), common.begin(), common.end());
      ASSERT_EQ(run_nnlab(resume, path(tag + ".resumed.json"), path(tag + ".resumed.err")), 0) << read_file(path(tag + ".resumed.err"));
      for (const auto& model : models) {
        const auto resumed_model = fs::path(tag + model);
        EXPECT_EQ(read_file(path(resumed_model.string())), read_file(path("reference" + model))) << "final weights differ: " << model;
      }
      EXPECT_EQ(without_times(nlohmann::json::parse(read_file(path(tag + ".resumed.json")))), reference_summary);
      ASSERT_EQ(run_nnlab({"export", "1", "--store", store.string(), "--metrics", "csv"}, path(tag + ".csv"), path("export.err")), 0);
      EXPECT_TRUE(without_timings(read_file(path(tag + ".csv"))) == reference_series) << "stored metric series differ";
      // A finished run cannot be resumed again.
      EXPECT_EQ(run_nnlab({"resume", "latest", "--store", store.string()}, path("again.out"), path("again.err")), 2);
      EXPECT_NE(read_file(path("again.err")).find("finished"), std::string::npos) << read_file(path("again.err"));
    }
    EXPECT_GE(kills, 3) << "the runs kept finishing before the kill";
  }
};

// Full batch, SGD with momentum, 300 replicates in one population (the Rumelhart set-up).
TEST_F(Resume, FullBatchPopulationKilledAtRandomEpochsEndsBitIdentical) {
  check_kill_and_resume(R"(name: resume-full-batch
seed: 11
replicates: 300
data: {train: {source: mirror, bits: 6}}
model:
  layers:
    - {type: dense, units: 2, activation: sigmoid}
    - {type: dense, units: 1, activation: sigmoid}
  init: {weight: {uniform: [-0.3, 0.3]}, bias: {uniform: [-0.3, 0.3]}}
loss: sse
optimizer: {type: sgd, lr: 0.1, momentum: 0.9}
train: {epochs: 3000, batch: full, order: fixed, checkpoint_every: 97}
success: {train_accuracy: 1.0}
)",
                        {".safetensors"});
}

// Mini-batches in per-member shuffled order, Adam (state and per-member step counts), and a
// sweep making two populations: a kill may land in either, with the first already done.
TEST_F(Resume, ShuffledAdamSweepKilledAtRandomEpochsEndsBitIdentical) {
  check_kill_and_resume(R"(name: resume-minibatch
seed: 5
replicates: 25
data: {train: {source: mirror, bits: 6}}
model:
  layers:
    - {type: dense, units: 8, activation: tanh}
    - {type: dense, units: 1, activation: sigmoid}
loss: bce
optimizer: {type: adam, lr: 0.01}
train: {epochs: 400, batch: 8, order: shuffled, checkpoint_every: 5}
success: {train_accuracy: 1.0}
sweep:
  method: grid
  parameters:
    optimizer.lr: [0.01, 0.003]
    model.layers.0.activation: [tanh, relu]
)",
                        {".p0.safetensors", ".p1.safetensors"});
}

TEST_F(Resume, UnknownRunAndRunWithoutStoreAreClearErrors) {
  const fs::path store = path("empty.db");
  EXPECT_EQ(run_nnlab({"resume", "7", "--store", store.string()}, path("out"), path("err")), 2);
  EXPECT_FALSE(read_file(path("err")).empty());
}


// Early stopping (train.early_stopping with restore_best): members stop at their own epochs, so a
// kill lands with some stopped, some mid-patience; the checkpoint carries the criterion's state
// and each member's best weights, and the resumed run restores the same best weights.
TEST_F(Resume, EarlyStoppingMembersKilledMidPatienceEndBitIdentical) {
  check_kill_and_resume(R"(name: resume-early-stopping
seed: 5
replicates: 12
data: {train: {source: mirror, bits: 6}}
model:
  layers:
    - {type: dense, units: 8, activation: tanh}
    - {type: dense, units: 1, activation: sigmoid}
loss: bce
optimizer: {type: adam, lr: 0.01}
train:
  epochs: 800
  batch: 8
  order: shuffled
  checkpoint_every: 5
  early_stopping: {monitor: train_loss, patience: 25, min_delta: 0.0005, smoothing: 3}
)",
                        {".safetensors"});
}

// restore_best with batch norm: the best values kept include the running statistics (buffers),
// and the checkpoint carries them, so resuming works and restores the same best state.
TEST_F(Resume, EarlyStoppingWithBatchNormBuffersKilledEndsBitIdentical) {
  check_kill_and_resume(R"(name: resume-early-stopping-batchnorm
seed: 3
replicates: 8
data: {train: {source: mirror, bits: 6}}
model:
  layers:
    - {type: dense, units: 8}
    - {type: batchnorm, activation: tanh}
    - {type: dense, units: 1, activation: sigmoid}
loss: bce
optimizer: {type: adam, lr: 0.01}
train:
  epochs: 600
  batch: 8
  order: shuffled
  checkpoint_every: 5
  early_stopping: {monitor: train_loss, patience: 25, min_delta: 0.0005, restore_best: true}
)",
                        {".safetensors"});
}

// Snapshot ensembles: the snapshots kept before the kill are in the checkpoint (format 5), so the
// resumed run's ensemble accuracies (in the summary) and final weights match.
TEST_F(Resume, SnapshotEnsembleKilledBetweenCyclesEndsBitIdentical) {
  check_kill_and_resume(R"(name: resume-snapshot-ensemble
seed: 7
replicates: 12
data: {train: {source: mirror, bits: 6}, validation: 0.25}
model:
  layers:
    - {type: dense, units: 8, activation: tanh}
    - {type: dense, units: 1, activation: sigmoid}
loss: bce
optimizer: {type: sgd, lr: 0.5, momentum: 0.9}
train:
  epochs: 800
  batch: 8
  order: shuffled
  checkpoint_every: 5
  snapshot_ensemble: {cycles: 4}
)",
                        {".safetensors"});
}

// reduce_on_plateau: each member's rate, best value and counters live in the checkpoint, so a
// kill between two reductions resumes to the same rates, series and weights. Members differ in
// patience, factor and cooldown (one population: they are scalar keys).
TEST_F(Resume, PlateauScheduleKilledBetweenReductionsEndsBitIdentical) {
  check_kill_and_resume(R"(name: resume-plateau
seed: 5
replicates: 4
data: {train: {source: mirror, bits: 6}}
model:
  layers:
    - {type: dense, units: 8, activation: tanh}
    - {type: dense, units: 1, activation: sigmoid}
loss: bce
optimizer: {type: sgd, lr: 0.5, momentum: 0.9}
schedule: {type: reduce_on_plateau, monitor: train_loss, factor: 0.5, patience: 5, threshold: 0.01, cooldown: 2}
train: {epochs: 500, batch: 8, order: shuffled, checkpoint_every: 5}
sweep:
  parameters:
    schedule.patience: [3, 8]
    schedule.factor: [0.5, 0.2]
)",
                        {".safetensors"});
}

// Iterative pruning with a random-reinit control (checkpoint format 7): the masks, the rewind
// copies and the rounds' records are in the checkpoint, so a kill in any round (the control's
// members take their tickets' masks at every round end) resumes to the same masks, records
// (in the summary) and weights.
TEST_F(Resume, PrunedTicketsAndControlsKilledMidRoundEndBitIdentical) {
  check_kill_and_resume(R"(name: resume-prune
seed: 3
replicates: 6
data: {train: {source: mirror, bits: 6}, validation: 0.25}
model:
  layers:
    - {type: dense, units: 8, activation: tanh}
    - {type: dense, units: 1, activation: sigmoid}
loss: bce
optimizer: {type: adam, lr: 0.05}
train: {epochs: 60, batch: 8, order: shuffled, checkpoint_every: 7}
prune: {rounds: 5, rate: 0.3, output_rate: 0.2, rewind: {epoch: 2}, control: random_reinit}
)",
                        {".safetensors"});
}

}  // namespace
