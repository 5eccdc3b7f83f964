// The run store's tables, their version, and the migrations from older versions.
//
// Schema version 1 (SQL as created in schema.cpp):
//   meta        (key, value)                  schema_version, application = "nnlab", created_at
//   runs        (id, name, status, started_at, finished_at, nnlab_version, config_path,
//                config_git_commit, resolved_config, summary_json, host, pid)
//   populations (run_id, population, description)
//   members     (run_id, member, population, seed, hyperparameters, result, status)
//   series      (run_id, member, metric, first_epoch, count, epochs_i64, values_f32)  one row per flushed chunk
//   artefacts   (id, run_id, member, kind, name, epoch, content, path, created_at)
// Version 2: the same tables; series chunks may keep a stride instead of their epoch list.
// Version 3: artefacts.checksum, the XXH3-64 of content (NULL for a path), checked on every read.
// Child tables reference runs(id) ON DELETE CASCADE. Times are UTC ISO 8601 text; JSON is text
// (query it with SQLite's json_extract). Seeds are uint64 stored bit for bit in an INTEGER.
#pragma once

#include <cstdint>

#include "store/sqlite.hpp"

namespace nnlab {

inline constexpr int current_schema_version = 3;
// SQLite's header field for file formats built on SQLite ("nnlb"); 0 in a version-0 store.
inline constexpr std::int32_t store_application_id = 0x6e6e6c62;

// Readers open stores of these versions as they are, without migrating them; raise it when
// reading needs what a migration adds. Version 3 adds artefacts.checksum: a version-2 store
// read as it is (an archive, read-only) gives its artefacts unchecked.
inline constexpr int oldest_readable_schema_version = 2;
static_assert(oldest_readable_schema_version <= current_schema_version);

// Brings the database to the current schema: creates the tables in an empty database (unless
// create_if_empty is false: then an empty file is an InputError) and migrates an older store,
// in one write transaction. Refuses, with an InputError naming the file, a store from a newer
// nnlab and any database that is not a run store (it is left as is).
void prepare_schema(const sqlite::Connection& connection, bool create_if_empty = true);

// For readers, without writing anything: InputError naming the file unless it is a run store
// of a version from oldest_readable_schema_version to current_schema_version.
void check_schema_readable(const sqlite::Connection& connection);

// The store's schema version as recorded in its meta table (InputError if it has none).
int schema_version(const sqlite::Connection& connection);

}  // namespace nnlab
