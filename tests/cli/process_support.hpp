// Running the nnlab binary from tests: as a child process with its output in files, so that
// a test can wait for it, kill it, or run several at once.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace nnlab::testing {

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Starts nnlab with `arguments`, stdout and stderr into files; returns the child's pid.
// `in_child`, when given, runs in the child just before nnlab starts (e.g. to drop privileges
// or set a resource limit); it returns false to give up (the child exits with 126).
inline pid_t start_nnlab(const std::vector<std::string>& arguments, const std::filesystem::path& out, const std::filesystem::path& err,
                         bool (*in_child)() = nullptr) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (!std::freopen(out.c_str(), "w", stdout) || !std::freopen(err.c_str(), "w", stderr)) std::_Exit(127);
    if (in_child != nullptr && !in_child()) std::_Exit(126);
    std::vector<char*> argv{const_cast<char*>(NNLAB_BINARY)};
    for (const auto& argument : arguments) argv.push_back(const_cast<char*>(argument.c_str()));
    argv.push_back(nullptr);
    ::execv(NNLAB_BINARY, argv.data());
    std::_Exit(127);
  }
  return pid;
}

// The child's exit code, or -signal when a signal ended it.
inline int wait_for(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

inline int run_nnlab(const std::vector<std::string>& arguments, const std::filesystem::path& out, const std::filesystem::path& err,
                     bool (*in_child)() = nullptr) {
  return wait_for(start_nnlab(arguments, out, err, in_child));
}

// A finished nnlab process: its exit code and what it printed.
struct CommandOutcome {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs nnlab with `arguments` to the end, its stdout and stderr kept in files in `directory`.
inline CommandOutcome run_nnlab_in(const std::filesystem::path& directory, const std::vector<std::string>& arguments) {
  CommandOutcome outcome;
  outcome.exit_code = run_nnlab(arguments, directory / "stdout.txt", directory / "stderr.txt");
  outcome.out = read_file(directory / "stdout.txt");
  outcome.err = read_file(directory / "stderr.txt");
  return outcome;
}

}  // namespace nnlab::testing
