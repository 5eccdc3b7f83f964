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
// Child tables reference runs(id) ON DELETE CASCADE. Times are UTC ISO 8601 text; JSON is text
// (query it with SQLite's json_extract). Seeds are uint64 stored bit for bit in an INTEGER.
#pragma once

#include <cstdint>

#include "store/sqlite.hpp"

namespace nnlab {

inline constexpr int current_schema_version = 2;
// SQLite's header field for file formats built on SQLite ("nnlb"); 0 in a version-0 store.
inline constexpr std::int32_t store_application_id = 0x6e6e6c62;

// Brings the database to the current schema: creates the tables in an empty database and
// migrates an older store, in one write transaction. Refuses, with an InputError naming the
// file, a store from a newer nnlab and any database that is not a run store (it is left as is).
void prepare_schema(const sqlite::Connection& connection);

// The store's schema version as recorded in its meta table (InputError if it has none).
int schema_version(const sqlite::Connection& connection);

}  // namespace nnlab
