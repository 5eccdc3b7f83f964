// The git commit recorded for an experiment file: the HEAD commit of its repository, read from
// the repository's files (never by running git), compared with what git itself reports.
#include "store/git_revision.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "store/store.hpp"
#include "store_test_support.hpp"

namespace nnlab {
namespace {

namespace fs = std::filesystem;
using testing::ScratchDirectory;

const std::string kHashA(40, 'a');
const std::string kHashB = "0123456789abcdef0123456789abcdef01234567";

void write(const fs::path& file, const std::string& text) {
  fs::create_directories(file.parent_path());
  std::ofstream(file, std::ios::binary) << text;
}

std::string read(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The git command line for `dir`, with a fixed identity and no user or system configuration
// (the repository's own configuration still applies).
std::string git_command(const fs::path& dir, const std::string& arguments) {
  return "GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null git -C '" + dir.string() +
         "' -c user.name=test -c user.email=test@example.com " + arguments;
}

bool git(const fs::path& dir, const std::string& arguments) {
  return std::system((git_command(dir, arguments) + " >/dev/null 2>&1").c_str()) == 0;
}

std::string git_output(const fs::path& dir, const std::string& arguments) {
  const std::string command = git_command(dir, arguments) + " 2>/dev/null";
  const std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), ::pclose);
  std::string output;
  std::array<char, 256> chunk{};
  while (pipe && std::fgets(chunk.data(), chunk.size(), pipe.get()) != nullptr) output += chunk.data();
  while (!output.empty() && output.back() == '\n') output.pop_back();
  return output;
}

// A repository made by git itself, in `dir`, with `file` committed on branch main.
void make_repository(const fs::path& dir, const std::string& file) {
  fs::create_directories(dir);
  ASSERT_TRUE(git(dir, "init -q -b main"));
  write(dir / file, "name: " + file + "\n");
  ASSERT_TRUE(git(dir, "add '" + file + "'"));
  ASSERT_TRUE(git(dir, "commit -q -m '" + file + "'"));
}

// Tests that need git to build their repository; skipped when it is not installed.
class GitRevision : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::system("git --version >/dev/null 2>&1") != 0) GTEST_SKIP() << "git is not installed";
  }
};

TEST_F(GitRevision, AHostileRepositoryConfigurationRunsNoProgram) {
  const ScratchDirectory scratch;
  ASSERT_TRUE(git(scratch.path(), "init -q -b main"));
  write(scratch / "experiment.yaml", "name: hostile\n");
  ASSERT_TRUE(git(scratch.path(), "add experiment.yaml"));
  const std::string tree = git_output(scratch.path(), "write-tree");
  // A commit with a (fake) signature that touches the file, so that log.showSignature makes git
  // verify it with gpg.program.
  write(scratch / "commit.txt", "tree " + tree +
                                    "\nauthor a <a@example.com> 1700000000 +0000"
                                    "\ncommitter a <a@example.com> 1700000000 +0000"
                                    "\ngpgsig -----BEGIN PGP SIGNATURE-----\n \n AAAA\n -----END PGP SIGNATURE-----"
                                    "\n\nsigned\n");
  const std::string commit = git_output(scratch.path(), "hash-object -t commit -w commit.txt");
  ASSERT_TRUE(git(scratch.path(), "update-ref HEAD " + commit));
  ASSERT_EQ(git_output(scratch.path(), "rev-parse HEAD"), commit);

  const fs::path marker = scratch / "marker";
  const fs::path script = scratch / "planted.sh";
  write(script, "#!/bin/sh\necho \"$0 $*\" >> '" + marker.string() + "'\nexit 1\n");
  fs::permissions(script, fs::perms::owner_all, fs::perm_options::add);
  std::ofstream(scratch / ".git" / "config", std::ios::app)
      << "[core]\n\tfsmonitor = " << script.string() << "\n[log]\n\tshowSignature = true\n[gpg]\n\tprogram = "
      << script.string() << "\n";
  // The planted configuration is live: git itself runs the script.
  ASSERT_TRUE(git(scratch.path(), "log -n1 --format=%H -- experiment.yaml"));
  ASSERT_TRUE(fs::exists(marker)) << "the planted configuration did not make git run the script";
  fs::remove(marker);

  EXPECT_EQ(git_commit_of(scratch / "experiment.yaml"), commit);
  EXPECT_FALSE(fs::exists(marker)) << "a program ran: " << read(marker);
}

TEST_F(GitRevision, TheHeadCommitOfTheRepositoryAtRunTime) {
  const ScratchDirectory scratch;
  make_repository(scratch.path(), "mirror.yaml");
  const std::string first = git_output(scratch.path(), "rev-parse HEAD");
  std::ofstream(scratch / "other.txt") << "x\n";
  ASSERT_TRUE(git(scratch.path(), "add other.txt"));
  ASSERT_TRUE(git(scratch.path(), "commit -q -m two"));
  const std::string head = git_output(scratch.path(), "rev-parse HEAD");
  ASSERT_EQ(head.size(), 40u);
  ASSERT_NE(head, first);
  write(scratch / "untracked.yaml", "name: untracked\n");
  write(scratch / "deep" / "er" / "nested.yaml", "name: nested\n");

  // HEAD's commit, even when the last commit did not touch the file, or it is not tracked at all.
  EXPECT_EQ(git_commit_of(scratch / "mirror.yaml"), head);
  EXPECT_EQ(git_commit_of(scratch / "untracked.yaml"), head);
  EXPECT_EQ(git_commit_of(scratch / "deep" / "er" / "nested.yaml"), head);
  EXPECT_EQ(git_commit_of(scratch / "missing.yaml"), "");
  EXPECT_EQ(git_commit_of(scratch / "deep"), "");  // a directory is not an experiment file

  RunStore store(scratch / "runs.db");
  const RunId run = store.begin_run({.name = "mirror", .config_path = (scratch / "mirror.yaml").string()});
  EXPECT_EQ(store.get_run(run).info.config_git_commit, head);
}

TEST_F(GitRevision, ADetachedHead) {
  const ScratchDirectory scratch;
  make_repository(scratch.path(), "mirror.yaml");
  const std::string first = git_output(scratch.path(), "rev-parse HEAD");
  std::ofstream(scratch / "other.txt") << "x\n";
  ASSERT_TRUE(git(scratch.path(), "add other.txt"));
  ASSERT_TRUE(git(scratch.path(), "commit -q -m two"));
  ASSERT_TRUE(git(scratch.path(), "checkout -q --detach " + first));
  ASSERT_EQ(read(scratch / ".git" / "HEAD"), first + "\n");

  EXPECT_EQ(git_commit_of(scratch / "mirror.yaml"), git_output(scratch.path(), "rev-parse HEAD"));
  EXPECT_EQ(git_commit_of(scratch / "mirror.yaml"), first);
}

TEST_F(GitRevision, ABranchOnlyInPackedRefsAndALooseRefThatOverridesIt) {
  const ScratchDirectory scratch;
  make_repository(scratch.path(), "mirror.yaml");
  ASSERT_TRUE(git(scratch.path(), "tag -a v1 -m v1"));  // an annotated tag gives a ^peel line
  ASSERT_TRUE(git(scratch.path(), "pack-refs --all"));
  ASSERT_FALSE(fs::exists(scratch / ".git" / "refs" / "heads" / "main"));
  ASSERT_NE(read(scratch / ".git" / "packed-refs").find("\n^"), std::string::npos);
  EXPECT_EQ(git_commit_of(scratch / "mirror.yaml"), git_output(scratch.path(), "rev-parse HEAD"));

  // A new commit writes a loose ref; the stale packed one no longer counts.
  const std::string packed = git_output(scratch.path(), "rev-parse HEAD");
  std::ofstream(scratch / "other.txt") << "x\n";
  ASSERT_TRUE(git(scratch.path(), "add other.txt"));
  ASSERT_TRUE(git(scratch.path(), "commit -q -m two"));
  ASSERT_TRUE(fs::exists(scratch / ".git" / "refs" / "heads" / "main"));
  const std::string head = git_output(scratch.path(), "rev-parse HEAD");
  ASSERT_NE(head, packed);
  EXPECT_EQ(git_commit_of(scratch / "mirror.yaml"), head);
}

TEST_F(GitRevision, ALinkedWorktreeFollowsItsGitFile) {
  const ScratchDirectory scratch;
  make_repository(scratch / "repo", "mirror.yaml");
  ASSERT_TRUE(git(scratch / "repo", "worktree add -q -b side ../tree"));
  ASSERT_EQ(read(scratch / "tree" / ".git").rfind("gitdir: ", 0), 0u);
  write(scratch / "tree" / "side.yaml", "name: side\n");
  ASSERT_TRUE(git(scratch / "tree", "add side.yaml"));
  ASSERT_TRUE(git(scratch / "tree", "commit -q -m side"));
  const std::string side = git_output(scratch / "tree", "rev-parse HEAD");
  const std::string main = git_output(scratch / "repo", "rev-parse HEAD");
  ASSERT_NE(side, main);

  EXPECT_EQ(git_commit_of(scratch / "tree" / "side.yaml"), side);
  EXPECT_EQ(git_commit_of(scratch / "repo" / "mirror.yaml"), main);
  // With the branch packed, the worktree finds it in the common directory's packed-refs.
  ASSERT_TRUE(git(scratch / "repo", "pack-refs --all"));
  EXPECT_EQ(git_commit_of(scratch / "tree" / "side.yaml"), side);
}

TEST_F(GitRevision, OutsideARepositoryThereIsNoCommit) {
  const ScratchDirectory scratch;  // under the temporary directory, not inside a repository
  write(scratch / "alone.yaml", "name: alone\n");
  ASSERT_NE(std::system(("git -C '" + scratch.path().string() + "' rev-parse 2>/dev/null").c_str()), 0);
  EXPECT_EQ(git_commit_of(scratch / "alone.yaml"), "");
}

// Repositories written by hand: the layouts git produces, and damaged or hostile ones. No git needed.

// A work tree `scratch/work` with an experiment file and a `.git` directory holding `files`.
fs::path hand_made(const ScratchDirectory& scratch, const std::vector<std::pair<std::string, std::string>>& files) {
  const fs::path work = scratch / "work";
  write(work / "experiment.yaml", "name: hand-made\n");
  fs::create_directories(work / ".git" / "refs" / "heads");
  for (const auto& [name, text] : files) write(work / ".git" / name, text);
  return work / "experiment.yaml";
}

TEST(GitRevisionHandMade, SymbolicAndDetachedHeadsAndSha256) {
  const ScratchDirectory a;
  EXPECT_EQ(git_commit_of(hand_made(a, {{"HEAD", "ref: refs/heads/main\n"}, {"refs/heads/main", kHashA + "\n"}})), kHashA);
  const ScratchDirectory b;
  EXPECT_EQ(git_commit_of(hand_made(b, {{"HEAD", kHashB + "\n"}})), kHashB);
  const ScratchDirectory c;
  const std::string sha256(64, 'c');
  EXPECT_EQ(git_commit_of(hand_made(c, {{"HEAD", "ref: refs/heads/main\n"}, {"refs/heads/main", sha256 + "\n"}})), sha256);
  const ScratchDirectory d;  // a short chain of symbolic refs
  EXPECT_EQ(git_commit_of(hand_made(d, {{"HEAD", "ref: refs/heads/a\n"},
                                        {"refs/heads/a", "ref: refs/heads/b\n"},
                                        {"refs/heads/b", kHashB + "\n"}})),
            kHashB);
}

TEST(GitRevisionHandMade, PackedRefsSkipCommentsAndPeelLines) {
  const ScratchDirectory scratch;
  const std::string packed = "# pack-refs with: peeled fully-peeled sorted \n" +
                             std::string(40, '1') + " refs/heads/feature\n" +
                             std::string(40, '2') + " refs/tags/v1\n^" + std::string(40, '3') + "\n" +
                             std::string(40, '4') + " refs/heads/main-old\n" +
                             kHashB + " refs/heads/main\n";
  EXPECT_EQ(git_commit_of(hand_made(scratch, {{"HEAD", "ref: refs/heads/main\n"}, {"packed-refs", packed}})), kHashB);
}

TEST(GitRevisionHandMade, AGitFileWithARelativeGitdir) {
  const ScratchDirectory scratch;
  write(scratch / "modules" / "sub" / "HEAD", "ref: refs/heads/main\n");
  write(scratch / "modules" / "sub" / "refs" / "heads" / "main", kHashB + "\n");
  write(scratch / "work" / ".git", "gitdir: ../modules/sub\n");
  write(scratch / "work" / "dir" / "experiment.yaml", "name: sub\n");
  EXPECT_EQ(git_commit_of(scratch / "work" / "dir" / "experiment.yaml"), kHashB);
}

TEST(GitRevisionHandMade, MalformedHeadsGiveNoCommit) {
  const std::vector<std::string> heads = {
      "",
      "\n",
      kHashB.substr(0, 39) + "\n",                  // too short
      kHashB + "0\n",                               // 41 digits
      std::string(40, 'g') + "\n",                  // not hex
      "0123456789ABCDEF0123456789ABCDEF01234567\n",  // git writes lower case only
      kHashB + " trailing\n",
      kHashB + "\n" + kHashB + "\n",  // two lines
      "ref:\n",
      "ref: refs/heads/\n",
      "ref: refs/heads/main extra\n",
      "ref: HEAD\n",                     // not under refs/
      "ref: refs/../../outside\n",       // leaves the repository
      "ref: ../outside\n",
      "ref: /etc/outside\n",
      "ref: refs/heads/main\n" + std::string(8000, ' '),  // larger than a ref file can be
  };
  for (const std::string& head : heads) {
    const ScratchDirectory scratch;
    write(scratch / "outside", kHashA + "\n");
    write(scratch / "work" / "outside", kHashA + "\n");
    const fs::path file = hand_made(scratch, {{"HEAD", head}, {"refs/heads/main", kHashA + "\n"}});
    EXPECT_EQ(git_commit_of(file), "") << "HEAD: " << head.substr(0, 80);
  }
}

TEST(GitRevisionHandMade, MalformedRefsGiveNoCommit) {
  const std::vector<std::vector<std::pair<std::string, std::string>>> repositories = {
      {{"HEAD", "ref: refs/heads/main\n"}},  // an unborn branch
      {{"HEAD", "ref: refs/heads/main\n"}, {"refs/heads/main", "not a hash\n"}},
      {{"HEAD", "ref: refs/heads/main\n"}, {"refs/heads/main", kHashA + std::string(5000, '\n')}},
      // a malformed loose ref is not bypassed by a packed one
      {{"HEAD", "ref: refs/heads/main\n"}, {"refs/heads/main", "junk\n"}, {"packed-refs", kHashB + " refs/heads/main\n"}},
      {{"HEAD", "ref: refs/heads/main\n"}, {"packed-refs", kHashB.substr(1) + " refs/heads/main\n"}},
      {{"HEAD", "ref: refs/heads/main\n"}, {"packed-refs", kHashB + "refs/heads/main\n"}},
      {{"HEAD", "ref: refs/heads/main\n"}, {"packed-refs", kHashB + " refs/heads/main" + std::string(10000, ' ') + "\n"}},
      // symbolic refs that loop, or chain further than a real repository ever does
      {{"HEAD", "ref: refs/heads/a\n"}, {"refs/heads/a", "ref: refs/heads/b\n"}, {"refs/heads/b", "ref: refs/heads/a\n"}},
      {{"HEAD", "ref: refs/heads/0\n"},
       {"refs/heads/0", "ref: refs/heads/1\n"},
       {"refs/heads/1", "ref: refs/heads/2\n"},
       {"refs/heads/2", "ref: refs/heads/3\n"},
       {"refs/heads/3", "ref: refs/heads/4\n"},
       {"refs/heads/4", "ref: refs/heads/5\n"},
       {"refs/heads/5", "ref: refs/heads/6\n"},
       {"refs/heads/6", kHashA + "\n"}},
  };
  for (std::size_t i = 0; i < repositories.size(); ++i) {
    const ScratchDirectory scratch;
    EXPECT_EQ(git_commit_of(hand_made(scratch, repositories[i])), "") << "repository " << i;
  }
}

TEST(GitRevisionHandMade, DamagedGitFilesAndSpecialFilesGiveNoCommit) {
  for (const std::string& git_file : {std::string("nonsense\n"), std::string("gitdir: \n"), std::string("gitdir: ../missing\n"),
                                      "gitdir: ../repo\n" + std::string(8000, ' ')}) {
    const ScratchDirectory scratch;
    write(scratch / "repo" / "HEAD", kHashA + "\n");
    write(scratch / "work" / ".git", git_file);
    write(scratch / "work" / "experiment.yaml", "name: x\n");
    EXPECT_EQ(git_commit_of(scratch / "work" / "experiment.yaml"), "") << ".git: " << git_file.substr(0, 80);
  }
  {
    const ScratchDirectory scratch;  // HEAD a symbolic link to itself
    const fs::path file = hand_made(scratch, {});
    fs::create_symlink("HEAD", scratch / "work" / ".git" / "HEAD");
    EXPECT_EQ(git_commit_of(file), "");
  }
  {
    const ScratchDirectory scratch;  // a ref that is a FIFO: reading it would block forever
    const fs::path file = hand_made(scratch, {{"HEAD", "ref: refs/heads/main\n"}});
    ASSERT_EQ(::mkfifo((scratch / "work" / ".git" / "refs" / "heads" / "main").c_str(), 0600), 0);
    EXPECT_EQ(git_commit_of(file), "");
  }
  {
    const ScratchDirectory scratch;  // HEAD a device that never ends
    const fs::path file = hand_made(scratch, {});
    fs::create_symlink("/dev/zero", scratch / "work" / ".git" / "HEAD");
    EXPECT_EQ(git_commit_of(file), "");
  }
}

}  // namespace
}  // namespace nnlab
