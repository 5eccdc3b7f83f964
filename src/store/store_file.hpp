// How the store's file is opened beyond plain read-write: read-only for the commands that only
// read (so that archived, shared or read-only-mounted stores can be read), and the clean-up of a
// file this process created for a store it then failed to set up.
#pragma once

#include <filesystem>

#include "store/sqlite.hpp"

namespace nnlab {

// Opens an existing store read-only (SQLite URI mode=ro): nothing is created, migrated or
// written. When no -wal and -shm file can be made beside it (its directory is not writable, or
// its permission bits say so even to root) and it has no write-ahead log to replay, it is opened
// immutable=1, without locks or those files. InputError naming the file when it is missing,
// empty, not a run store, or of a schema version readers do not read as it is.
sqlite::Connection open_for_reading(const std::filesystem::path& file);

// Removes `file` when the scope ends unless keep() was called, if it is still an empty file:
// the one this process just created for a store it failed to set up (a full disk, say). An empty
// file holds nothing another process could have written (a schema makes it non-empty).
struct RemoveIfLeftEmpty {
  std::filesystem::path file;  // empty: nothing to remove
  bool kept = false;

  void keep() { kept = true; }
  ~RemoveIfLeftEmpty();
};

}  // namespace nnlab
