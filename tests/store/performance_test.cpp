// The size the store is built for: 1,000 members x 100 epochs x 5 metrics, flushed every
// 10 epochs. Prints the time it takes (never asserts on it) and checks what was written.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "store/store.hpp"
#include "store_test_support.hpp"

namespace nnlab {
namespace {

using testing::RawDatabase;
using testing::ScratchDirectory;

TEST(StorePerformance, ThousandMembersHundredEpochsFiveMetrics) {
  constexpr Index members = 1000;
  constexpr Epoch epochs = 100;
  constexpr Epoch flush_every = 10;
  const std::vector<std::string> metrics{"train_loss", "train_accuracy", "test_loss", "test_accuracy", "lr"};
  const auto value = [](Index member, Epoch epoch, std::size_t metric) {
    return static_cast<double>(member) + static_cast<double>(epoch) / 128.0 + static_cast<double>(metric) * 4096.0;
  };
  const ScratchDirectory scratch;
  const auto file = scratch / "runs.db";

  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  RunStore store(file);
  const RunId run = store.begin_run({.name = "big", .nnlab_version = "test", .config_git_commit = ""});
  std::vector<MemberStart> starts;
  for (Index m = 0; m < members; ++m)
    starts.push_back({.member = m, .seed = static_cast<std::uint64_t>(m), .hyperparameters_json = R"({"lr": 0.1})"});
  store.add_members(run, starts);
  std::vector<MetricValue> batch;
  for (Epoch epoch = 0; epoch < epochs; ++epoch) {
    batch.clear();
    for (Index m = 0; m < members; ++m)
      for (std::size_t k = 0; k < metrics.size(); ++k)
        batch.push_back({.member = m, .metric = metrics[k], .value = value(m, epoch, k)});
    store.append_metrics(run, epoch, batch);
    if ((epoch + 1) % flush_every == 0) store.flush();
  }
  store.finish_run(run, RunStatus::finished, "{}");
  const double write_seconds = std::chrono::duration<double>(Clock::now() - start).count();

  const auto read_start = Clock::now();
  std::size_t points = 0;
  for (Index m = 0; m < members; ++m) points += store.read_series(run, m, "train_loss").values.size();
  const double read_seconds = std::chrono::duration<double>(Clock::now() - read_start).count();
  std::printf("[ timing   ] 1000 members x 100 epochs x 5 metrics, flush every 10 epochs: written in %.3f s; "
              "one metric of all members read in %.3f s; file %.1f MB\n",
              write_seconds, read_seconds, static_cast<double>(std::filesystem::file_size(file)) / 1e6);

  EXPECT_EQ(points, static_cast<std::size_t>(members * epochs));
  EXPECT_EQ(RawDatabase(file).text("SELECT count(*) FROM series"),
            std::to_string(members * 5 * (epochs / flush_every)));
  const MetricSeries last = store.read_series(run, members - 1, "lr");
  ASSERT_EQ(last.values.size(), static_cast<std::size_t>(epochs));
  for (Epoch epoch = 0; epoch < epochs; ++epoch) {
    EXPECT_EQ(last.epochs[static_cast<std::size_t>(epoch)], epoch);
    EXPECT_EQ(last.values[static_cast<std::size_t>(epoch)], static_cast<float>(value(members - 1, epoch, 4)));
  }
}

}  // namespace
}  // namespace nnlab
