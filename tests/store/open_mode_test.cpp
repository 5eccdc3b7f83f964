// The store's opening modes on files that are not what they seem: damaged text, a foreign
// meta.application, a 0-byte file, and the read-only mode, which never writes (item 5, 6).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "store/store.hpp"
#include "store_test_support.hpp"

namespace nnlab {
namespace {

namespace fs = std::filesystem;
using testing::expect_input_error;
using testing::RawDatabase;
using testing::ScratchDirectory;

// A store with one finished run of two members, closed (its WAL checkpointed and removed).
RunId write_store(const fs::path& file) {
  RunStore store(file);
  const RunId run = store.begin_run({.name = "mirror", .config_path = "mirror.yaml", .resolved_config = "name: mirror", .nnlab_version = "0.1.0",
                                     .config_git_commit = ""});
  store.add_population(run, {.population = 0, .description = "6-2-1"});
  const std::vector<MemberStart> members{{.member = 0, .population = 0, .seed = 1, .hyperparameters_json = "{}"},
                                         {.member = 1, .population = 0, .seed = 2, .hyperparameters_json = "{}"}};
  store.add_members(run, members);
  const std::vector<float> loss{0.5f, 0.25f};
  store.append_metric(run, 0, "loss", loss);
  store.finish_run(run, RunStatus::finished, R"({"aggregate": {}})");
  return run;
}

std::string bytes_of(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(StoreOpenMode, InvalidUtf8InATextColumnNamesTheRunAndColumn) {
  const ScratchDirectory scratch;
  const auto file = scratch / "runs.db";
  const RunId run = write_store(file);
  RawDatabase(file).execute("UPDATE runs SET config_path = CAST(X'6d69ff72' AS TEXT)");
  RawDatabase(file).execute("UPDATE members SET hyperparameters = CAST(X'7b22ff227d' AS TEXT) WHERE member = 1");
  const RunStore store(file, RunStore::OpenMode::read_only);
  expect_input_error([&] { (void)store.list_runs(); }, {file.string(), "run 1", "runs.config_path", "UTF-8", "byte 2"});
  RawDatabase(file).execute("UPDATE runs SET config_path = 'mirror.yaml'");
  expect_input_error([&] { (void)store.get_run(run); }, {file.string(), "run 1 member 1", "members.hyperparameters", "UTF-8"});
}

TEST(StoreOpenMode, AStoreWhoseMetaNamesAnotherApplicationIsRefused) {
  const ScratchDirectory scratch;
  const auto file = scratch / "runs.db";
  write_store(file);
  RawDatabase(file).execute("UPDATE meta SET value = 'otherlab' WHERE key = 'application'");
  for (const auto mode : {RunStore::OpenMode::create_if_missing, RunStore::OpenMode::existing, RunStore::OpenMode::read_only})
    expect_input_error([&] { RunStore store(file, mode); }, {file.string(), "not an nnlab run store", "meta.application", "otherlab"});
  RawDatabase(file).execute("DELETE FROM meta WHERE key = 'application'");
  expect_input_error([&] { RunStore store(file, RunStore::OpenMode::read_only); }, {file.string(), "names no application"});
}

TEST(StoreOpenMode, OnlyCreatingWritesASchemaIntoAnEmptyFile) {
  const ScratchDirectory scratch;
  const auto file = scratch / "empty.db";
  std::ofstream{file};
  for (const auto mode : {RunStore::OpenMode::existing, RunStore::OpenMode::read_only}) {
    expect_input_error([&] { RunStore store(file, mode); }, {file.string(), "empty, not an nnlab run store"});
    EXPECT_EQ(fs::file_size(file), 0u);
    EXPECT_FALSE(fs::exists(scratch / "empty.db-wal"));
  }
  RunStore created(file);
  EXPECT_TRUE(created.list_runs().empty());
}

TEST(StoreOpenMode, ReadOnlyModeDoesNotMigrateAnOlderStore) {
  const ScratchDirectory scratch;
  const auto file = scratch / "runs.db";
  write_store(file);
  // Back to what an nnlab of schema 2 wrote: no artefact checksums.
  RawDatabase(file).execute("ALTER TABLE artefacts DROP COLUMN checksum; UPDATE meta SET value = '2' WHERE key = 'schema_version'");
  const std::string before = bytes_of(file);
  // Version 2 reads as it is (an archive stays readable): nothing migrated, nothing written.
  EXPECT_EQ(RunStore(file, RunStore::OpenMode::read_only).list_runs().size(), 1u);
  EXPECT_EQ(bytes_of(file), before);
  EXPECT_EQ(RawDatabase(file).text("SELECT value FROM meta WHERE key = 'schema_version'"), "2");
  // Older than oldest_readable_schema_version: refused, still untouched, until a writer migrates it.
  RawDatabase(file).execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'");
  const std::string version_1 = bytes_of(file);
  expect_input_error([&] { RunStore store(file, RunStore::OpenMode::read_only); }, {file.string(), "schema version 1", "migrates it"});
  EXPECT_EQ(bytes_of(file), version_1);
  { RunStore store(file, RunStore::OpenMode::existing); }  // a writer migrates it
  EXPECT_EQ(RawDatabase(file).text("SELECT value FROM meta WHERE key = 'schema_version'"), "3");
  EXPECT_EQ(RunStore(file, RunStore::OpenMode::read_only).list_runs().size(), 1u);
}

TEST(StoreOpenMode, ReadOnlyModeReadsAndRefusesEveryWrite) {
  const ScratchDirectory scratch;
  const auto file = scratch / "runs.db";
  const RunId run = write_store(file);
  RunStore store(file, RunStore::OpenMode::read_only);
  EXPECT_EQ(store.list_runs().size(), 1u);
  EXPECT_EQ(store.read_series(run, 1, "loss").values, std::vector<float>{0.25f});
  const std::string before = bytes_of(file);
  expect_input_error([&] { (void)store.begin_run({.name = "more", .nnlab_version = "0.1.0", .config_git_commit = ""}); },
                     {file.string(), "read-only"});
  expect_input_error([&] { store.delete_run(run); }, {file.string(), "read-only"});
  const std::vector<float> loss{1.0f, 1.0f};
  store.append_metric(run, 1, "loss", loss);
  expect_input_error([&] { store.flush(); }, {file.string(), "read-only"});
  EXPECT_EQ(bytes_of(file), before);
  EXPECT_EQ(RawDatabase(file).text("SELECT count(*) FROM runs"), "1");
}

// A directory nobody may write to (an archive): even root's reader leaves it as it is, opening
// the file immutable, without the -wal and -shm files WAL mode otherwise needs.
TEST(StoreOpenMode, ReadOnlyModeInAReadOnlyDirectoryCreatesNoFile) {
  const ScratchDirectory scratch;
  const auto directory = scratch / "archive";
  fs::create_directory(directory);
  const auto file = directory / "runs.db";
  const RunId run = write_store(file);
  ASSERT_EQ(::chmod(file.c_str(), 0444), 0);
  ASSERT_EQ(::chmod(directory.c_str(), 0555), 0);
  const std::string before = bytes_of(file);
  const auto modified = fs::last_write_time(file);
  {
    const RunStore store(file, RunStore::OpenMode::read_only);
    EXPECT_EQ(store.get_run(run).members.size(), 2u);
    EXPECT_EQ(store.list_metrics(run), std::vector<std::string>{"loss"});
    EXPECT_FALSE(fs::exists(directory / "runs.db-wal"));
    EXPECT_FALSE(fs::exists(directory / "runs.db-shm"));
  }
  EXPECT_EQ(std::vector<fs::path>(fs::directory_iterator(directory), fs::directory_iterator()), std::vector<fs::path>{file});
  EXPECT_EQ(bytes_of(file), before);
  EXPECT_EQ(fs::last_write_time(file), modified);
  ::chmod(directory.c_str(), 0755);
}

}  // namespace
}  // namespace nnlab
