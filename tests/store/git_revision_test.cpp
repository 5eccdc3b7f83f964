// The git commit recorded for an experiment file, compared with what git itself reports.
#include "store/git_revision.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>

#include "store/store.hpp"
#include "store_test_support.hpp"

namespace nnlab {
namespace {

using testing::ScratchDirectory;

std::string shell_output(const std::string& command) {
  const std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), ::pclose);
  std::string output;
  std::array<char, 256> chunk{};
  while (pipe && std::fgets(chunk.data(), chunk.size(), pipe.get()) != nullptr) output += chunk.data();
  while (!output.empty() && output.back() == '\n') output.pop_back();
  return output;
}

TEST(GitRevision, TheLastCommitOfTheFileInsideARepositoryAndNothingOutside) {
  const ScratchDirectory scratch;
  const std::string repo = scratch.path().string();
  std::ofstream(scratch / "mirror.yaml") << "name: mirror\n";
  std::ofstream(scratch / "untracked.yaml") << "name: untracked\n";
  const std::string git = "git -C '" + repo + "' -c user.name=test -c user.email=test@example.com ";
  ASSERT_EQ(std::system((git + "init -q && " + git + "add mirror.yaml && " + git + "commit -q -m one").c_str()), 0);
  const std::string first = shell_output("git -C '" + repo + "' rev-parse HEAD");
  // A later commit that does not touch the file leaves the file's commit unchanged.
  std::ofstream(scratch / "other.txt") << "x\n";
  ASSERT_EQ(std::system((git + "add other.txt && " + git + "commit -q -m two").c_str()), 0);
  ASSERT_EQ(first.size(), 40u);

  EXPECT_EQ(git_commit_of(scratch / "mirror.yaml"), first);
  EXPECT_EQ(git_commit_of(scratch / "untracked.yaml"), "");
  EXPECT_EQ(git_commit_of(scratch / "missing.yaml"), "");

  RunStore store(scratch / "runs.db");
  const RunId run = store.begin_run({.name = "mirror", .config_path = (scratch / "mirror.yaml").string()});
  EXPECT_EQ(store.get_run(run).info.config_git_commit, first);
}

TEST(GitRevision, OutsideARepositoryThereIsNoCommit) {
  const ScratchDirectory scratch;  // under the temporary directory, not inside a repository
  std::ofstream(scratch / "alone.yaml") << "name: alone\n";
  ASSERT_NE(std::system(("git -C '" + scratch.path().string() + "' rev-parse 2>/dev/null").c_str()), 0);
  EXPECT_EQ(git_commit_of(scratch / "alone.yaml"), "");
}

}  // namespace
}  // namespace nnlab
