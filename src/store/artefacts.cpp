// RunStore's artefacts: blobs kept in the store (or paths to files kept outside it), one per
// label, each with the checksum of its content (store/checksum.hpp), verified on every read.
#include <bit>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

#include "store/checksum.hpp"
#include "store/schema.hpp"
#include "store/store.hpp"

namespace nnlab {
namespace {

constexpr const char* artefact_columns =
    "id, run_id, member, kind, name, epoch, path, ifnull(length(content), 0), created_at";

ArtefactInfo read_artefact_info(const sqlite::Query& row) {
  ArtefactInfo info{.id = row.integer(0), .run = row.integer(1)};
  if (!row.is_null(2)) info.label.member = row.integer(2);
  info.label.kind = row.text(3);
  info.label.name = row.text(4);
  if (!row.is_null(5)) info.label.epoch = row.integer(5);
  info.path = row.text(6);
  info.bytes = row.integer(7);
  info.created_at = row.text(8);
  return info;
}

// Binds an optional integer, NULL for nullopt.
void bind_optional(sqlite::Query& query, int parameter, const std::optional<std::int64_t>& value) {
  if (value) {
    query.bind(parameter, *value);
  } else {
    query.bind_null(parameter);
  }
}

void require_label(const ArtefactLabel& label) {
  if (label.kind.empty() || label.name.empty())
    throw std::invalid_argument("artefact: kind and name must not be empty");
  if (label.member && *label.member < 0)
    throw std::invalid_argument("artefact member must be >= 0, got " + std::to_string(*label.member));
}

}  // namespace

ArtefactId RunStore::put_artefact(RunId run, const ArtefactLabel& label, std::span<const std::byte> content) {
  check_artefact(label, content);
  sqlite::Transaction transaction(connection_);
  const ArtefactId id = write_artefact(run, label, content, std::nullopt);
  transaction.commit();
  return id;
}

ArtefactId RunStore::put_artefact_file(RunId run, const ArtefactLabel& label, const std::filesystem::path& path) {
  require_label(label);
  if (path.empty()) throw std::invalid_argument("put_artefact_file: empty path");
  sqlite::Transaction transaction(connection_);
  const ArtefactId id = write_artefact(run, label, {}, path.string());
  transaction.commit();
  return id;
}

void RunStore::check_artefact(const ArtefactLabel& label, std::span<const std::byte> content) const {
  require_label(label);
  if (static_cast<std::int64_t>(content.size()) > connection_.max_blob_bytes())
    throw std::length_error("artefact " + label.kind + " '" + label.name + "' has " + std::to_string(content.size()) +
                            " bytes, more than SQLite's limit of " + std::to_string(connection_.max_blob_bytes()) +
                            "; keep it in a file (put_artefact_file)");
}

// Inside the caller's transaction: replaces the artefact labelled `label` by `content` and its
// checksum, or by a reference to `path` (no checksum) when one is given.
ArtefactId RunStore::write_artefact(RunId run, const ArtefactLabel& label, std::span<const std::byte> content,
                                    const std::optional<std::string>& path) {
  auto remove = connection_.query(
      "DELETE FROM artefacts WHERE run_id = ?1 AND kind = ?2 AND name = ?3 AND member IS ?4 AND epoch IS ?5");
  remove.bind(1, run).bind(2, label.kind).bind(3, label.name);
  bind_optional(remove, 4, label.member);
  bind_optional(remove, 5, label.epoch);
  remove.run();
  auto insert = connection_.query(
      "INSERT INTO artefacts (run_id, member, kind, name, epoch, content, path, created_at, checksum) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ?8)");
  insert.bind(1, run).bind(3, label.kind).bind(4, label.name);
  bind_optional(insert, 2, label.member);
  bind_optional(insert, 5, label.epoch);
  if (path) {
    insert.bind_null(6).bind(7, *path).bind_null(8);
  } else {
    // SQLite integers are signed 64-bit: the checksum's bits are stored as they are.
    insert.bind_blob(6, content).bind_null(7).bind(8, std::bit_cast<std::int64_t>(artefact_checksum(content)));
  }
  insert.run();
  return connection_.last_insert_id();
}

std::optional<Artefact> RunStore::get_artefact(RunId run, const ArtefactLabel& label) const {
  // A store older than schema 3 opened read-only (not migrated) has no checksums to check.
  const bool checksummed = schema_version(connection_) >= 3;
  auto query = connection_.query(std::string("SELECT ") + artefact_columns + ", content, content IS NULL, " +
                                 (checksummed ? "checksum" : "NULL") +
                                 " FROM artefacts WHERE run_id = ?1 AND kind = ?2 AND name = ?3 AND member IS ?4 AND epoch IS ?5");
  query.bind(1, run).bind(2, label.kind).bind(3, label.name);
  bind_optional(query, 4, label.member);
  bind_optional(query, 5, label.epoch);
  if (!query.step()) return std::nullopt;
  Artefact artefact{.info = read_artefact_info(query)};
  if (query.integer(10) != 0) return artefact;  // a file kept outside the store: nothing held here to check
  const std::span<const std::byte> content = query.blob(9);
  if (!checksummed) {
    artefact.content.assign(content.begin(), content.end());
    return artefact;
  }
  const std::optional<std::uint64_t> recorded =
      query.is_null(11) ? std::nullopt : std::optional(std::bit_cast<std::uint64_t>(query.integer(11)));
  verify_artefact(file().string(), run, artefact.info.label, recorded, content);
  artefact.content.assign(content.begin(), content.end());
  return artefact;
}

std::vector<ArtefactInfo> RunStore::list_artefacts(RunId run) const {
  auto query =
      connection_.query(std::string("SELECT ") + artefact_columns + " FROM artefacts WHERE run_id = ?1 ORDER BY id");
  query.bind(1, run);
  std::vector<ArtefactInfo> artefacts;
  while (query.step()) artefacts.push_back(read_artefact_info(query));
  return artefacts;
}

}  // namespace nnlab
