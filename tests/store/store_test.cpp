// Round trips through the run store: runs, populations, members, series, artefacts, lookups.
#include "store/store.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <regex>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "store_test_support.hpp"

namespace nnlab {
namespace {

using testing::expect_input_error;
using testing::RawDatabase;
using testing::ScratchDirectory;

RunStart example_start(const std::string& name) {
  return RunStart{.name = name,
                  .config_path = "experiments/" + name + ".yaml",
                  .resolved_config = "name: " + name + "\noptimizer: {type: sgd, lr: 0.1}\n",
                  .nnlab_version = "0.1.0",
                  .config_git_commit = ""};
}

std::vector<std::byte> bytes_of(std::string_view text) {
  std::vector<std::byte> bytes;
  for (const char c : text) bytes.push_back(static_cast<std::byte>(c));
  return bytes;
}

TEST(RunStore, RecordsARunAndReadsItBackAfterReopening) {
  const ScratchDirectory scratch;
  const auto file = scratch / "runs.db";
  RunId run = 0;
  {
    RunStore store(file);
    run = store.begin_run(RunStart{.name = "mirror",
                                   .config_path = "mirror.yaml",
                                   .resolved_config = "name: mirror\nseed: 1\n",
                                   .nnlab_version = "0.1.0",
                                   .config_git_commit = "0123456789abcdef0123456789abcdef01234567"});
    store.add_population(run, {.population = 0, .description = "6-2-1 sigmoid, sgd"});
    store.add_population(run, {.population = 1, .description = "6-2-1 tanh, sgd"});
    const std::vector<MemberStart> members{
        {.member = 0, .population = 0, .seed = 1, .hyperparameters_json = R"({"optimizer.lr": 0.1})"},
        {.member = 1, .population = 1, .seed = std::numeric_limits<std::uint64_t>::max(),
         .hyperparameters_json = R"({"optimizer.lr": 0.5})"},
    };
    store.add_members(run, members);
    store.set_member_result(run, 0, R"({"train_accuracy": 1.0})");
    store.finish_run(run, RunStatus::finished, R"({"success_rate": 0.5})");
  }
  const RunStore store(file, RunStore::OpenMode::existing);
  const std::vector<RunInfo> runs = store.list_runs();
  ASSERT_EQ(runs.size(), 1u);
  const RunRecord record = store.get_run(run);
  const RunInfo& info = record.info;
  EXPECT_EQ(info.id, run);
  EXPECT_EQ(runs[0].id, run);
  EXPECT_EQ(info.name, "mirror");
  EXPECT_EQ(info.status, RunStatus::finished);
  EXPECT_EQ(info.nnlab_version, "0.1.0");
  EXPECT_EQ(info.config_path, "mirror.yaml");
  EXPECT_EQ(info.config_git_commit, "0123456789abcdef0123456789abcdef01234567");
  EXPECT_EQ(info.resolved_config, "name: mirror\nseed: 1\n");
  EXPECT_EQ(info.summary_json, R"({"success_rate": 0.5})");
  EXPECT_EQ(info.pid, ::getpid());
  EXPECT_FALSE(info.host.empty());
  EXPECT_EQ(info.member_count, 2);
  const std::regex iso_time(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)");
  EXPECT_TRUE(std::regex_match(info.started_at, iso_time)) << info.started_at;
  EXPECT_TRUE(std::regex_match(info.finished_at, iso_time)) << info.finished_at;
  EXPECT_LE(info.started_at, info.finished_at);

  EXPECT_EQ(record.populations, (std::vector<PopulationInfo>{{0, "6-2-1 sigmoid, sgd"}, {1, "6-2-1 tanh, sgd"}}));
  ASSERT_EQ(record.members.size(), 2u);
  EXPECT_EQ(record.members[0], (MemberInfo{.member = 0,
                                           .population = 0,
                                           .seed = 1,
                                           .hyperparameters_json = R"({"optimizer.lr": 0.1})",
                                           .result_json = R"({"train_accuracy": 1.0})",
                                           .status = RunStatus::finished}));
  // Member 1 never reported a result: it takes the run's final status; its uint64 seed survives.
  EXPECT_EQ(record.members[1], (MemberInfo{.member = 1,
                                           .population = 1,
                                           .seed = std::numeric_limits<std::uint64_t>::max(),
                                           .hyperparameters_json = R"({"optimizer.lr": 0.5})",
                                           .result_json = "",
                                           .status = RunStatus::finished}));
}

TEST(RunStore, TheFileIsInWalModeAndTheSeedIsQueryableAsSql) {
  const ScratchDirectory scratch;
  const auto file = scratch / "runs.db";
  {
    RunStore store(file);
    const RunId run = store.begin_run(example_start("a"));
    const std::vector<MemberStart> members{{.member = 0, .seed = 42, .hyperparameters_json = R"({"lr": 0.25})"}};
    store.add_members(run, members);
  }
  RawDatabase raw(file);
  EXPECT_EQ(raw.text("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(raw.text("SELECT value FROM meta WHERE key = 'schema_version'"), "3");
  EXPECT_EQ(raw.text("PRAGMA application_id"), std::to_string(0x6e6e6c62));
  EXPECT_EQ(raw.text("SELECT seed FROM members"), "42");
  EXPECT_EQ(raw.text("SELECT json_extract(hyperparameters, '$.lr') FROM members"), "0.25");
}

TEST(RunStore, SeriesRoundTripThroughSeveralFlushes) {
  const ScratchDirectory scratch;
  const auto file = scratch / "runs.db";
  RunStore store(file);
  const RunId run = store.begin_run(example_start("curves"));
  // Two members, two metrics, epochs 0..9 flushed after epochs 3 and 9 (two chunks each).
  for (Epoch epoch = 0; epoch < 10; ++epoch) {
    const std::vector<MetricValue> values{
        {.member = 0, .metric = "train_loss", .value = 1.0 / static_cast<double>(epoch + 1)},
        {.member = 1, .metric = "train_loss", .value = 2.0 + static_cast<double>(epoch)},
        {.member = 1, .metric = "accuracy", .value = 0.1 * static_cast<double>(epoch)},
    };
    store.append_metrics(run, epoch, values);
    if (epoch == 3) {
      EXPECT_EQ(store.buffered_points(), 12u);
      store.flush();
      EXPECT_EQ(store.buffered_points(), 0u);
    }
  }
  // Not flushed yet: the reader sees the first chunk only.
  EXPECT_EQ(store.read_series(run, 0, "train_loss").epochs, (std::vector<Epoch>{0, 1, 2, 3}));
  store.flush();

  MetricSeries expected_loss0;
  MetricSeries expected_accuracy1;
  for (Epoch epoch = 0; epoch < 10; ++epoch) {
    expected_loss0.epochs.push_back(epoch);
    expected_loss0.values.push_back(static_cast<float>(1.0 / static_cast<double>(epoch + 1)));
    expected_accuracy1.epochs.push_back(epoch);
    expected_accuracy1.values.push_back(static_cast<float>(0.1 * static_cast<double>(epoch)));
  }
  EXPECT_EQ(store.read_series(run, 0, "train_loss"), expected_loss0);
  EXPECT_EQ(store.read_series(run, 1, "accuracy"), expected_accuracy1);
  EXPECT_EQ(store.read_series(run, 1, "train_loss").values.back(), 11.0f);
  EXPECT_EQ(store.read_series(run, 0, "accuracy"), MetricSeries{});  // never written for member 0
  EXPECT_EQ(store.list_metrics(run), (std::vector<std::string>{"accuracy", "train_loss"}));

  RawDatabase raw(file);
  EXPECT_EQ(raw.text("SELECT count(*) FROM series"), "6");  // 3 (member, metric) pairs x 2 flushes
  EXPECT_EQ(raw.text("SELECT count(*) FROM series WHERE epochs_i64 IS NOT NULL"), "0");
}

TEST(RunStore, SeriesKeepNonFiniteValuesGapsAndTheNewestValueOfARewrittenEpoch) {
  const ScratchDirectory scratch;
  RunStore store(scratch / "runs.db");
  const RunId run = store.begin_run(example_start("diverging"));
  const float inf = std::numeric_limits<float>::infinity();
  // A population's loss, members 0..2 in one call; evaluated every 5 epochs.
  for (const Epoch epoch : {0, 5, 10}) {
    const std::vector<float> losses{static_cast<float>(epoch), inf, std::nanf("")};
    store.append_metric(run, epoch, "test_loss", losses);
  }
  store.flush();
  // A run resumed from epoch 5 writes epochs 5 and 10 again with new values.
  for (const Epoch epoch : {5, 10}) {
    const std::vector<float> losses{100.0f + static_cast<float>(epoch)};
    store.append_metric(run, epoch, "test_loss", losses);
  }
  store.flush();

  EXPECT_EQ(store.read_series(run, 0, "test_loss"), (MetricSeries{{0, 5, 10}, {0.0f, 105.0f, 110.0f}}));
  EXPECT_EQ(store.read_series(run, 1, "test_loss"), (MetricSeries{{0, 5, 10}, {inf, inf, inf}}));
  const MetricSeries nans = store.read_series(run, 2, "test_loss");
  ASSERT_EQ(nans.values.size(), 3u);
  for (const float value : nans.values) EXPECT_TRUE(std::isnan(value));
}

TEST(RunStore, DestructorFlushesWhatIsStillBuffered) {
  const ScratchDirectory scratch;
  const auto file = scratch / "runs.db";
  RunId run = 0;
  {
    RunStore store(file);
    run = store.begin_run(example_start("unflushed"));
    const std::vector<float> values{0.5f};
    store.append_metric(run, 0, "loss", values);
  }
  const RunStore store(file);
  EXPECT_EQ(store.read_series(run, 0, "loss"), (MetricSeries{{0}, {0.5f}}));
}

TEST(RunStore, FinishRunFlushesAndRecordsFailure) {
  const ScratchDirectory scratch;
  RunStore store(scratch / "runs.db");
  const RunId run = store.begin_run(example_start("failing"));
  const std::vector<MemberStart> members{{.member = 0}, {.member = 1}};
  store.add_members(run, members);
  const std::vector<float> values{1.0f, 2.0f};
  store.append_metric(run, 7, "loss", values);
  const std::vector<MemberOutcome> results{{.member = 1, .result_json = R"({"diverged": true})"}};
  store.set_member_results(run, results);
  store.finish_run(run, RunStatus::failed, "");

  EXPECT_EQ(store.buffered_points(), 0u);
  EXPECT_EQ(store.read_series(run, 1, "loss"), (MetricSeries{{7}, {2.0f}}));
  const RunRecord record = store.get_run(run);
  EXPECT_EQ(record.info.status, RunStatus::failed);
  EXPECT_EQ(record.info.summary_json, "");
  EXPECT_EQ(record.members[0].status, RunStatus::failed);
  EXPECT_EQ(record.members[1].status, RunStatus::finished);
  EXPECT_EQ(record.members[1].result_json, R"({"diverged": true})");
}

TEST(RunStore, ReopenRunRevivesOnlyKilledOrFailedRuns) {
  const ScratchDirectory scratch;
  RunStore store(scratch / "runs.db");
  const RunId run = store.begin_run(example_start("interrupted"));
  const std::vector<MemberStart> members{{.member = 0}, {.member = 1}};
  store.add_members(run, members);
  store.set_member_result(run, 1, R"({"done": true})");
  expect_input_error([&] { store.reopen_run(run); }, {"runs.db", "still running"});
  store.finish_run(run, RunStatus::killed, "");
  store.reopen_run(run);
  RunRecord record = store.get_run(run);
  EXPECT_EQ(record.info.status, RunStatus::running);
  EXPECT_EQ(record.info.finished_at, "");
  EXPECT_EQ(record.info.pid, static_cast<std::int64_t>(::getpid()));
  EXPECT_EQ(record.members[0].status, RunStatus::running);
  EXPECT_EQ(record.members[1].status, RunStatus::finished);  // a finished member stays finished
  store.finish_run(run, RunStatus::finished, "");
  expect_input_error([&] { store.reopen_run(run); }, {"finished", "only a killed or failed run"});
  expect_input_error([&] { store.reopen_run(run + 100); }, {"no run with id"});
}

TEST(RunStore, ArtefactsInTheStoreOrAsFilesAndReplacedByLabel) {
  const ScratchDirectory scratch;
  RunStore store(scratch / "runs.db");
  const RunId run = store.begin_run(example_start("artefacts"));
  const ArtefactLabel final_weights{.kind = "weights", .name = "final"};
  const ArtefactLabel snapshot{.member = 3, .kind = "snapshot", .name = "layers.0.weight", .epoch = 10};
  const ArtefactLabel checkpoint{.kind = "checkpoint", .name = "latest", .epoch = 20};

  store.put_artefact(run, final_weights, bytes_of("first"));
  const ArtefactId replaced = store.put_artefact(run, final_weights, bytes_of("second version"));
  store.put_artefact(run, snapshot, bytes_of(std::string("\0\1\2", 3)));
  store.put_artefact_file(run, checkpoint, "checkpoints/latest.safetensors");
  store.put_artefact(run, {.kind = "empty", .name = "nothing"}, {});

  const std::optional<Artefact> weights = store.get_artefact(run, final_weights);
  ASSERT_TRUE(weights.has_value());
  EXPECT_EQ(weights->content, bytes_of("second version"));
  EXPECT_EQ(weights->info.id, replaced);
  EXPECT_EQ(weights->info.label, final_weights);
  EXPECT_EQ(weights->info.bytes, 14);
  EXPECT_TRUE(weights->info.path.empty());

  const std::optional<Artefact> member_snapshot = store.get_artefact(run, snapshot);
  ASSERT_TRUE(member_snapshot.has_value());
  EXPECT_EQ(member_snapshot->content, bytes_of(std::string("\0\1\2", 3)));
  EXPECT_EQ(member_snapshot->info.label, snapshot);
  // The label includes member and epoch: the same name at another epoch is another artefact.
  EXPECT_FALSE(store.get_artefact(run, {.member = 3, .kind = "snapshot", .name = "layers.0.weight", .epoch = 11}));
  EXPECT_FALSE(store.get_artefact(run, {.kind = "snapshot", .name = "layers.0.weight", .epoch = 10}));

  const std::optional<Artefact> file_checkpoint = store.get_artefact(run, checkpoint);
  ASSERT_TRUE(file_checkpoint.has_value());
  EXPECT_EQ(file_checkpoint->info.path, "checkpoints/latest.safetensors");
  EXPECT_TRUE(file_checkpoint->content.empty());

  const std::optional<Artefact> empty = store.get_artefact(run, {.kind = "empty", .name = "nothing"});
  ASSERT_TRUE(empty.has_value());
  EXPECT_TRUE(empty->content.empty());
  EXPECT_TRUE(empty->info.path.empty());

  const std::vector<ArtefactInfo> listed = store.list_artefacts(run);
  ASSERT_EQ(listed.size(), 4u);  // the replaced one is gone
  EXPECT_EQ(listed[0].label, final_weights);
  EXPECT_EQ(listed[1].label, snapshot);
  EXPECT_EQ(listed[2].label, checkpoint);
  EXPECT_EQ(listed[3].label.kind, "empty");
  for (const ArtefactInfo& info : listed) EXPECT_EQ(info.run, run);
}

TEST(RunStore, DeleteRunRemovesEverythingItOwnsAndNeverReusesItsId) {
  const ScratchDirectory scratch;
  const auto file = scratch / "runs.db";
  RunStore store(file);
  const RunId kept = store.begin_run(example_start("kept"));
  const RunId doomed = store.begin_run(example_start("doomed"));
  for (const RunId run : {kept, doomed}) {
    store.add_population(run, {.population = 0, .description = "p"});
    const std::vector<MemberStart> members{{.member = 0}};
    store.add_members(run, members);
    const std::vector<float> values{1.0f};
    store.append_metric(run, 0, "loss", values);
    store.put_artefact(run, {.kind = "weights", .name = "final"}, bytes_of("w"));
  }
  store.flush();
  const std::vector<float> unflushed{2.0f};
  store.append_metric(doomed, 1, "loss", unflushed);

  store.delete_run(doomed);
  EXPECT_EQ(store.buffered_points(), 0u);  // its buffered values are dropped with it
  expect_input_error([&] { store.get_run(doomed); }, {file.string(), "no run with id"});
  expect_input_error([&] { store.delete_run(doomed); }, {"no run with id"});
  RawDatabase raw(file);
  for (const std::string table : {"populations", "members", "series", "artefacts"})
    EXPECT_EQ(raw.text("SELECT count(*) FROM " + table + " WHERE run_id = " + std::to_string(doomed)), "0") << table;
  EXPECT_EQ(store.get_run(kept).members.size(), 1u);
  EXPECT_EQ(store.read_series(kept, 0, "loss").values, std::vector<float>{1.0f});

  const RunId next = store.begin_run(example_start("next"));
  EXPECT_GT(next, doomed);
}

TEST(RunStore, ResolvesLatestIdsAndNames) {
  const ScratchDirectory scratch;
  const auto file = scratch / "runs.db";
  RunStore store(file);
  expect_input_error([&] { (void)store.resolve_run("latest"); }, {file.string(), "no runs"});
  const RunId first_mirror = store.begin_run(example_start("mirror"));
  const RunId xor_run = store.begin_run(example_start("xor"));
  const RunId second_mirror = store.begin_run(example_start("mirror"));
  const RunId digits = store.begin_run(example_start("1"));  // a name that looks like an id

  EXPECT_EQ(store.resolve_run("latest"), digits);
  EXPECT_EQ(store.resolve_run("mirror"), second_mirror);  // the newest of that name
  EXPECT_EQ(store.resolve_run("xor"), xor_run);
  EXPECT_EQ(store.resolve_run(std::to_string(first_mirror)), first_mirror);
  EXPECT_EQ(store.resolve_run("1"), first_mirror);  // the id wins over the name
  store.delete_run(first_mirror);
  EXPECT_EQ(store.resolve_run("1"), digits);  // no run 1 any more: the name matches
  expect_input_error([&] { (void)store.resolve_run("mirorr"); },
                     {file.string(), "no run with id or name 'mirorr'", "recent runs: 1, mirror, xor"});
  expect_input_error([&] { (void)store.resolve_run("99999999999999999999999"); }, {"no run with id or name"});
}

TEST(RunStore, CallerMistakesAreProgrammingErrors) {
  const ScratchDirectory scratch;
  RunStore store(scratch / "runs.db");
  const RunId run = store.begin_run(example_start("mistakes"));
  const std::vector<MemberStart> not_an_object{{.member = 0, .hyperparameters_json = "[1, 2]"}};
  EXPECT_THROW(store.add_members(run, not_an_object), std::invalid_argument);
  const std::vector<MemberStart> broken_json{{.member = 0, .hyperparameters_json = "{\"lr\": "}};
  EXPECT_THROW(store.add_members(run, broken_json), std::invalid_argument);
  const std::vector<MemberStart> negative{{.member = -1}};
  EXPECT_THROW(store.add_members(run, negative), std::invalid_argument);
  EXPECT_THROW(store.set_member_result(run, 5, "{}"), std::invalid_argument);  // no such member
  EXPECT_THROW(store.finish_run(run, RunStatus::running, ""), std::invalid_argument);
  EXPECT_THROW(store.begin_run(RunStart{}), std::invalid_argument);
  const std::vector<MetricValue> unnamed{{.member = 0, .metric = "", .value = 1.0}};
  EXPECT_THROW(store.append_metrics(run, 0, unnamed), std::invalid_argument);
  // Members are added in one transaction: a duplicate rolls back the whole batch.
  const std::vector<MemberStart> duplicate{{.member = 0}, {.member = 0}};
  EXPECT_THROW(store.add_members(run, duplicate), std::logic_error);
  EXPECT_TRUE(store.get_run(run).members.empty());
  // Values for a run that does not exist fail at flush and stay buffered.
  const std::vector<float> values{1.0f};
  store.append_metric(run + 100, 0, "loss", values);
  EXPECT_THROW(store.flush(), std::logic_error);
  EXPECT_EQ(store.buffered_points(), 1u);
  store.delete_run(run);
  EXPECT_THROW(store.delete_run(run + 100), InputError);
}

TEST(RunStore, AMovedStoreKeepsItsBufferAndStatements) {
  const ScratchDirectory scratch;
  const auto file = scratch / "runs.db";
  RunId run = 0;
  {
    RunStore first(file);
    run = first.begin_run(example_start("moved"));
    const std::vector<float> values{1.5f};
    first.append_metric(run, 0, "loss", values);
    EXPECT_EQ(first.resolve_run("moved"), run);
    RunStore second(std::move(first));
    EXPECT_EQ(second.buffered_points(), 1u);
    EXPECT_EQ(second.resolve_run("moved"), run);  // runs the statement cached before the move
  }  // `second` flushes; the moved-from `first` has nothing left to do
  EXPECT_EQ(RunStore(file).read_series(run, 0, "loss"), (MetricSeries{{0}, {1.5f}}));
}

TEST(RunStore, ExistingModeRefusesAMissingFile) {
  const ScratchDirectory scratch;
  const auto file = scratch / "typo.db";
  expect_input_error([&] { RunStore store(file, RunStore::OpenMode::existing); }, {file.string(), "no such store"});
  EXPECT_FALSE(std::filesystem::exists(file));
}

TEST(RunStore, AnUnopenableFileIsAnInputError) {
  const ScratchDirectory scratch;
  expect_input_error([&] { RunStore store(scratch.path()); }, {scratch.path().string(), "cannot open"});
  const auto in_missing_directory = scratch / "no/such/dir/runs.db";
  expect_input_error([&] { RunStore store(in_missing_directory); }, {in_missing_directory.string(), "cannot open"});
}

}  // namespace
}  // namespace nnlab
