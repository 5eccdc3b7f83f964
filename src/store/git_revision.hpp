// The git commit a run records for its experiment file: the HEAD commit of the repository the
// file is in, at run time, read from the repository's own files. No program is run: a
// repository's configuration decides which programs git itself runs (core.fsmonitor,
// gpg.program with log.showSignature, ...), so opening someone else's experiment folder must
// never start git.
#pragma once

#include <filesystem>
#include <string>

namespace nnlab {

// The commit hash (40 hex digits, 64 in SHA-256 repositories) that HEAD points to in the
// repository containing `file`: the nearest `.git` directory, or `.git` file
// (`gitdir: PATH`, as in linked worktrees and submodules), walking up from the file's folder.
// HEAD is a detached hash or `ref: refs/...`, followed through loose ref files (at most 5
// symbolic refs deep) and then `packed-refs`. This is HEAD's commit whether or not the file is
// tracked, modified or changed by that commit (before issue 9 it was the last commit that
// touched the file, which needs git's object database). Returns "" when the file is missing,
// is outside a repository, the branch has no commit yet, or anything read is not what git
// writes (a HEAD or ref file over 4 KB, a FIFO or device, a malformed hash or ref name, a
// ref outside `refs/`); refs kept in a reftable also give "".
std::string git_commit_of(const std::filesystem::path& file);

}  // namespace nnlab
