// The run store: one SQLite file holding every run, its resolved config, populations, members,
// metric series and artefacts. Several processes may write to one store at once (WAL mode, a
// busy timeout, every write one short BEGIN IMMEDIATE transaction). Tables: store/schema.hpp.
//
//   RunStore store("runs.db");
//   const RunId run = store.begin_run({.name = "mirror", .config_path = "mirror.yaml", ...});
//   store.add_population_with_members(run, population, members);
//   for each epoch: store.append_metric(run, epoch, "train_loss", loss_by_member);
//                   every few epochs: store.flush();      // one transaction
//   store.set_member_result(run, m, result_json);
//   store.finish_run(run, RunStatus::finished, summary_json);  // flushes first
//
// Failures caused by the file (not a database, corrupted, foreign, newer schema, locked, disk
// full) and unknown runs asked for by name or id are InputErrors "<file>: <reason>"; misuse by
// the caller (bad JSON, unknown member, negative index) is std::invalid_argument / logic_error.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "store/metric_buffer.hpp"
#include "store/records.hpp"
#include "store/run_writer.hpp"
#include "store/sqlite.hpp"

namespace nnlab {

inline constexpr std::string_view default_store_file = "runs.db";

class RunStore final : public RunWriter {
 public:
  enum class OpenMode {
    create_if_missing,  // `nnlab run`: a new file becomes an empty store
    existing,           // writers of existing stores (`nnlab resume`, `nnlab rm`): a missing or empty file is an InputError
    read_only,          // readers (`runs`, `show`, `export`, `report`): never write, create or migrate (store/store_file.hpp)
  };

  // Opens the store, creating or migrating its schema as the mode allows (store/schema.hpp).
  // When creating the file fails, no file is left behind.
  explicit RunStore(const std::filesystem::path& file, OpenMode mode = OpenMode::create_if_missing);
  // Writes what is still buffered, best effort: an error here cannot be reported, so callers
  // that care call flush() or finish_run() themselves.
  ~RunStore() override;
  RunStore(RunStore&&) noexcept = default;
  RunStore& operator=(RunStore&&) = delete;  // would drop the target's buffered metrics
  RunStore(const RunStore&) = delete;
  RunStore& operator=(const RunStore&) = delete;

  const std::filesystem::path& file() const { return connection_.file(); }

  // --- recording a run ---
  // Records the run as "running" with the start time, this host and process id.
  RunId begin_run(const RunStart& start);
  void add_population(RunId run, const PopulationInfo& population);
  // All in one transaction. hyperparameters_json must be a JSON object.
  void add_members(RunId run, std::span<const MemberStart> members);
  // The population and its members (all of that population) in ONE transaction, so that a
  // process killed meanwhile leaves both or neither.
  void add_population_with_members(RunId run, const PopulationInfo& population, std::span<const MemberStart> members);

  // Buffers metric values of one epoch (nothing is written until flush()). Values are stored as
  // float32. An epoch may be appended again (e.g. after resuming): reads keep the newest value.
  void append_metrics(RunId run, Epoch epoch, std::span<const MetricValue> values);
  // The same for one metric of members 0..values.size()-1, e.g. a population's losses.
  void append_metric(RunId run, Epoch epoch, std::string_view metric, std::span<const float> value_by_member);
  // Many epochs of one member's metric at once (the cheap path for large populations).
  void append_series(RunId run, Index member, std::string_view metric, std::span<const Epoch> epochs, std::span<const float> values) override;
  // Writes everything buffered, for all runs, in ONE transaction; each (run, member, metric)
  // becomes one row. On failure nothing is written and the buffer is kept.
  void flush() override;
  std::size_t buffered_points() const { return buffer_.points(); }
  // flush() and put_artefact() in ONE transaction: both are written or neither (a checkpoint
  // together with the metrics recorded up to it).
  void flush_with_artefact(RunId run, const ArtefactLabel& label, std::span<const std::byte> content) override;

  void set_member_result(RunId run, Index member, std::string_view result_json,
                         RunStatus status = RunStatus::finished);
  void set_member_results(RunId run, std::span<const MemberOutcome> results);  // one transaction
  // Flushes, then records the end time, the final status (not running) and the summary JSON
  // ("" for none). Members still running take the run's final status.
  void finish_run(RunId run, RunStatus status, std::string_view summary_json);

  // Keeps `content` in the store with its checksum (store/checksum.hpp), replacing an artefact
  // with the same label.
  ArtefactId put_artefact(RunId run, const ArtefactLabel& label, std::span<const std::byte> content);
  // Records a file kept outside the store (e.g. a safetensors file too large for a blob).
  ArtefactId put_artefact_file(RunId run, const ArtefactLabel& label, const std::filesystem::path& path);
  // Verifies the content against its checksum: a mismatch is a DamagedArtefact (an InputError
  // naming the store, run, artefact and member). A file kept outside the store is not read.
  std::optional<Artefact> get_artefact(RunId run, const ArtefactLabel& label) const;
  // RunWriter's names for put_artefact and get_artefact.
  void keep_artefact(RunId run, const ArtefactLabel& label, std::span<const std::byte> content) override { put_artefact(run, label, content); }
  std::optional<Artefact> read_artefact(RunId run, const ArtefactLabel& label) const override { return get_artefact(run, label); }
  std::string where() const override { return file().string(); }
  std::vector<ArtefactInfo> list_artefacts(RunId run) const;  // without content, by id

  // --- reading ---
  std::vector<RunInfo> list_runs() const;  // oldest first
  RunRecord get_run(RunId run) const;      // InputError if there is no such run
  // The flushed values of one member's metric, epochs ascending; empty if none.
  MetricSeries read_series(RunId run, Index member, std::string_view metric) const;
  std::vector<std::string> list_metrics(RunId run) const;  // names with any flushed value, sorted
  // "latest" (the newest run), a run id ("12"), or a run name (its newest run). An id wins over
  // a run named with the same digits. InputError naming the text when nothing matches.
  RunId resolve_run(std::string_view id_or_name) const;

  // --- housekeeping ---
  // Deletes the run with everything it owns (and drops its buffered metrics).
  void delete_run(RunId run);
  // A killed or failed run becomes "running" again in this process (`nnlab resume`), and so do
  // its unfinished members; any other run is an InputError saying what it is.
  void reopen_run(RunId run);
  // Marks "killed" the runs still "running" that were started on this host by a process that
  // no longer exists (e.g. SIGKILLed); returns how many.
  Index mark_abandoned_runs();
  // Those runs, without marking them (what a reader shows as killed).
  std::vector<RunId> abandoned_runs() const;

 private:
  void check_members(std::span<const MemberStart> members) const;
  void write_population(RunId run, const PopulationInfo& population);  // inside the caller's transaction
  void write_members(RunId run, std::span<const MemberStart> members);  // inside the caller's transaction
  // Artefacts (store/artefacts.cpp).
  void check_artefact(const ArtefactLabel& label, std::span<const std::byte> content) const;
  ArtefactId write_artefact(RunId run, const ArtefactLabel& label, std::span<const std::byte> content,
                            const std::optional<std::string>& path);
  void write_buffer();

  sqlite::Connection connection_;
  MetricBuffer buffer_;
};

}  // namespace nnlab
