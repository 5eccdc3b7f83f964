#include "store/git_revision.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <optional>
#include <string_view>

namespace nnlab {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMaxSmallFileBytes = 4096;          // HEAD, a loose ref, a .git file, commondir
constexpr std::size_t kMaxPackedRefsBytes = 64u << 20;    // far more than any real packed-refs
constexpr std::size_t kMaxPackedRefsLineBytes = 4096;
constexpr int kMaxRefLookups = 5;                         // git's own limit on symbolic refs

// Owns one file descriptor.
class FileDescriptor {
 public:
  FileDescriptor() = default;
  ~FileDescriptor() { reset(-1); }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;

  int get() const { return fd_; }
  void reset(int fd) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

enum class Found { yes, absent, bad };

// Opens a regular file for reading. Absent when nothing (or a directory) is there; bad when it
// is anything else (a FIFO, a device, a symbolic link loop) or cannot be opened. O_NONBLOCK so
// that a FIFO cannot block the open.
Found open_regular(const fs::path& path, FileDescriptor& file) {
  file.reset(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
  if (file.get() < 0) return errno == ENOENT || errno == ENOTDIR ? Found::absent : Found::bad;
  struct stat info {};
  if (::fstat(file.get(), &info) != 0) return Found::bad;
  if (S_ISDIR(info.st_mode)) return Found::absent;
  return S_ISREG(info.st_mode) ? Found::yes : Found::bad;
}

// Reads a regular file chunk by chunk into `consume` (which returns false to give up); bad when
// it holds more than `limit` bytes.
template <typename Consume>
Found read_regular(const fs::path& path, std::size_t limit, Consume&& consume) {
  FileDescriptor file;
  const Found opened = open_regular(path, file);
  if (opened != Found::yes) return opened;
  std::array<char, 65536> chunk{};
  std::size_t total = 0;
  for (;;) {
    const ssize_t got = ::read(file.get(), chunk.data(), chunk.size());
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return Found::bad;
    if (got == 0) return Found::yes;
    total += static_cast<std::size_t>(got);
    if (total > limit) return Found::bad;
    if (!consume(std::string_view(chunk.data(), static_cast<std::size_t>(got)))) return Found::bad;
  }
}

Found read_small_file(const fs::path& path, std::string& text) {
  text.clear();
  return read_regular(path, kMaxSmallFileBytes, [&](std::string_view chunk) {
    text += chunk;
    return true;
  });
}

std::string_view trim_trailing_space(std::string_view text) {
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\n' || text.back() == '\r'))
    text.remove_suffix(1);
  return text;
}

std::string_view skip_leading_blanks(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  return text;
}

bool is_commit_hash(std::string_view text) {
  // SHA-1 repositories give 40 hex digits, SHA-256 ones 64; git writes them in lower case.
  return (text.size() == 40 || text.size() == 64) &&
         std::all_of(text.begin(), text.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// A ref name git could have written under refs/ (git check-ref-format's rules that matter for
// a path): components non-empty, not starting with '.', not ending in ".lock", no "..", no
// control, blank or special characters. Keeps every lookup inside the repository.
bool is_ref_name(std::string_view name) {
  if (name.size() > 1024 || !name.starts_with("refs/")) return false;
  std::size_t start = 0;
  for (;;) {
    const std::size_t slash = name.find('/', start);
    const std::string_view component = name.substr(start, slash == std::string_view::npos ? name.npos : slash - start);
    if (component.empty() || component.front() == '.' || component.ends_with(".lock")) return false;
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return name.find("..") == std::string_view::npos && name.find("@{") == std::string_view::npos &&
         std::none_of(name.begin(), name.end(), [](char c) {
           const auto byte = static_cast<unsigned char>(c);
           return byte <= ' ' || byte == 0x7f || std::string_view("~^:?*[\\").find(c) != std::string_view::npos;
         });
}

// What a HEAD or loose ref file says: a commit hash or the name of another ref.
struct RefContents {
  std::string hash;
  std::string target;  // set for `ref: refs/...`
};

std::optional<RefContents> parse_ref_file(std::string_view text) {
  text = trim_trailing_space(text);
  if (text.find('\n') != std::string_view::npos) return std::nullopt;
  if (text.starts_with("ref:")) {
    const std::string_view target = skip_leading_blanks(text.substr(4));
    if (!is_ref_name(target)) return std::nullopt;
    return RefContents{.hash = {}, .target = std::string(target)};
  }
  if (!is_commit_hash(text)) return std::nullopt;
  return RefContents{.hash = std::string(text), .target = {}};
}

// The hash of `name` in a packed-refs file: lines `<hash> <ref>`, a `#` header, `^<hash>`
// lines peeling the annotated tag above them. A malformed line makes the whole file bad.
Found find_packed_ref(const fs::path& packed_refs, std::string_view name, std::string& hash) {
  std::string pending;
  bool found = false;
  bool malformed = false;
  const auto take_line = [&](std::string_view line) {
    if (found || malformed || line.empty() || line.front() == '#' || line.front() == '^') return;
    const std::size_t space = line.find(' ');
    if (space == std::string_view::npos || !is_commit_hash(line.substr(0, space))) {
      malformed = true;
    } else if (line.substr(space + 1) == name) {
      hash = std::string(line.substr(0, space));
      found = true;
    }
  };
  const Found read = read_regular(packed_refs, kMaxPackedRefsBytes, [&](std::string_view chunk) {
    for (;;) {
      const std::size_t newline = chunk.find('\n');
      if (newline == std::string_view::npos) break;
      pending += chunk.substr(0, newline);
      take_line(pending);
      pending.clear();
      chunk.remove_prefix(newline + 1);
    }
    pending += chunk;
    return !malformed && pending.size() <= kMaxPackedRefsLineBytes;
  });
  if (read != Found::yes) return read;
  take_line(pending);  // a last line without its newline
  if (malformed) return Found::bad;
  return found ? Found::yes : Found::absent;
}

// The repository's git directory for a work-tree folder: `folder/.git` itself, or the folder a
// `.git` file names (`gitdir: PATH`, relative to the folder holding it).
std::optional<fs::path> git_dir_named_by(const fs::path& folder, const fs::path& dot_git) {
  std::error_code error;
  const fs::file_status status = fs::status(dot_git, error);
  if (fs::is_directory(status)) return dot_git;
  std::string text;
  if (read_small_file(dot_git, text) != Found::yes) return std::nullopt;
  const std::string_view line = trim_trailing_space(text);
  if (!line.starts_with("gitdir:") || line.find('\n') != std::string_view::npos) return std::nullopt;
  const std::string_view target = skip_leading_blanks(line.substr(7));
  if (target.empty() || target.find('\0') != std::string_view::npos) return std::nullopt;
  const fs::path git_dir = folder / fs::path(target);  // an absolute target replaces folder
  if (!fs::is_directory(git_dir, error)) return std::nullopt;
  return git_dir;
}

// Walks up from `folder` to the first folder holding a `.git` entry and returns its git
// directory; nullopt when none is found or that entry is not a usable repository.
std::optional<fs::path> find_git_dir(fs::path folder) {
  for (;;) {
    const fs::path dot_git = folder / ".git";
    std::error_code error;
    const fs::file_status status = fs::symlink_status(dot_git, error);
    if (status.type() != fs::file_type::not_found) {
      if (error) return std::nullopt;
      return git_dir_named_by(folder, dot_git);
    }
    const fs::path parent = folder.parent_path();
    if (parent == folder || folder.empty()) return std::nullopt;
    folder = parent;
  }
}

// Where the refs shared by every worktree live: the folder named by `commondir` in a linked
// worktree's git directory, else the git directory itself.
std::optional<fs::path> common_dir_of(const fs::path& git_dir) {
  std::string text;
  switch (read_small_file(git_dir / "commondir", text)) {
    case Found::absent:
      return git_dir;
    case Found::bad:
      return std::nullopt;
    case Found::yes:
      break;
  }
  const std::string_view line = trim_trailing_space(text);
  if (line.empty() || line.find_first_of(std::string_view("\n\0", 2)) != std::string_view::npos) return std::nullopt;
  const fs::path common = git_dir / fs::path(line);
  std::error_code error;
  if (!fs::is_directory(common, error)) return std::nullopt;
  return common;
}

// Refs each worktree keeps for itself (git's per-worktree namespaces); every other ref is shared.
bool is_per_worktree(std::string_view name) {
  return name.starts_with("refs/bisect/") || name.starts_with("refs/worktree/") || name.starts_with("refs/rewritten/");
}

}  // namespace

std::string git_commit_of(const fs::path& file) {
  std::error_code error;
  const fs::path absolute = fs::absolute(file, error);
  if (error || !fs::is_regular_file(absolute, error)) return {};
  // Symbolic links in the folder resolved, as git's own discovery (from its working directory) does.
  const fs::path folder = fs::canonical(absolute.parent_path(), error);
  if (error) return {};
  const std::optional<fs::path> git_dir = find_git_dir(folder);
  if (!git_dir) return {};
  const std::optional<fs::path> common_dir = common_dir_of(*git_dir);
  if (!common_dir) return {};

  std::string text;
  if (read_small_file(*git_dir / "HEAD", text) != Found::yes) return {};
  for (int lookup = 0; lookup <= kMaxRefLookups; ++lookup) {
    const std::optional<RefContents> contents = parse_ref_file(text);
    if (!contents) return {};
    if (contents->target.empty()) return contents->hash;
    if (lookup == kMaxRefLookups) return {};
    const std::string& name = contents->target;
    const fs::path& owner = is_per_worktree(name) ? *git_dir : *common_dir;
    switch (read_small_file(owner / fs::path(name), text)) {
      case Found::yes:
        continue;  // a loose ref overrides a packed one
      case Found::bad:
        return {};
      case Found::absent:
        break;
    }
    std::string hash;
    return find_packed_ref(owner / "packed-refs", name, hash) == Found::yes ? hash : std::string{};
  }
  return {};
}

}  // namespace nnlab
