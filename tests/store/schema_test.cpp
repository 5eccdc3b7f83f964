// The store's file handling: files that are not stores, damaged stores, schema versions and
// the migration from a version-0 store built here with raw SQL.
#include "store/schema.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "store/store.hpp"
#include "store_test_support.hpp"
#include "support/raw_blob.hpp"

namespace nnlab {
namespace {

using testing::expect_input_error;
using testing::RawDatabase;
using testing::ScratchDirectory;

void write_random_bytes(const std::filesystem::path& file, std::size_t count, std::size_t keep_prefix = 0) {
  std::string bytes;
  if (keep_prefix > 0) {
    std::ifstream in(file, std::ios::binary);
    bytes.assign(keep_prefix, '\0');
    in.read(bytes.data(), static_cast<std::streamsize>(keep_prefix));
  }
  std::mt19937 generator(12345);
  while (bytes.size() < count) bytes.push_back(static_cast<char>(generator() & 0xff));
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

TEST(StoreSchema, RandomBytesAreNotADatabase) {
  const ScratchDirectory scratch;
  const auto file = scratch / "noise.db";
  write_random_bytes(file, 8192);
  expect_input_error([&] { RunStore store(file); }, {file.string(), "not an SQLite database"});
}

TEST(StoreSchema, AStoreWithDamagedPagesIsReportedAsCorrupted) {
  const ScratchDirectory scratch;
  const auto file = scratch / "damaged.db";
  {
    RunStore store(file);
    for (int i = 0; i < 20; ++i) {
      const RunId run = store.begin_run({.name = "run" + std::to_string(i), .nnlab_version = "0.1.0"});
      const std::vector<float> values(200, 1.0f);
      for (Epoch epoch = 0; epoch < 20; ++epoch) store.append_metric(run, epoch, "loss", values);
    }
  }  // closing the last connection checkpoints the WAL into the file and removes it
  ASSERT_FALSE(std::filesystem::exists(scratch / "damaged.db-wal"));
  const auto size = std::filesystem::file_size(file);
  ASSERT_GT(size, 16384u);
  // Keep the header page (the schema) intact and overwrite every other page with noise.
  write_random_bytes(file, size, /*keep_prefix=*/4096);
  expect_input_error(
      [&] {
        const RunStore store(file);
        for (const RunInfo& run : store.list_runs()) (void)store.read_series(run.id, 0, "loss");
      },
      {file.string(), "corrupt"});
}

TEST(StoreSchema, AForeignDatabaseIsRefusedAndLeftUntouched) {
  const ScratchDirectory scratch;
  const auto file = scratch / "shop.db";
  {
    RawDatabase raw(file);
    raw.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); CREATE TABLE orders (id INTEGER);");
    raw.execute("INSERT INTO customers (name) VALUES ('Ada')");
  }
  expect_input_error([&] { RunStore store(file); },
                     {file.string(), "not an nnlab run store", "customers, orders", "no nnlab meta table"});
  RawDatabase raw(file);
  EXPECT_EQ(raw.text("PRAGMA journal_mode"), "delete");  // not switched to WAL
  EXPECT_EQ(raw.text("SELECT group_concat(name) FROM (SELECT name FROM sqlite_schema ORDER BY name)"),
            "customers,orders");
  EXPECT_EQ(raw.text("SELECT name FROM customers"), "Ada");
}

TEST(StoreSchema, AForeignMetaTableOrApplicationIdIsRefused) {
  const ScratchDirectory scratch;
  const auto other_meta = scratch / "other_meta.db";
  {
    RawDatabase raw(other_meta);
    raw.execute("CREATE TABLE meta (key TEXT, value TEXT); INSERT INTO meta VALUES ('schema_version', '3');");
  }
  expect_input_error([&] { RunStore store(other_meta); }, {other_meta.string(), "not an nnlab run store"});

  const auto meta_without_version = scratch / "meta_without_version.db";
  {
    RawDatabase raw(meta_without_version);
    raw.execute("CREATE TABLE meta (name TEXT)");
  }
  expect_input_error([&] { RunStore store(meta_without_version); }, {"not an nnlab run store", "no schema_version"});

  const auto other_application = scratch / "other_application.db";
  {
    RawDatabase raw(other_application);
    raw.execute("PRAGMA application_id = 1234");
  }
  expect_input_error([&] { RunStore store(other_application); }, {"not an nnlab run store", "0x000004d2"});
}

TEST(StoreSchema, AnEmptyFileBecomesAStore) {
  const ScratchDirectory scratch;
  const auto file = scratch / "empty.db";
  std::ofstream(file).close();
  RunStore store(file);
  EXPECT_TRUE(store.list_runs().empty());
  EXPECT_EQ(RawDatabase(file).text("SELECT value FROM meta WHERE key = 'schema_version'"), "3");
}

TEST(StoreSchema, ANewerSchemaIsRefused) {
  const ScratchDirectory scratch;
  const auto file = scratch / "future.db";
  { RunStore store(file); }
  RawDatabase(file).execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'");
  expect_input_error([&] { RunStore store(file); }, {file.string(), "schema version 4 is newer", "(3)"});
  RawDatabase(file).execute("UPDATE meta SET value = 'two' WHERE key = 'schema_version'");
  expect_input_error([&] { RunStore store(file); }, {file.string(), "meta.schema_version is 'two'"});
}

// A store as the prototype (schema version 0) wrote it: no application id, one population per
// run, one row per metric point.
void write_v0_store(const std::filesystem::path& file) {
  RawDatabase raw(file);
  raw.execute(R"sql(
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO meta VALUES ('schema_version', '0');
CREATE TABLE runs (id INTEGER PRIMARY KEY, name TEXT NOT NULL, status TEXT NOT NULL, started_at TEXT NOT NULL,
                   finished_at TEXT, nnlab_version TEXT NOT NULL, config_path TEXT NOT NULL,
                   resolved_config TEXT NOT NULL, summary_json TEXT);
CREATE TABLE members (run_id INTEGER NOT NULL, member INTEGER NOT NULL, seed INTEGER NOT NULL,
                      hyperparameters TEXT NOT NULL, result TEXT, PRIMARY KEY (run_id, member));
CREATE TABLE metrics (run_id INTEGER NOT NULL, member INTEGER NOT NULL, metric TEXT NOT NULL,
                      epoch INTEGER NOT NULL, value REAL NOT NULL);
INSERT INTO runs VALUES (3, 'xor', 'finished', '2024-01-02T03:04:05.000Z', '2024-01-02T03:05:00.000Z', '0.0.9',
                         'xor.yaml', 'name: xor', '{"success_rate": 1}');
INSERT INTO runs VALUES (7, 'mirror', 'running', '2024-02-01T00:00:00.000Z', NULL, '0.0.9', 'mirror.yaml',
                         'name: mirror', NULL);
INSERT INTO members VALUES (3, 0, 11, '{"optimizer.lr": 0.5}', '{"train_accuracy": 1}');
INSERT INTO members VALUES (3, 1, 12, '{"optimizer.lr": 1.0}', NULL);
INSERT INTO members VALUES (7, 0, -1, '{}', NULL);
-- run 3 member 0: epochs 0..3 in order; member 1: written out of order, epoch 2 twice (0.75 is newer)
INSERT INTO metrics VALUES (3, 0, 'loss', 0, 1.0), (3, 0, 'loss', 1, 0.5), (3, 0, 'loss', 2, 0.25),
                           (3, 0, 'loss', 3, 0.125);
INSERT INTO metrics VALUES (3, 1, 'loss', 4, 4.0), (3, 1, 'loss', 2, 2.0), (3, 1, 'loss', 0, 0.1),
                           (3, 1, 'loss', 2, 0.75);
INSERT INTO metrics VALUES (3, 0, 'accuracy', 3, 1.0);
INSERT INTO metrics VALUES (7, 0, 'loss', 0, 9.5);
-- a point of a run that no longer exists is dropped
INSERT INTO metrics VALUES (99, 0, 'loss', 0, 1.0);
)sql");
}

TEST(StoreSchema, AVersion0StoreIsMigrated) {
  const ScratchDirectory scratch;
  const auto file = scratch / "v0.db";
  write_v0_store(file);
  {
    RunStore store(file, RunStore::OpenMode::existing);
    const std::vector<RunInfo> runs = store.list_runs();
    ASSERT_EQ(runs.size(), 2u);
    EXPECT_EQ(runs[0].id, 3);
    EXPECT_EQ(runs[0].name, "xor");
    EXPECT_EQ(runs[0].status, RunStatus::finished);
    EXPECT_EQ(runs[0].started_at, "2024-01-02T03:04:05.000Z");
    EXPECT_EQ(runs[0].finished_at, "2024-01-02T03:05:00.000Z");
    EXPECT_EQ(runs[0].nnlab_version, "0.0.9");
    EXPECT_EQ(runs[0].config_path, "xor.yaml");
    EXPECT_EQ(runs[0].config_git_commit, "");
    EXPECT_EQ(runs[0].resolved_config, "name: xor");
    EXPECT_EQ(runs[0].summary_json, R"({"success_rate": 1})");
    EXPECT_EQ(runs[0].member_count, 2);
    EXPECT_EQ(runs[1].id, 7);
    EXPECT_EQ(runs[1].status, RunStatus::running);
    EXPECT_EQ(runs[1].summary_json, "");

    const RunRecord xor_run = store.get_run(3);
    EXPECT_EQ(xor_run.populations, (std::vector<PopulationInfo>{{0, ""}}));
    ASSERT_EQ(xor_run.members.size(), 2u);
    EXPECT_EQ(xor_run.members[0], (MemberInfo{.member = 0,
                                              .population = 0,
                                              .seed = 11,
                                              .hyperparameters_json = R"({"optimizer.lr": 0.5})",
                                              .result_json = R"({"train_accuracy": 1})",
                                              .status = RunStatus::finished}));
    EXPECT_EQ(xor_run.members[1].seed, 12u);
    EXPECT_EQ(xor_run.members[1].status, RunStatus::finished);  // the run's status
    EXPECT_EQ(store.get_run(7).members[0].seed, std::uint64_t{0xffffffffffffffff});  // -1's bits
    EXPECT_EQ(store.get_run(7).members[0].status, RunStatus::running);

    EXPECT_EQ(store.read_series(3, 0, "loss"), (MetricSeries{{0, 1, 2, 3}, {1.0f, 0.5f, 0.25f, 0.125f}}));
    EXPECT_EQ(store.read_series(3, 1, "loss"), (MetricSeries{{0, 2, 4}, {0.1f, 0.75f, 4.0f}}));
    EXPECT_EQ(store.read_series(3, 0, "accuracy"), (MetricSeries{{3}, {1.0f}}));
    EXPECT_EQ(store.read_series(7, 0, "loss"), (MetricSeries{{0}, {9.5f}}));

    // The migrated store takes new runs, numbered after the old ones.
    const RunId next = store.begin_run({.name = "after", .nnlab_version = "0.1.0"});
    EXPECT_GT(next, 7);
    store.put_artefact(next, {.kind = "weights", .name = "final"}, {});
  }
  RawDatabase raw(file);
  EXPECT_EQ(raw.text("SELECT value FROM meta WHERE key = 'schema_version'"), "3");
  EXPECT_EQ(raw.text("PRAGMA application_id"), std::to_string(store_application_id));
  EXPECT_EQ(raw.text("SELECT count(*) FROM sqlite_schema WHERE name IN ('metrics', 'runs_v0', 'members_v0')"), "0");
  EXPECT_EQ(raw.text("SELECT count(*) FROM series"), "4");  // one chunk per (run, member, metric)
  EXPECT_EQ(raw.text("SELECT count(*) FROM series WHERE epochs_i64 IS NOT NULL"), "1");  // member 1's gaps
  EXPECT_EQ(raw.text("PRAGMA integrity_check"), "ok");
  EXPECT_EQ(raw.text("PRAGMA foreign_key_check"), "");
}

TEST(StoreSchema, AFailedMigrationLeavesTheVersion0StoreAsItWas) {
  const ScratchDirectory scratch;
  const auto file = scratch / "v0_bad.db";
  write_v0_store(file);
  // A status the new schema's CHECK constraint refuses makes the migration fail half-way: the
  // store is left as it was, in one piece.
  RawDatabase(file).execute("UPDATE runs SET status = 'exploded' WHERE id = 7");
  expect_input_error([&] { RunStore store(file); },
                     {file.string(), "cannot migrate the store from schema version 0 to 1", "CHECK constraint failed"});
  RawDatabase raw(file);
  EXPECT_EQ(raw.text("SELECT value FROM meta WHERE key = 'schema_version'"), "0");
  EXPECT_EQ(raw.text("SELECT count(*) FROM metrics"), "11");
  EXPECT_EQ(raw.text("SELECT count(*) FROM sqlite_schema WHERE name IN ('series', 'runs_v0')"), "0");
}

// Version 1 wrote every non-contiguous chunk with its full epoch list; version 2 reads those
// rows unchanged and adds strided chunks.
TEST(StoreSchema, AVersion1StoreMigratesAndKeepsItsSeries) {
  const ScratchDirectory scratch;
  const auto file = scratch / "v1.db";
  RunId run = 0;
  {
    RunStore store(file);
    run = store.begin_run({.name = "old", .nnlab_version = "0.1.0"});
    const std::vector<MemberStart> members{{.member = 0}};
    store.add_members(run, members);
  }
  {
    RawDatabase raw(file);
    // The version-1 tables: those of version 3 without artefacts.checksum.
    raw.execute("ALTER TABLE artefacts DROP COLUMN checksum; UPDATE meta SET value = '1' WHERE key = 'schema_version'");
    // Epochs 0, 15, 30 as version 1 kept them: three int64 (x'00..', x'0f..', x'1e..'), values 1, 2, 3.
    raw.execute("INSERT INTO series (run_id, member, metric, first_epoch, count, epochs_i64, values_f32) VALUES (" +
                std::to_string(run) +
                ", 0, 'loss', 0, 3, x'00000000000000000f000000000000001e00000000000000', x'0000803f0000004000004040')");
  }
  RunStore store(file);
  EXPECT_EQ(RawDatabase(file).text("SELECT value FROM meta WHERE key = 'schema_version'"), "3");
  EXPECT_EQ(store.read_series(run, 0, "loss"), (MetricSeries{{0, 15, 30}, {1.0f, 2.0f, 3.0f}}));
  // New chunks with the same epochs take one int64 for them.
  const std::vector<Epoch> epochs{45, 60, 75};
  const std::vector<float> values{4.0f, 5.0f, 6.0f};
  store.append_series(run, 0, "loss", epochs, values);
  store.flush();
  EXPECT_EQ(RawDatabase(file).text("SELECT length(epochs_i64) FROM series WHERE first_epoch = 45"), "8");
  EXPECT_EQ(store.read_series(run, 0, "loss"), (MetricSeries{{0, 15, 30, 45, 60, 75}, {1, 2, 3, 4, 5, 6}}));
}

// Version 2 kept artefacts without checksums; the migration to 3 computes one for every blob
// (none for a file kept outside the store), so a bit flipped afterwards is caught on read.
TEST(StoreSchema, AVersion2StoreGetsChecksumsForItsArtefacts) {
  const ScratchDirectory scratch;
  const auto file = scratch / "v2.db";
  RunId run = 0;
  const ArtefactLabel weights{.kind = "weights", .name = "population-0", .epoch = 40};
  const ArtefactLabel snapshot{.member = 2, .kind = "snapshot", .name = "epoch-1", .epoch = 1};
  const ArtefactLabel outside{.kind = "weights", .name = "big"};
  {
    RunStore store(file);
    run = store.begin_run({.name = "old", .nnlab_version = "0.1.0"});
    store.put_artefact(run, weights, text_bytes("weights as version 2 kept them"));
    store.put_artefact(run, snapshot, {});
    store.put_artefact_file(run, outside, "big.safetensors");
  }
  {
    // The version-2 artefacts table, exactly: no checksum column.
    RawDatabase raw(file);
    raw.execute("ALTER TABLE artefacts DROP COLUMN checksum; UPDATE meta SET value = '2' WHERE key = 'schema_version'");
  }
  {
    // Read as it is (an archive): nothing migrated, the artefacts come unchecked.
    const RunStore archive(file, RunStore::OpenMode::read_only);
    EXPECT_EQ(bytes_text(archive.get_artefact(run, weights)->content), "weights as version 2 kept them");
    EXPECT_EQ(archive.get_run(run).info.name, "old");
  }
  EXPECT_EQ(RawDatabase(file).text("SELECT value FROM meta WHERE key = 'schema_version'"), "2");
  {
    RunStore store(file);
    EXPECT_EQ(bytes_text(store.get_artefact(run, weights)->content), "weights as version 2 kept them");
    EXPECT_TRUE(store.get_artefact(run, snapshot)->content.empty());
    EXPECT_EQ(store.get_artefact(run, outside)->info.path, "big.safetensors");
  }
  RawDatabase raw(file);
  EXPECT_EQ(raw.text("SELECT value FROM meta WHERE key = 'schema_version'"), "3");
  EXPECT_EQ(raw.text("SELECT count(*) FROM artefacts WHERE checksum IS NULL"), "1");  // the file
  EXPECT_EQ(raw.text("SELECT checksum IS NULL FROM artefacts WHERE name = 'big'"), "1");
  // XXH3-64 of no bytes, as published with xxHash: 0x2d06800538d394c2.
  EXPECT_EQ(raw.text("SELECT printf('%016x', checksum) FROM artefacts WHERE kind = 'snapshot'"), "2d06800538d394c2");
  EXPECT_EQ(raw.text("PRAGMA integrity_check"), "ok");
  testing::flip_blob_bit(file, "artefacts", "content", "name = 'population-0'", 0);
  const RunStore store(file);
  expect_input_error([&] { (void)store.get_artefact(run, weights); },
                     {file.string(), "run " + std::to_string(run), "weights 'population-0' of the run", "damaged"});
}

}  // namespace
}  // namespace nnlab
