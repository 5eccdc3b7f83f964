#include "store/sqlite.hpp"

#include <sqlite3.h>

#include <limits>
#include <new>
#include <stdexcept>
#include <utility>

#include "core/error.hpp"

namespace nnlab::sqlite {
namespace {

// How long a write waits for another process's transaction before giving up. Our transactions
// last milliseconds (one flush); the margin covers a slow disk or a large artefact.
constexpr int busy_timeout_ms = 30'000;

std::string message_of(sqlite3* connection, int code) {
  return connection != nullptr ? sqlite3_errmsg(connection) : sqlite3_errstr(code);
}

// The statement that failed, shortened to one line for the message.
std::string one_line(std::string_view sql) {
  constexpr std::size_t max_characters = 100;
  std::string line;
  for (const char c : sql) {
    const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (space && (line.empty() || line.back() == ' ')) continue;
    line.push_back(space ? ' ' : c);
  }
  while (!line.empty() && line.back() == ' ') line.pop_back();
  if (line.size() > max_characters) line = line.substr(0, max_characters) + "...";
  return line;
}

}  // namespace

void ConnectionCloser::operator()(sqlite3* connection) const noexcept { sqlite3_close_v2(connection); }
void StatementFinalizer::operator()(sqlite3_stmt* statement) const noexcept { sqlite3_finalize(statement); }

Connection::Connection(std::filesystem::path file, bool create) : file_(std::move(file)) {
  // NOMUTEX: a connection belongs to one thread; SQLite's own locking still guards the file.
  const int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX;
  sqlite3* raw = nullptr;
  const int code = sqlite3_open_v2(file_.c_str(), &raw, flags, nullptr);
  handle_.reset(raw);  // owned even on failure: SQLite allocates a handle to report the error
  if (code != SQLITE_OK) fail(code, "open");
  sqlite3_extended_result_codes(handle_.get(), 1);
  sqlite3_busy_timeout(handle_.get(), busy_timeout_ms);
}

namespace {

// The path as an absolute SQLite URI ("file:///dir/runs.db?mode=ro"): '%', '?' and '#' would
// otherwise be read as escapes, the query and the fragment.
std::string read_only_uri(const std::filesystem::path& file, bool immutable) {
  std::string uri = "file://";
  for (const char c : std::filesystem::absolute(file).string()) {
    if (c == '%' || c == '?' || c == '#') {
      constexpr const char* hex = "0123456789ABCDEF";
      uri += '%';
      uri += hex[(static_cast<unsigned char>(c) >> 4) & 0xf];
      uri += hex[static_cast<unsigned char>(c) & 0xf];
    } else {
      uri += c;
    }
  }
  return uri + (immutable ? "?mode=ro&immutable=1" : "?mode=ro");
}

}  // namespace

Connection::Connection(std::filesystem::path file, ReadOnly read_only) : file_(std::move(file)) {
  const int flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX;
  sqlite3* raw = nullptr;
  const int code = sqlite3_open_v2(read_only_uri(file_, read_only.immutable).c_str(), &raw, flags, nullptr);
  handle_.reset(raw);
  if (code != SQLITE_OK) fail(code, "open");
  sqlite3_extended_result_codes(handle_.get(), 1);
  sqlite3_busy_timeout(handle_.get(), busy_timeout_ms);
}

Connection::Connection(Connection&& other) noexcept
    : file_(std::move(other.file_)),
      handle_(std::move(other.handle_)),
      statements_(std::exchange(other.statements_, {})) {}

void Connection::fail(int code, std::string_view action) const {
  const std::string detail = message_of(handle_.get(), code);
  const std::string where = file_.string() + ": ";
  switch (code & 0xff) {  // the primary code; extended codes refine it in the low byte's upper bits
    case SQLITE_NOTADB:
      throw InputError(where + "not an SQLite database (" + detail + ")");
    case SQLITE_CORRUPT:
      throw InputError(where + "the store is corrupted (" + detail + ")");
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      throw InputError(where + "another process kept the store locked (" + detail + ")");
    case SQLITE_CANTOPEN:
      throw InputError(where + "cannot open the store (" + detail + ")");
    case SQLITE_FULL:
      throw InputError(where + "the disk is full (" + detail + ")");
    case SQLITE_READONLY:
      throw InputError(where + "the store is read-only (" + detail + ")");
    case SQLITE_PERM:
    case SQLITE_AUTH:
      throw InputError(where + "permission denied (" + detail + ")");
    case SQLITE_IOERR:
    case SQLITE_PROTOCOL:
    case SQLITE_NOLFS:
    case SQLITE_FORMAT:
      throw InputError(where + "cannot read or write the store (" + detail + ")");
    case SQLITE_NOMEM:
      throw std::bad_alloc();
    default:
      throw std::logic_error(where + one_line(action) + ": " + detail);
  }
}

void Connection::execute(std::string_view sql) const {
  const int code = sqlite3_exec(handle_.get(), std::string(sql).c_str(), nullptr, nullptr, nullptr);
  if (code != SQLITE_OK) fail(code, sql);
}

void Connection::execute_retrying(std::string_view sql) const {
  const std::string statement(sql);
  constexpr int pause_ms = 5;
  for (int waited_ms = 0;; waited_ms += pause_ms) {
    const int code = sqlite3_exec(handle_.get(), statement.c_str(), nullptr, nullptr, nullptr);
    if (code == SQLITE_OK) return;
    if ((code & 0xff) != SQLITE_BUSY || waited_ms >= busy_timeout_ms) fail(code, sql);
    sqlite3_sleep(pause_ms);
  }
}

Query Connection::query(const std::string& sql) const {
  auto cached = statements_.find(sql);
  if (cached == statements_.end()) {
    sqlite3_stmt* raw = nullptr;
    const int code = sqlite3_prepare_v3(handle_.get(), sql.c_str(), static_cast<int>(sql.size()),
                                        SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
    StatementPointer statement(raw);
    if (code != SQLITE_OK) fail(code, sql);  // preparing reads the schema: a bad file shows here first
    if (!statement) throw std::logic_error("sqlite: empty statement: " + sql);
    cached = statements_.emplace(sql, std::move(statement)).first;
  }
  return Query(*this, *cached->second);
}

std::int64_t Connection::last_insert_id() const { return sqlite3_last_insert_rowid(handle_.get()); }
std::int64_t Connection::changes() const { return sqlite3_changes64(handle_.get()); }
std::int64_t Connection::max_blob_bytes() const { return sqlite3_limit(handle_.get(), SQLITE_LIMIT_LENGTH, -1); }

Query::Query(const Connection& connection, sqlite3_stmt& statement) : connection_(connection), statement_(statement) {
  // Two live queries on one cached statement would silently share its cursor.
  if (sqlite3_stmt_busy(&statement_) != 0)
    throw std::logic_error(std::string("sqlite: statement already in use: ") + sqlite3_sql(&statement_));
}

Query::~Query() {
  sqlite3_reset(&statement_);
  sqlite3_clear_bindings(&statement_);
}

Query& Query::bind(int parameter, std::int64_t value) {
  const int code = sqlite3_bind_int64(&statement_, parameter, value);
  if (code != SQLITE_OK) connection_.fail(code, "bind");
  return *this;
}

Query& Query::bind(int parameter, double value) {
  const int code = sqlite3_bind_double(&statement_, parameter, value);
  if (code != SQLITE_OK) connection_.fail(code, "bind");
  return *this;
}

Query& Query::bind(int parameter, std::string_view text) {
  const int code = sqlite3_bind_text64(&statement_, parameter, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (code != SQLITE_OK) connection_.fail(code, "bind");
  return *this;
}

Query& Query::bind_blob(int parameter, std::span<const std::byte> bytes) {
  // A null pointer would bind SQL NULL, so an empty blob is bound as a zero-length blob.
  const int code = bytes.empty()
                       ? sqlite3_bind_zeroblob(&statement_, parameter, 0)
                       : sqlite3_bind_blob64(&statement_, parameter, bytes.data(), bytes.size(), SQLITE_STATIC);
  if (code != SQLITE_OK) connection_.fail(code, "bind");
  return *this;
}

Query& Query::bind_null(int parameter) {
  const int code = sqlite3_bind_null(&statement_, parameter);
  if (code != SQLITE_OK) connection_.fail(code, "bind");
  return *this;
}

bool Query::step() {
  const int code = sqlite3_step(&statement_);
  if (code == SQLITE_ROW) return true;
  if (code == SQLITE_DONE) return false;
  connection_.fail(code, sqlite3_sql(&statement_));
}

void Query::run() {
  while (step()) {
  }
  sqlite3_reset(&statement_);  // ready for the next bind: a statement can only be rebound after a reset
}

bool Query::is_null(int column) const { return sqlite3_column_type(&statement_, column) == SQLITE_NULL; }
std::int64_t Query::integer(int column) const { return sqlite3_column_int64(&statement_, column); }
double Query::real(int column) const { return sqlite3_column_double(&statement_, column); }

std::string Query::text(int column) const {
  const auto* characters = sqlite3_column_text(&statement_, column);
  if (characters == nullptr) return {};
  const int bytes = sqlite3_column_bytes(&statement_, column);
  return {reinterpret_cast<const char*>(characters), static_cast<std::size_t>(bytes)};
}

std::span<const std::byte> Query::blob(int column) const {
  const void* data = sqlite3_column_blob(&statement_, column);
  if (data == nullptr) return {};
  const int bytes = sqlite3_column_bytes(&statement_, column);
  return {static_cast<const std::byte*>(data), static_cast<std::size_t>(bytes)};
}

Transaction::Transaction(const Connection& connection) : connection_(connection) {
  connection_.execute("BEGIN IMMEDIATE");
}

Transaction::~Transaction() {
  if (!open_) return;
  try {
    connection_.execute("ROLLBACK");
  } catch (...) {
    // SQLite may already have rolled back (e.g. after SQLITE_FULL); nothing more to undo.
  }
}

void Transaction::commit() {
  connection_.execute("COMMIT");
  open_ = false;
}

}  // namespace nnlab::sqlite
