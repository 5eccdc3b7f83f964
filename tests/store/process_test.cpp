// The store across processes: a writer SIGKILLed half-way loses nothing it flushed, and two
// processes writing to one store at once both succeed. Children are forked and report through pipes.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <functional>
#include <string>
#include <vector>

#include "store/store.hpp"
#include "store_test_support.hpp"

namespace nnlab {
namespace {

using testing::RawDatabase;
using testing::ScratchDirectory;

// A pipe whose ends close on destruction.
class Pipe {
 public:
  Pipe() {
    if (::pipe(ends_.data()) != 0) throw std::runtime_error("pipe failed");
  }
  ~Pipe() {
    close_read();
    close_write();
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;

  int read_end() const { return ends_[0]; }
  int write_end() const { return ends_[1]; }
  void close_read() { close_end(0); }
  void close_write() { close_end(1); }

 private:
  void close_end(int which) {
    if (ends_[which] >= 0) ::close(ends_[which]);
    ends_[which] = -1;
  }
  std::array<int, 2> ends_{-1, -1};
};

// Runs `body` in a forked child that exits 0 when it returns and 1 (saying why on stderr) when
// it throws. The child never returns into the test framework.
pid_t fork_child(const std::function<void()>& body) {
  const pid_t pid = ::fork();
  if (pid != 0) return pid;
  int code = 0;
  try {
    body();
  } catch (const std::exception& error) {
    std::fprintf(stderr, "child %d: %s\n", static_cast<int>(::getpid()), error.what());
    code = 1;
  }
  std::fflush(stderr);
  ::_exit(code);
}

int wait_for_exit_code(pid_t pid) {
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

void write_all(int fd, const void* data, std::size_t bytes) {
  const auto* next = static_cast<const char*>(data);
  while (bytes > 0) {
    const ssize_t written = ::write(fd, next, bytes);
    if (written <= 0) throw std::runtime_error("write to pipe failed");
    next += written;
    bytes -= static_cast<std::size_t>(written);
  }
}

// Reads one int64 report; false at end of file.
bool read_report(int fd, std::int64_t& report) {
  std::size_t got = 0;
  auto* bytes = reinterpret_cast<char*>(&report);
  while (got < sizeof report) {
    const ssize_t n = ::read(fd, bytes + got, sizeof report - got);
    if (n <= 0) return false;
    got += static_cast<std::size_t>(n);
  }
  return true;
}

// Member m's value at an epoch: exact in float32 for the sizes used here.
float expected_value(Index member, Epoch epoch, int metric) {
  return static_cast<float>(member * 100'000 + epoch * 2 + metric);
}

constexpr Index killed_members = 200;
constexpr Epoch killed_flush_every = 5;

// Writes epochs forever, flushing every few; after each flush reports the number of flushed epochs.
void write_until_killed(const std::filesystem::path& file, int report_fd) {
  RunStore store(file);
  const RunId run = store.begin_run({.name = "killed", .nnlab_version = "test", .config_git_commit = ""});
  std::vector<MemberStart> members;
  for (Index m = 0; m < killed_members; ++m) members.push_back({.member = m, .seed = static_cast<std::uint64_t>(m)});
  store.add_members(run, members);
  std::vector<float> loss(killed_members);
  std::vector<float> accuracy(killed_members);
  for (Epoch epoch = 0; epoch < 100'000; ++epoch) {
    for (Index m = 0; m < killed_members; ++m) {
      loss[static_cast<std::size_t>(m)] = expected_value(m, epoch, 0);
      accuracy[static_cast<std::size_t>(m)] = expected_value(m, epoch, 1);
    }
    store.append_metric(run, epoch, "loss", loss);
    store.append_metric(run, epoch, "accuracy", accuracy);
    if ((epoch + 1) % killed_flush_every == 0) {
      store.flush();
      const std::int64_t flushed = epoch + 1;
      write_all(report_fd, &flushed, sizeof flushed);
    }
  }
  for (;;) ::pause();
}

// A writer killed but not yet reaped is a zombie: it has exited, so its run is abandoned.
TEST(StoreProcesses, AKilledWriterNotYetReapedIsGone) {
  const ScratchDirectory scratch;
  const auto file = scratch / "runs.db";
  Pipe reports;
  const pid_t child = fork_child([&] {
    reports.close_read();
    write_until_killed(file, reports.write_end());
  });
  ASSERT_GT(child, 0);
  reports.close_write();
  std::int64_t flushed = 0;
  ASSERT_TRUE(read_report(reports.read_end(), flushed)) << "the child stopped reporting";
  ::kill(child, SIGKILL);
  siginfo_t info{};
  ASSERT_EQ(::waitid(P_PID, static_cast<id_t>(child), &info, WEXITED | WNOWAIT), 0);  // dead, left unreaped
  {
    RunStore store(file, RunStore::OpenMode::existing);
    EXPECT_EQ(store.mark_abandoned_runs(), 1);
    EXPECT_EQ(store.get_run(store.resolve_run("killed")).info.status, RunStatus::killed);
  }
  EXPECT_EQ(wait_for_exit_code(child), 128 + SIGKILL);
}

TEST(StoreProcesses, AWriterKilledHalfWayKeepsEveryFlushedEpoch) {
  const ScratchDirectory scratch;
  const auto file = scratch / "runs.db";
  Pipe reports;
  const pid_t child = fork_child([&] {
    reports.close_read();
    write_until_killed(file, reports.write_end());
  });
  ASSERT_GT(child, 0);
  reports.close_write();

  std::int64_t flushed = 0;
  while (flushed < 40 && read_report(reports.read_end(), flushed)) {
  }
  ASSERT_GE(flushed, 40) << "the child stopped reporting";
  ::kill(child, SIGKILL);  // most likely in the middle of a transaction
  EXPECT_EQ(wait_for_exit_code(child), 128 + SIGKILL);
  std::int64_t report = 0;
  while (read_report(reports.read_end(), report)) flushed = report;  // reports written before it died

  EXPECT_EQ(RawDatabase(file).text("PRAGMA integrity_check"), "ok");
  RunStore store(file, RunStore::OpenMode::existing);
  const RunId run = store.resolve_run("killed");
  EXPECT_EQ(store.get_run(run).info.status, RunStatus::running);
  EXPECT_EQ(store.mark_abandoned_runs(), 1);
  const RunRecord record = store.get_run(run);
  EXPECT_EQ(record.info.status, RunStatus::killed);
  EXPECT_EQ(record.members.back().status, RunStatus::killed);

  // Every reported flush is there; at most one more (committed, killed before reporting it).
  const MetricSeries first = store.read_series(run, 0, "loss");
  const auto stored_epochs = static_cast<std::int64_t>(first.epochs.size());
  EXPECT_TRUE(stored_epochs == flushed || stored_epochs == flushed + killed_flush_every)
      << "stored " << stored_epochs << " epochs, reported " << flushed;
  for (const Index member : {Index{0}, Index{57}, killed_members - 1}) {
    for (int metric = 0; metric < 2; ++metric) {
      const MetricSeries series = store.read_series(run, member, metric == 0 ? "loss" : "accuracy");
      ASSERT_EQ(static_cast<std::int64_t>(series.epochs.size()), stored_epochs) << member;
      for (Epoch epoch = 0; epoch < stored_epochs; ++epoch) {
        ASSERT_EQ(series.epochs[static_cast<std::size_t>(epoch)], epoch);
        ASSERT_EQ(series.values[static_cast<std::size_t>(epoch)], expected_value(member, epoch, metric));
      }
    }
  }
}

constexpr Index shared_members = 50;
constexpr Epoch shared_epochs = 150;

// One writer of the concurrency test: a whole run, flushing every epoch to maximise contention.
void write_run(const std::filesystem::path& file, const std::string& name, int go_fd) {
  char go = 0;
  if (::read(go_fd, &go, 1) != 1) throw std::runtime_error("no start signal");
  RunStore store(file);  // both children may create the file at the same moment
  const RunId run = store.begin_run({.name = name, .nnlab_version = "test", .config_git_commit = ""});
  std::vector<MemberStart> members;
  for (Index m = 0; m < shared_members; ++m) members.push_back({.member = m});
  store.add_members(run, members);
  std::vector<float> values(shared_members);
  for (Epoch epoch = 0; epoch < shared_epochs; ++epoch) {
    for (Index m = 0; m < shared_members; ++m) values[static_cast<std::size_t>(m)] = expected_value(m, epoch, 0);
    store.append_metric(run, epoch, "loss", values);
    store.flush();
    if (epoch % 50 == 0) {
      const std::vector<std::byte> checkpoint(1000, static_cast<std::byte>(epoch));
      store.put_artefact(run, {.kind = "checkpoint", .name = "latest"}, checkpoint);
    }
    if (epoch % 10 == 0) (void)store.list_runs();  // readers interleave with the other writer
  }
  for (Index m = 0; m < shared_members; ++m) store.set_member_result(run, m, "{\"done\": true}");
  store.finish_run(run, RunStatus::finished, "{}");
}

TEST(StoreProcesses, TwoProcessesWriteOneStoreAtOnce) {
  const ScratchDirectory scratch;
  const auto file = scratch / "shared.db";
  Pipe go;
  std::vector<pid_t> children;
  for (const std::string name : {"first", "second"}) {
    children.push_back(fork_child([&, name] {
      go.close_write();
      write_run(file, name, go.read_end());
    }));
    ASSERT_GT(children.back(), 0);
  }
  go.close_read();
  write_all(go.write_end(), "gg", 2);  // release both at once
  for (const pid_t child : children) EXPECT_EQ(wait_for_exit_code(child), 0) << "see the child's message above";

  const RunStore store(file, RunStore::OpenMode::existing);
  const std::vector<RunInfo> runs = store.list_runs();
  ASSERT_EQ(runs.size(), 2u);
  for (const RunInfo& run : runs) {
    EXPECT_EQ(run.status, RunStatus::finished) << run.name;
    EXPECT_EQ(run.member_count, shared_members);
    for (const Index member : {Index{0}, shared_members - 1}) {
      const MetricSeries series = store.read_series(run.id, member, "loss");
      ASSERT_EQ(series.epochs.size(), static_cast<std::size_t>(shared_epochs));
      for (Epoch epoch = 0; epoch < shared_epochs; ++epoch)
        ASSERT_EQ(series.values[static_cast<std::size_t>(epoch)], expected_value(member, epoch, 0));
    }
    const std::optional<Artefact> checkpoint = store.get_artefact(run.id, {.kind = "checkpoint", .name = "latest"});
    ASSERT_TRUE(checkpoint.has_value());
    EXPECT_EQ(checkpoint->content, std::vector<std::byte>(1000, std::byte{100}));
    for (const MemberInfo& member : store.get_run(run.id).members) EXPECT_EQ(member.result_json, "{\"done\": true}");
  }
  EXPECT_EQ(RawDatabase(file).text("PRAGMA integrity_check"), "ok");
}

}  // namespace
}  // namespace nnlab
