// A thin RAII layer over the SQLite C API: one connection owning sqlite3*, cached prepared
// statements, scoped queries that always reset, and BEGIN IMMEDIATE transactions.
// Failures caused by the file (not a database, corrupted, locked, disk full, unreadable) are
// InputErrors "<file>: <reason>"; failures of our own SQL are std::logic_error.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

struct sqlite3;
struct sqlite3_stmt;

namespace nnlab::sqlite {

struct ConnectionCloser {
  void operator()(sqlite3* connection) const noexcept;
};
struct StatementFinalizer {
  void operator()(sqlite3_stmt* statement) const noexcept;
};
using StatementPointer = std::unique_ptr<sqlite3_stmt, StatementFinalizer>;

class Connection;

// One use of a cached statement: bind, step through rows, read columns. The destructor resets
// the statement so that no read transaction outlives the query (a lingering reader would stall
// WAL checkpoints of every other process). Parameters and columns count from 1 and 0 as in SQLite.
class Query {
 public:
  Query(const Connection& connection, sqlite3_stmt& statement);
  ~Query();
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;

  Query& bind(int parameter, std::int64_t value);
  Query& bind(int parameter, double value);
  Query& bind(int parameter, std::string_view text);  // copied by SQLite
  Query& bind_blob(int parameter, std::span<const std::byte> bytes);  // must outlive step()
  Query& bind_null(int parameter);

  // Runs to the next row: true when a row is available, false when done.
  bool step();
  // Runs a statement to completion, ignoring rows, and resets it so it can be bound and run again.
  void run();

  bool is_null(int column) const;
  std::int64_t integer(int column) const;
  double real(int column) const;
  std::string text(int column) const;                 // "" for NULL
  std::span<const std::byte> blob(int column) const;  // valid until the next step()

 private:
  const Connection& connection_;
  sqlite3_stmt& statement_;
};

class Connection {
 public:
  // Opens (and, with create, creates) the file. Nothing is read yet, so a file that is not a
  // database is only detected by the first statement.
  Connection(std::filesystem::path file, bool create);
  // Opens an existing file read-only (URI mode=ro): every write fails with SQLITE_READONLY.
  // `immutable` also skips locking and the -wal/-shm files, for a file nothing can change (its
  // directory is not writable, so no writer can exist); SQLite then never creates a file.
  struct ReadOnly {
    bool immutable = false;
  };
  Connection(std::filesystem::path file, ReadOnly read_only);
  // The cached statements move with the handle they belong to; the source is left closed.
  Connection(Connection&& other) noexcept;
  Connection& operator=(Connection&&) = delete;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection() = default;

  // Runs one or more statements that return no rows (DDL, PRAGMA settings, BEGIN/COMMIT).
  void execute(std::string_view sql) const;
  // The same for statements that answer SQLITE_BUSY at once instead of calling the busy handler
  // (changing the journal mode while another process reads): retried up to the busy timeout.
  void execute_retrying(std::string_view sql) const;
  // A prepared statement from the cache, compiled on first use.
  Query query(const std::string& sql) const;

  std::int64_t last_insert_id() const;
  std::int64_t changes() const;  // rows changed by the latest INSERT/UPDATE/DELETE
  std::int64_t max_blob_bytes() const;
  const std::filesystem::path& file() const { return file_; }
  bool is_open() const { return handle_ != nullptr; }

  // Throws the error `code` stands for, naming the file; `action` says what we were doing.
  [[noreturn]] void fail(int code, std::string_view action) const;

 private:
  std::filesystem::path file_;
  std::unique_ptr<sqlite3, ConnectionCloser> handle_;
  // Declared after handle_ so that statements are finalised before the connection closes.
  mutable std::unordered_map<std::string, StatementPointer> statements_;
};

// BEGIN IMMEDIATE takes the write lock at once, so the busy timeout covers waiting for another
// writer; a deferred transaction that upgrades later could fail with SQLITE_BUSY instead of
// waiting. Rolls back unless committed.
class Transaction {
 public:
  explicit Transaction(const Connection& connection);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  void commit();

 private:
  const Connection& connection_;
  bool open_ = true;
};

}  // namespace nnlab::sqlite
