#include "store/store.hpp"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <charconv>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <system_error>
#include <utility>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/text.hpp"
#include "store/git_revision.hpp"
#include "store/schema.hpp"
#include "store/series_chunk.hpp"
#include "store/store_file.hpp"
#include "store/stored_text.hpp"

namespace nnlab {
namespace {

// SQL's expression for "now" in the store's time format: UTC, ISO 8601, milliseconds.
const std::string now_sql = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

constexpr const char* run_columns =
    "r.id, r.name, r.status, r.started_at, r.finished_at, r.nnlab_version, r.config_path, r.config_git_commit, "
    "r.resolved_config, r.summary_json, r.host, r.pid, (SELECT count(*) FROM members AS m WHERE m.run_id = r.id)";

std::string journal_mode(const sqlite::Connection& connection) {
  auto query = connection.query("PRAGMA journal_mode");
  return query.step() ? query.text(0) : std::string();
}  // the query ends here: changing the mode needs no statement of ours still reading

sqlite::Connection open_connection(const std::filesystem::path& file, RunStore::OpenMode mode) {
  if (mode == RunStore::OpenMode::read_only) return open_for_reading(file);
  const bool create = mode == RunStore::OpenMode::create_if_missing;
  std::error_code error;
  const bool existed = std::filesystem::exists(file, error);
  if (!create && !existed) throw InputError(file.string() + ": no such store file");
  // A store that could not be made (a full disk, say) leaves no empty file behind.
  RemoveIfLeftEmpty cleanup{.file = existed ? std::filesystem::path() : file};
  sqlite::Connection connection(file, create);
  connection.execute("PRAGMA foreign_keys = ON");  // per connection: makes ON DELETE CASCADE work
  prepare_schema(connection, create);              // first read of the file: identifies it before changing it
  // WAL lets readers and one writer work at once; it is a property of the file, set once. Where
  // the file system cannot do WAL, SQLite keeps its rollback journal, which is slower but correct.
  if (journal_mode(connection) != "wal") connection.execute_retrying("PRAGMA journal_mode = WAL");
  // In WAL mode NORMAL loses no committed transaction when a process dies (only, possibly, the
  // last ones on power loss), and saves an fsync per commit.
  connection.execute("PRAGMA synchronous = NORMAL");
  cleanup.keep();
  return connection;
}

std::string host_name() {
  std::array<char, 256> name{};
  if (::gethostname(name.data(), name.size() - 1) != 0) return {};
  return name.data();
}

// Caller errors: JSON we are asked to store must parse; `object` additionally requires {...}.
void require_json(std::string_view text, bool object, std::string_view what) {
  const nlohmann::json parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) throw std::invalid_argument(std::string(what) + ": not valid JSON: " + std::string(text));
  if (object && !parsed.is_object())
    throw std::invalid_argument(std::string(what) + ": must be a JSON object: " + std::string(text));
}

void require_index(Index index, std::string_view what) {
  if (index < 0) throw std::invalid_argument(std::string(what) + " must be >= 0, got " + std::to_string(index));
}

RunInfo read_run_info(const sqlite::Query& row, const std::string& file) {
  const RunId id = row.integer(0);
  const auto text = [&](int column, std::string_view name) {
    return checked_utf8(row.text(column), [&] { return fmt::format("{}: run {}: runs.{}", file, id, name); });
  };
  return RunInfo{
      .id = id,
      .name = text(1, "name"),
      .status = parse_run_status(row.text(2), file + ": runs.status"),
      .started_at = text(3, "started_at"),
      .finished_at = text(4, "finished_at"),
      .nnlab_version = text(5, "nnlab_version"),
      .config_path = text(6, "config_path"),
      .config_git_commit = text(7, "config_git_commit"),
      .resolved_config = text(8, "resolved_config"),
      .summary_json = text(9, "summary_json"),
      .host = text(10, "host"),
      .pid = row.integer(11),
      .member_count = row.integer(12),
  };
}

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

RunStore::RunStore(const std::filesystem::path& file, OpenMode mode) : connection_(open_connection(file, mode)) {}

RunStore::~RunStore() {
  if (!connection_.is_open() || buffer_.empty()) return;
  try {
    flush();
  } catch (...) {
    // Nowhere to report it from a destructor; the explicit flush() is the checked path.
  }
}

RunId RunStore::begin_run(const RunStart& start) {
  if (start.name.empty()) throw std::invalid_argument("begin_run: the run needs a name");
  const std::string git_commit =
      start.config_git_commit ? *start.config_git_commit
                              : (start.config_path.empty() ? std::string() : git_commit_of(start.config_path));
  sqlite::Transaction transaction(connection_);
  auto insert = connection_.query(
      "INSERT INTO runs (name, status, started_at, nnlab_version, config_path, config_git_commit, resolved_config, "
      "host, pid) VALUES (?1, 'running', " + now_sql + ", ?2, ?3, ?4, ?5, ?6, ?7)");
  insert.bind(1, start.name)
      .bind(2, start.nnlab_version)
      .bind(3, start.config_path)
      .bind(4, git_commit)
      .bind(5, start.resolved_config)
      .bind(6, host_name())
      .bind(7, static_cast<std::int64_t>(::getpid()))
      .run();
  const RunId run = connection_.last_insert_id();
  transaction.commit();
  return run;
}

void RunStore::add_population(RunId run, const PopulationInfo& population) {
  require_index(population.population, "population");
  sqlite::Transaction transaction(connection_);
  write_population(run, population);
  transaction.commit();
}

void RunStore::add_members(RunId run, std::span<const MemberStart> members) {
  check_members(members);
  sqlite::Transaction transaction(connection_);
  write_members(run, members);
  transaction.commit();
}

void RunStore::add_population_with_members(RunId run, const PopulationInfo& population, std::span<const MemberStart> members) {
  require_index(population.population, "population");
  check_members(members);
  for (const MemberStart& member : members) {
    if (member.population != population.population)
      throw std::invalid_argument("add_population_with_members: member " + std::to_string(member.member) + " is of population " +
                                  std::to_string(member.population) + ", not " + std::to_string(population.population));
  }
  sqlite::Transaction transaction(connection_);
  write_population(run, population);
  write_members(run, members);
  transaction.commit();
}

void RunStore::check_members(std::span<const MemberStart> members) const {
  for (const MemberStart& member : members) {
    require_index(member.member, "member");
    require_index(member.population, "population");
    require_json(member.hyperparameters_json, /*object=*/true, "member " + std::to_string(member.member));
  }
}

// Inside the caller's transaction.
void RunStore::write_population(RunId run, const PopulationInfo& population) {
  auto insert = connection_.query("INSERT INTO populations (run_id, population, description) VALUES (?1, ?2, ?3)");
  insert.bind(1, run).bind(2, population.population).bind(3, population.description).run();
}

// Inside the caller's transaction.
void RunStore::write_members(RunId run, std::span<const MemberStart> members) {
  auto insert = connection_.query(
      "INSERT INTO members (run_id, member, population, seed, hyperparameters, status) "
      "VALUES (?1, ?2, ?3, ?4, ?5, 'running')");
  for (const MemberStart& member : members) {
    // SQLite integers are signed 64-bit: the seed's bits are stored as they are.
    insert.bind(1, run)
        .bind(2, member.member)
        .bind(3, member.population)
        .bind(4, std::bit_cast<std::int64_t>(member.seed))
        .bind(5, member.hyperparameters_json)
        .run();
  }
}

void RunStore::append_metrics(RunId run, Epoch epoch, std::span<const MetricValue> values) {
  for (const MetricValue& value : values) {
    require_index(value.member, "member");
    if (value.metric.empty()) throw std::invalid_argument("append_metrics: empty metric name");
  }
  for (const MetricValue& value : values)
    buffer_.add(run, value.member, value.metric, epoch, static_cast<float>(value.value));
}

void RunStore::append_series(RunId run, Index member, std::string_view metric, std::span<const Epoch> epochs, std::span<const float> values) {
  require_index(member, "member");
  if (metric.empty()) throw std::invalid_argument("append_series: empty metric name");
  buffer_.add_series(run, member, metric, epochs, values);
}

void RunStore::append_metric(RunId run, Epoch epoch, std::string_view metric, std::span<const float> value_by_member) {
  if (metric.empty()) throw std::invalid_argument("append_metric: empty metric name");
  for (std::size_t member = 0; member < value_by_member.size(); ++member)
    buffer_.add(run, static_cast<Index>(member), metric, epoch, value_by_member[member]);
}

void RunStore::flush() {
  if (buffer_.empty()) return;
  sqlite::Transaction transaction(connection_);
  write_buffer();
  transaction.commit();
  buffer_.clear();
}

void RunStore::flush_with_artefact(RunId run, const ArtefactLabel& label, std::span<const std::byte> content) {
  check_artefact(label, content);
  sqlite::Transaction transaction(connection_);
  write_buffer();
  write_artefact(run, label, content, std::nullopt);
  transaction.commit();
  buffer_.clear();
}

// Inside the caller's transaction: one row per buffered (run, member, metric) chunk.
void RunStore::write_buffer() {
  if (buffer_.empty()) return;
  auto insert = connection_.query(
      "INSERT INTO series (run_id, member, metric, first_epoch, count, epochs_i64, values_f32) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  for (const PendingSeries* pending : buffer_.in_store_order()) {
    const SeriesChunk chunk = encode_chunk(pending->points.epochs, pending->points.values);
    insert.bind(1, pending->run)
        .bind(2, pending->member)
        .bind(3, pending->metric)
        .bind(4, chunk.first_epoch)
        .bind(5, chunk.count)
        .bind_blob(7, chunk.values_blob);
    if (chunk.contiguous) {
      insert.bind_null(6);
    } else {
      insert.bind_blob(6, chunk.epochs_blob);
    }
    insert.run();  // the blobs are bound without copying: they must live until here
  }
}

void RunStore::set_member_result(RunId run, Index member, std::string_view result_json, RunStatus status) {
  const MemberOutcome result{.member = member, .result_json = std::string(result_json), .status = status};
  set_member_results(run, std::span(&result, 1));
}

void RunStore::set_member_results(RunId run, std::span<const MemberOutcome> results) {
  for (const MemberOutcome& result : results)
    require_json(result.result_json, /*object=*/false, "member " + std::to_string(result.member) + " result");
  sqlite::Transaction transaction(connection_);
  auto update = connection_.query("UPDATE members SET result = ?1, status = ?2 WHERE run_id = ?3 AND member = ?4");
  for (const MemberOutcome& result : results) {
    update.bind(1, result.result_json).bind(2, to_string(result.status)).bind(3, run).bind(4, result.member).run();
    if (connection_.changes() == 0)
      throw std::invalid_argument("set_member_result: run " + std::to_string(run) + " has no member " +
                                  std::to_string(result.member));
  }
  transaction.commit();
}

void RunStore::finish_run(RunId run, RunStatus status, std::string_view summary_json) {
  if (status == RunStatus::running) throw std::invalid_argument("finish_run: the final status cannot be 'running'");
  if (!summary_json.empty()) require_json(summary_json, /*object=*/false, "run summary");
  flush();
  sqlite::Transaction transaction(connection_);
  auto update =
      connection_.query("UPDATE runs SET status = ?1, finished_at = " + now_sql + ", summary_json = ?2 WHERE id = ?3");
  update.bind(1, to_string(status));
  if (summary_json.empty()) {
    update.bind_null(2);
  } else {
    update.bind(2, summary_json);
  }
  update.bind(3, run).run();
  if (connection_.changes() == 0) throw InputError(file().string() + ": no run with id " + std::to_string(run));
  auto members = connection_.query("UPDATE members SET status = ?1 WHERE run_id = ?2 AND status = 'running'");
  members.bind(1, to_string(status)).bind(2, run).run();
  transaction.commit();
}

std::vector<RunInfo> RunStore::list_runs() const {
  auto query = connection_.query(std::string("SELECT ") + run_columns + " FROM runs AS r ORDER BY r.id");
  std::vector<RunInfo> runs;
  while (query.step()) runs.push_back(read_run_info(query, file().string()));
  return runs;
}

RunRecord RunStore::get_run(RunId run) const {
  RunRecord record;
  {
    auto query = connection_.query(std::string("SELECT ") + run_columns + " FROM runs AS r WHERE r.id = ?1");
    if (!query.bind(1, run).step()) throw InputError(file().string() + ": no run with id " + std::to_string(run));
    record.info = read_run_info(query, file().string());
  }
  auto populations =
      connection_.query("SELECT population, description FROM populations WHERE run_id = ?1 ORDER BY population");
  populations.bind(1, run);
  while (populations.step()) {
    const Index population = populations.integer(0);
    record.populations.push_back({.population = population, .description = checked_utf8(populations.text(1), [&] {
                                    return fmt::format("{}: run {} population {}: populations.description", file().string(), run, population);
                                  })});
  }
  auto members = connection_.query(
      "SELECT member, population, seed, hyperparameters, result, status FROM members "
      "WHERE run_id = ?1 ORDER BY member");
  members.bind(1, run);
  while (members.step()) {
    const Index member = members.integer(0);
    const auto text = [&](int column, std::string_view name) {
      return checked_utf8(members.text(column), [&] { return fmt::format("{}: run {} member {}: members.{}", file().string(), run, member, name); });
    };
    record.members.push_back(MemberInfo{
        .member = member,
        .population = members.integer(1),
        .seed = std::bit_cast<std::uint64_t>(members.integer(2)),
        .hyperparameters_json = text(3, "hyperparameters"),
        .result_json = text(4, "result"),
        .status = parse_run_status(members.text(5), file().string() + ": members.status"),
    });
  }
  return record;
}

MetricSeries RunStore::read_series(RunId run, Index member, std::string_view metric) const {
  auto query = connection_.query(
      "SELECT first_epoch, count, epochs_i64 IS NULL, epochs_i64, values_f32, rowid FROM series "
      "WHERE run_id = ?1 AND metric = ?2 AND member = ?3 ORDER BY rowid");
  query.bind(1, run).bind(2, metric).bind(3, member);
  MetricSeries points;
  while (query.step()) {
    const std::string where = file().string() + ": series row " + std::to_string(query.integer(5));
    decode_chunk(query.integer(0), query.integer(1), query.integer(2) != 0, query.blob(3), query.blob(4), where,
                 points);
  }
  return merge_points(std::move(points));
}

std::vector<std::string> RunStore::list_metrics(RunId run) const {
  auto query = connection_.query("SELECT DISTINCT metric FROM series WHERE run_id = ?1 ORDER BY metric");
  query.bind(1, run);
  std::vector<std::string> metrics;
  while (query.step())
    metrics.push_back(checked_utf8(query.text(0), [&] { return fmt::format("{}: run {}: series.metric", file().string(), run); }));
  return metrics;
}

RunId RunStore::resolve_run(std::string_view id_or_name) const {
  const std::string where = file().string() + ": ";
  if (id_or_name == "latest") {
    auto query = connection_.query("SELECT id FROM runs ORDER BY id DESC LIMIT 1");
    if (!query.step()) throw InputError(where + "the store holds no runs yet");
    return query.integer(0);
  }
  if (all_digits(id_or_name)) {
    RunId id = 0;
    const auto [end, error] = std::from_chars(id_or_name.data(), id_or_name.data() + id_or_name.size(), id);
    if (error == std::errc{} && end == id_or_name.data() + id_or_name.size()) {
      auto query = connection_.query("SELECT 1 FROM runs WHERE id = ?1");
      if (query.bind(1, id).step()) return id;
    }
  }
  {
    auto query = connection_.query("SELECT id FROM runs WHERE name = ?1 ORDER BY id DESC LIMIT 1");
    if (query.bind(1, id_or_name).step()) return query.integer(0);
  }
  // Name a few recent runs so that a typo is easy to spot.
  auto recent = connection_.query("SELECT name FROM runs GROUP BY name ORDER BY max(id) DESC LIMIT 5");
  std::string known;
  while (recent.step()) known += (known.empty() ? "" : ", ") + shown_value(recent.text(0));
  throw InputError(where + "no run with id or name '" + shown_value(id_or_name) + "'" +
                   (known.empty() ? std::string(" (the store holds no runs yet)") : " (recent runs: " + known + ")"));
}

void RunStore::delete_run(RunId run) {
  buffer_.discard_run(run);
  sqlite::Transaction transaction(connection_);
  auto remove = connection_.query("DELETE FROM runs WHERE id = ?1");
  remove.bind(1, run).run();
  if (connection_.changes() == 0) throw InputError(file().string() + ": no run with id " + std::to_string(run));
  transaction.commit();
}

void RunStore::reopen_run(RunId run) {
  sqlite::Transaction transaction(connection_);
  std::string status;
  {
    auto query = connection_.query("SELECT status FROM runs WHERE id = ?1");
    query.bind(1, run);
    if (!query.step()) throw InputError(file().string() + ": no run with id " + std::to_string(run));
    status = query.text(0);
  }
  if (status != "killed" && status != "failed")
    throw InputError(fmt::format("{}: run {} is {}; only a killed or failed run can be resumed", file().string(), run,
                                 status == "running" ? "still running" : status));
  auto update = connection_.query("UPDATE runs SET status = 'running', finished_at = NULL, host = ?1, pid = ?2 WHERE id = ?3");
  update.bind(1, host_name()).bind(2, static_cast<std::int64_t>(::getpid())).bind(3, run).run();
  auto members = connection_.query("UPDATE members SET status = 'running' WHERE run_id = ?1 AND status IN ('killed', 'failed')");
  members.bind(1, run).run();
  transaction.commit();
}

namespace {

// The process has ended: it no longer exists, or it is a zombie that exited but was not reaped
// yet (`timeout -s KILL` kills itself too, and leaves its child to a slow init). kill(pid, 0)
// delivers nothing: it only asks whether the process exists.
bool process_gone(pid_t pid) {
  if (::kill(pid, 0) != 0) return errno == ESRCH;
  std::ifstream stat(fmt::format("/proc/{}/stat", pid));
  std::string line;
  if (!std::getline(stat, line)) return false;
  const auto name_end = line.rfind(')');  // "pid (name) state ...": the name may hold spaces and ')'
  return name_end != std::string::npos && name_end + 2 < line.size() && (line[name_end + 2] == 'Z' || line[name_end + 2] == 'X');
}

}  // namespace

std::vector<RunId> RunStore::abandoned_runs() const {
  std::vector<RunId> abandoned;
  auto query = connection_.query("SELECT id, pid FROM runs WHERE status = 'running' AND host = ?1");
  query.bind(1, host_name());
  while (query.step()) {
    const std::int64_t pid = query.integer(1);
    if (pid > 0 && pid <= std::numeric_limits<pid_t>::max() && process_gone(static_cast<pid_t>(pid)))
      abandoned.push_back(query.integer(0));
  }
  return abandoned;
}

Index RunStore::mark_abandoned_runs() {
  const std::vector<RunId> abandoned = abandoned_runs();
  if (abandoned.empty()) return 0;
  sqlite::Transaction transaction(connection_);
  auto run_update = connection_.query("UPDATE runs SET status = 'killed' WHERE id = ?1 AND status = 'running'");
  auto member_update =
      connection_.query("UPDATE members SET status = 'killed' WHERE run_id = ?1 AND status = 'running'");
  for (const RunId run : abandoned) {
    run_update.bind(1, run).run();
    member_update.bind(1, run).run();
  }
  transaction.commit();
  return static_cast<Index>(abandoned.size());
}

}  // namespace nnlab
