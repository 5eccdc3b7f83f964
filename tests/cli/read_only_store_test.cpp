// Archived and shared stores (issue 9, item 6): in a directory nobody may write to, every read
// command works and leaves the store as it was — same bytes, same mtime, no -wal or -shm file.
// Root ignores permission bits, so when the tests run as root the commands run as `nobody`, for
// whom the bits hold as they would for any user.
#include <gtest/gtest.h>
#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

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

constexpr uid_t nobody = 65534;

// In the child: as root, become `nobody` (nothing else changes); otherwise stay as we are.
bool as_unprivileged_user() {
  if (::geteuid() != 0) return true;
  return ::setgroups(0, nullptr) == 0 && ::setgid(nobody) == 0 && ::setuid(nobody) == 0;
}

std::vector<std::string> listing(const fs::path& directory) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(directory)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

// Whether a user without privileges can reach `file`: every directory above it lets others enter.
// A checkout under a 0700 directory (mktemp -d) does not, and `nobody` cannot start nnlab there.
bool others_can_reach(const fs::path& file) {
  for (fs::path dir = fs::absolute(file).parent_path(); !dir.empty(); dir = dir.parent_path()) {
    struct stat info {};
    if (::stat(dir.c_str(), &info) != 0 || (info.st_mode & S_IXOTH) == 0) return false;
    if (dir == dir.root_path()) break;
  }
  return true;
}

TEST(ReadOnlyStore, EveryReadCommandWorksAndChangesNothing) {
  const nnlab::testing::ScratchDirectory scratch;
  ASSERT_EQ(::chmod(scratch.path().c_str(), 0755), 0);  // `nobody` may enter it
  const auto path = [&](const std::string& name) { return scratch.path() / name; };
  std::ofstream(path("tiny.yaml")) << "name: tiny\nseed: 3\nreplicates: 2\ndata:\n  train: xor\nmodel:\n  layers:\n"
                                      "    - {type: dense, units: 2, activation: sigmoid}\n    - {type: dense, units: 1, activation: sigmoid}\n"
                                      "loss: sse\noptimizer: {type: sgd, lr: 0.5}\ntrain: {epochs: 20, batch: full}\n";
  const fs::path archive = path("archive");
  fs::create_directory(archive);
  const fs::path store = archive / "runs.db";
  ASSERT_EQ(run_nnlab({"run", path("tiny.yaml").string(), "--store", store.string(), "--quiet"}, path("out"), path("err")), 0)
      << read_file(path("err"));
  ASSERT_EQ(listing(archive), std::vector<std::string>{"runs.db"}) << "the writer's WAL was checkpointed and removed";
  ASSERT_EQ(::chmod(store.c_str(), 0444), 0);
  ASSERT_EQ(::chmod(archive.c_str(), 0555), 0);
  const std::string bytes = read_file(store);
  const auto modified = fs::last_write_time(store);

  const bool unprivileged_possible = others_can_reach(NNLAB_BINARY) && others_can_reach(scratch.path() / "x");
  for (const bool unprivileged : {false, true}) {
    if (unprivileged && !unprivileged_possible) break;
    const fs::path outputs = path(unprivileged ? "outputs-unprivileged" : "outputs");  // where the commands may write
    fs::create_directory(outputs);
    ASSERT_EQ(::chmod(outputs.c_str(), 0777), 0);
    const std::vector<std::vector<std::string>> commands{
        {"runs"},
        {"show", "1"},
        {"show", "latest", "--json"},
        {"export", "1", "--metrics", "csv"},
        {"export", "tiny", "--model", (outputs / "tiny.safetensors").string()},
        {"report", "1", "--out", (outputs / "report").string()},
    };
    for (std::vector<std::string> arguments : commands) {
      const std::string command = arguments.front() + (unprivileged ? " (unprivileged)" : "");
      arguments.insert(arguments.end(), {"--store", store.string()});
      const int code = run_nnlab(arguments, outputs / "stdout", outputs / "stderr", unprivileged ? as_unprivileged_user : nullptr);
      EXPECT_EQ(code, 0) << command << ": " << read_file(outputs / "stderr");
      EXPECT_EQ(listing(archive), std::vector<std::string>{"runs.db"}) << command << " created a file beside the store";
      EXPECT_TRUE(read_file(store) == bytes) << command << " changed the store's bytes";
      EXPECT_EQ(fs::last_write_time(store), modified) << command;
    }
    EXPECT_NE(read_file(outputs / "stdout").find("index.html"), std::string::npos);
    EXPECT_TRUE(fs::exists(outputs / "tiny.safetensors"));
  }
  ::chmod(archive.c_str(), 0755);
  if (!unprivileged_possible)
    GTEST_SKIP() << "ran as root only: user nobody cannot reach " << NNLAB_BINARY << " (a directory above it is closed to others)";
}

}  // namespace
