#include "store/schema.hpp"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cstdio>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "store/checksum.hpp"
#include "store/series_chunk.hpp"

namespace nnlab {
namespace {

constexpr std::string_view create_meta_v1 = R"sql(
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
)sql";

// AUTOINCREMENT: a deleted run's id is never handed out again, so "run 12" always means one run.
constexpr std::string_view create_tables_v1 = R"sql(
CREATE TABLE runs (
  id                INTEGER PRIMARY KEY AUTOINCREMENT,
  name              TEXT NOT NULL,
  status            TEXT NOT NULL CHECK (status IN ('running', 'finished', 'failed', 'killed')),
  started_at        TEXT NOT NULL,
  finished_at       TEXT,
  nnlab_version     TEXT NOT NULL,
  config_path       TEXT NOT NULL,
  config_git_commit TEXT NOT NULL DEFAULT '',
  resolved_config   TEXT NOT NULL,
  summary_json      TEXT,
  host              TEXT NOT NULL DEFAULT '',
  pid               INTEGER
);
CREATE INDEX runs_by_name ON runs (name, id);

CREATE TABLE populations (
  run_id      INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  population  INTEGER NOT NULL,
  description TEXT NOT NULL,
  PRIMARY KEY (run_id, population)
) WITHOUT ROWID;

CREATE TABLE members (
  run_id          INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  member          INTEGER NOT NULL,
  population      INTEGER NOT NULL,
  seed            INTEGER NOT NULL,
  hyperparameters TEXT NOT NULL,
  result          TEXT,
  status          TEXT NOT NULL CHECK (status IN ('running', 'finished', 'failed', 'killed')),
  PRIMARY KEY (run_id, member)
) WITHOUT ROWID;

-- One row per flushed chunk of one member's metric; rowid order is write order.
-- epochs_i64 is NULL when the chunk's epochs are first_epoch, first_epoch + 1, ...
CREATE TABLE series (
  run_id      INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  member      INTEGER NOT NULL,
  metric      TEXT NOT NULL,
  first_epoch INTEGER NOT NULL,
  count       INTEGER NOT NULL CHECK (count > 0),
  epochs_i64  BLOB,
  values_f32  BLOB NOT NULL
);
CREATE INDEX series_by_metric ON series (run_id, metric, member, first_epoch);

-- Content held in the store or a path to a file kept outside it, never both.
CREATE TABLE artefacts (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id     INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  member     INTEGER,
  kind       TEXT NOT NULL,
  name       TEXT NOT NULL,
  epoch      INTEGER,
  content    BLOB,
  path       TEXT,
  created_at TEXT NOT NULL,
  CHECK ((content IS NULL) <> (path IS NULL))
);
CREATE INDEX artefacts_by_label ON artefacts (run_id, kind, name);
)sql";

// Version 0, the prototype store, kept here only to migrate from. It had no application id and
//   meta    (key, value)  with schema_version = 0
//   runs    (id, name, status, started_at, finished_at, nnlab_version, config_path,
//            resolved_config, summary_json)
//   members (run_id, member, seed, hyperparameters, result)      one population per run
//   metrics (run_id, member, metric, epoch, value REAL)          one row per point
constexpr std::string_view v0_tables[] = {"meta", "members", "metrics", "runs"};

void migrate_0_to_1(const sqlite::Connection& connection) {
  connection.execute("ALTER TABLE runs RENAME TO runs_v0; ALTER TABLE members RENAME TO members_v0;");
  connection.execute(create_tables_v1);
  connection.execute(R"sql(
INSERT INTO runs (id, name, status, started_at, finished_at, nnlab_version, config_path, config_git_commit,
                  resolved_config, summary_json, host, pid)
  SELECT id, name, status, started_at, finished_at, nnlab_version, config_path, '', resolved_config, summary_json,
         '', NULL
  FROM runs_v0;
INSERT INTO populations (run_id, population, description)
  SELECT DISTINCT run_id, 0, '' FROM members_v0 WHERE run_id IN (SELECT id FROM runs);
INSERT INTO members (run_id, member, population, seed, hyperparameters, result, status)
  SELECT m.run_id, m.member, 0, m.seed, m.hyperparameters, m.result,
         CASE WHEN m.result IS NULL THEN r.status ELSE 'finished' END
  FROM members_v0 AS m JOIN runs AS r ON r.id = m.run_id;
)sql");

  // Points become one chunk per (run, member, metric); rowid order is the order they were written,
  // so merge_points keeps the newest value of an epoch written twice.
  auto insert = connection.query(
      "INSERT INTO series (run_id, member, metric, first_epoch, count, epochs_i64, values_f32) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  const auto write = [&](std::int64_t run, std::int64_t member, const std::string& metric, MetricSeries points) {
    const MetricSeries merged = merge_points(std::move(points));
    const SeriesChunk chunk = encode_chunk(merged.epochs, merged.values);
    insert.bind(1, run).bind(2, member).bind(3, std::string_view(metric));
    insert.bind(4, chunk.first_epoch).bind(5, chunk.count);
    if (chunk.contiguous) {
      insert.bind_null(6);
    } else {
      insert.bind_blob(6, chunk.epochs_blob);
    }
    insert.bind_blob(7, chunk.values_blob).run();
  };
  auto points = connection.query(
      "SELECT run_id, member, metric, epoch, value FROM metrics WHERE run_id IN (SELECT id FROM runs) "
      "ORDER BY run_id, metric, member, rowid");
  std::int64_t run = -1;
  std::int64_t member = -1;
  std::string metric;
  MetricSeries pending;
  while (points.step()) {
    const std::int64_t next_run = points.integer(0);
    const std::int64_t next_member = points.integer(1);
    std::string next_metric = points.text(2);
    if (next_run != run || next_member != member || next_metric != metric) {
      if (!pending.values.empty()) write(run, member, metric, std::move(pending));
      pending = {};
      run = next_run;
      member = next_member;
      metric = std::move(next_metric);
    }
    pending.epochs.push_back(points.integer(3));
    pending.values.push_back(static_cast<float>(points.real(4)));
  }
  if (!pending.values.empty()) write(run, member, metric, std::move(pending));

  connection.execute("DROP TABLE metrics; DROP TABLE members_v0; DROP TABLE runs_v0;");
}

// Version 2 stores epochs that step by s >= 2 as one int64 stride (series_chunk.hpp). Every
// version-1 chunk reads the same under version 2, so the migration changes no row; the version
// number keeps an older nnlab from misreading the new chunks.
void migrate_1_to_2(const sqlite::Connection&) {}

// Version 3 keeps the XXH3-64 of every artefact's content beside it (store/checksum.hpp), NULL
// for an artefact kept as a file. Existing contents get theirs here, one blob in memory at a
// time: they are vouched for as they are now (damage from before the migration goes unseen).
void migrate_2_to_3(const sqlite::Connection& connection) {
  connection.execute("ALTER TABLE artefacts ADD COLUMN checksum INTEGER");
  std::vector<std::int64_t> ids;
  {
    auto query = connection.query("SELECT id FROM artefacts WHERE content IS NOT NULL ORDER BY id");
    while (query.step()) ids.push_back(query.integer(0));
  }
  for (const std::int64_t id : ids) {
    std::uint64_t checksum = 0;
    {
      auto read = connection.query("SELECT content FROM artefacts WHERE id = ?1");
      if (!read.bind(1, id).step()) continue;
      checksum = artefact_checksum(read.blob(0));
    }
    auto write = connection.query("UPDATE artefacts SET checksum = ?1 WHERE id = ?2");
    write.bind(1, std::bit_cast<std::int64_t>(checksum)).bind(2, id).run();
  }
}

// migrations[v] takes a store from version v to v + 1.
const std::vector<std::function<void(const sqlite::Connection&)>> migrations{migrate_0_to_1, migrate_1_to_2, migrate_2_to_3};
static_assert(current_schema_version == 3, "add the migration to the new version to `migrations`");

enum class Kind { empty, run_store, foreign };

struct Identity {
  Kind kind = Kind::empty;
  int version = 0;     // for a run store
  std::string reason;  // for a foreign database: why it is not a run store
};

std::vector<std::string> user_tables(const sqlite::Connection& connection) {
  auto query = connection.query(
      "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name");
  std::vector<std::string> names;
  while (query.step()) names.push_back(query.text(0));
  return names;
}

bool contains(const std::vector<std::string>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::string listing(const std::vector<std::string>& names) {
  constexpr std::size_t shown = 5;
  std::string text;
  for (std::size_t i = 0; i < names.size() && i < shown; ++i) text += (i == 0 ? "" : ", ") + names[i];
  if (names.size() > shown) text += ", ...";
  return text;
}

std::int64_t application_id(const sqlite::Connection& connection) {
  auto query = connection.query("PRAGMA application_id");
  return query.step() ? query.integer(0) : 0;
}

// The meta table's schema_version, or nullopt when there is no such row (or no such columns).
std::optional<std::string> recorded_version(const sqlite::Connection& connection) {
  auto columns = connection.query("SELECT count(*) FROM pragma_table_info('meta') WHERE name IN ('key', 'value')");
  if (!columns.step() || columns.integer(0) != 2) return std::nullopt;
  auto query = connection.query("SELECT value FROM meta WHERE key = 'schema_version'");
  if (!query.step()) return std::nullopt;
  return query.text(0);
}

// meta.application ("" when there is no such row); recorded_version() checked the columns.
std::string meta_application(const sqlite::Connection& connection) {
  auto query = connection.query("SELECT value FROM meta WHERE key = 'application'");
  return query.step() ? query.text(0) : std::string();
}

int parse_version(const sqlite::Connection& connection, const std::string& text) {
  int version = -1;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), version);
  if (error != std::errc{} || end != text.data() + text.size() || version < 0)
    throw InputError(connection.file().string() + ": meta.schema_version is '" + text + "', not a version number");
  return version;
}

Identity identify(const sqlite::Connection& connection) {
  const std::vector<std::string> tables = user_tables(connection);  // reads the file: NOTADB shows here
  const std::int64_t application = application_id(connection);
  const bool ours = application == store_application_id;
  if (application != 0 && !ours) {
    char hex[16];
    std::snprintf(hex, sizeof hex, "0x%08llx", static_cast<unsigned long long>(application & 0xffffffff));
    return {.kind = Kind::foreign, .reason = std::string("its application id is ") + hex + ", not nnlab's"};
  }
  if (tables.empty()) return {.kind = Kind::empty};
  if (!contains(tables, "meta"))
    return {.kind = Kind::foreign, .reason = "it has tables " + listing(tables) + " but no nnlab meta table"};
  const std::optional<std::string> version_text = recorded_version(connection);
  if (!version_text) return {.kind = Kind::foreign, .reason = "its meta table has no schema_version"};
  const int version = parse_version(connection, *version_text);
  if (ours) {
    const std::string application = meta_application(connection);
    if (application != "nnlab")
      return {.kind = Kind::foreign,
              .reason = application.empty() ? std::string("its meta table names no application")
                                            : "its meta.application is '" + application + "', not nnlab"};
    return {.kind = Kind::run_store, .version = version};
  }
  // Without our application id only the prototype layout counts as a run store.
  const bool prototype = version == 0 && std::all_of(std::begin(v0_tables), std::end(v0_tables),
                                                     [&](std::string_view name) { return contains(tables, name); });
  if (prototype) return {.kind = Kind::run_store, .version = 0};
  return {.kind = Kind::foreign, .reason = "it has a meta table but not nnlab's application id"};
}

void check_supported(const sqlite::Connection& connection, const Identity& identity) {
  const std::string where = connection.file().string() + ": ";
  if (identity.kind == Kind::foreign) throw InputError(where + "not an nnlab run store (" + identity.reason + ")");
  if (identity.kind == Kind::run_store && identity.version > current_schema_version)
    throw InputError(where + "store schema version " + std::to_string(identity.version) +
                     " is newer than this nnlab understands (" + std::to_string(current_schema_version) +
                     "); use a newer nnlab");
}

// Only `nnlab run` makes a store: every other command refuses an empty file (a 0-byte file
// is an empty SQLite database) instead of writing a schema into it.
void check_not_empty(const sqlite::Connection& connection, const Identity& identity) {
  if (identity.kind == Kind::empty)
    throw InputError(connection.file().string() + ": empty, not an nnlab run store (only nnlab run creates one)");
}

void write_meta(const sqlite::Connection& connection) {
  connection.execute("PRAGMA application_id = " + std::to_string(store_application_id));
  auto upsert = connection.query(
      "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
  upsert.bind(1, std::string_view("schema_version")).bind(2, std::to_string(current_schema_version)).run();
  upsert.bind(1, std::string_view("application")).bind(2, std::string_view("nnlab")).run();
  auto created = connection.query(
      "INSERT OR IGNORE INTO meta (key, value) VALUES ('created_at', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))");
  created.run();
}

}  // namespace

int schema_version(const sqlite::Connection& connection) {
  const std::optional<std::string> text = recorded_version(connection);
  if (!text) throw InputError(connection.file().string() + ": the store has no schema_version");
  return parse_version(connection, *text);
}

void check_schema_readable(const sqlite::Connection& connection) {
  const Identity identity = identify(connection);
  check_supported(connection, identity);
  check_not_empty(connection, identity);
  if (identity.version < oldest_readable_schema_version)
    throw InputError(connection.file().string() + ": store schema version " + std::to_string(identity.version) +
                     " is too old to read as it is; a command that writes to the store (nnlab run --store, resume, rm) "
                     "migrates it");
}

void prepare_schema(const sqlite::Connection& connection, bool create_if_empty) {
  Identity identity = identify(connection);
  check_supported(connection, identity);
  if (!create_if_empty) check_not_empty(connection, identity);
  if (identity.kind == Kind::run_store && identity.version == current_schema_version) return;

  sqlite::Transaction transaction(connection);
  identity = identify(connection);  // another process may have created or migrated it meanwhile
  check_supported(connection, identity);
  if (!create_if_empty) check_not_empty(connection, identity);
  // A new store is a version-1 store migrated to the current version, so that both paths
  // build the same tables.
  int version = identity.version;
  if (identity.kind == Kind::empty) {
    connection.execute(create_meta_v1);
    connection.execute(create_tables_v1);
    version = 1;
  }
  for (; version < current_schema_version; ++version) {
    try {
      migrations[static_cast<std::size_t>(version)](connection);
    } catch (const std::logic_error& error) {
      // Our SQL is right for a well-formed store, so a failure here means data the old version let in.
      std::string reason = error.what();
      if (const std::string prefix = connection.file().string() + ": "; reason.starts_with(prefix))
        reason.erase(0, prefix.size());
      throw InputError(connection.file().string() + ": cannot migrate the store from schema version " +
                       std::to_string(version) + " to " + std::to_string(version + 1) + " (" + reason + ")");
    }
  }
  write_meta(connection);
  transaction.commit();
}

}  // namespace nnlab
