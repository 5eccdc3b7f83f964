#include "store/store_file.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <system_error>

#include "core/error.hpp"
#include "store/schema.hpp"

namespace nnlab {
namespace {

// Whether SQLite could create the -wal and -shm files beside `file`. Root may write anywhere,
// but a directory whose permission bits let nobody write was made read-only on purpose (an
// archive): root's readers leave it alone too.
bool may_create_beside(const std::filesystem::path& file) {
  std::filesystem::path directory = file.parent_path();
  if (directory.empty()) directory = ".";
  if (::access(directory.c_str(), W_OK) != 0) return false;  // EACCES, EROFS (a read-only mount)
  struct stat info {};
  if (::stat(directory.c_str(), &info) != 0) return false;
  return ::geteuid() != 0 || (info.st_mode & (S_IWUSR | S_IWGRP | S_IWOTH)) != 0;
}

// A non-empty -wal holds transactions not yet copied into the file: immutable=1 would skip them.
bool has_write_ahead_log(const std::filesystem::path& file) {
  std::error_code error;
  const auto size = std::filesystem::file_size(file.string() + "-wal", error);
  return !error && size > 0;
}

}  // namespace

sqlite::Connection open_for_reading(const std::filesystem::path& file) {
  std::error_code error;
  if (!std::filesystem::exists(file, error)) throw InputError(file.string() + ": no such store file");
  // Where no -shm file can be made, SQLite reads a WAL-mode file only as immutable. A pending log
  // must not be skipped, so then it is opened mode=ro alone: SQLite reads the -shm file the
  // writer left, even where it cannot write it.
  const bool immutable = !may_create_beside(file) && !has_write_ahead_log(file);
  sqlite::Connection connection(file, sqlite::Connection::ReadOnly{.immutable = immutable});
  check_schema_readable(connection);
  return connection;
}

RemoveIfLeftEmpty::~RemoveIfLeftEmpty() {
  if (kept || file.empty()) return;
  std::error_code error;
  if (std::filesystem::is_regular_file(file, error) && std::filesystem::file_size(file, error) == 0 && !error)
    std::filesystem::remove(file, error);
}

}  // namespace nnlab
