// The git commit an experiment file was last committed in, so a run records which version of
// the file it came from (the resolved configuration records what was actually run).
#pragma once

#include <filesystem>
#include <string>

namespace nnlab {

// Runs `git -C <dir> log -n1 --format=%H -- <file>` (no shell). Returns the commit hash, or ""
// when the file is outside a repository, never committed, missing, or git is not installed.
std::string git_commit_of(const std::filesystem::path& file);

}  // namespace nnlab
