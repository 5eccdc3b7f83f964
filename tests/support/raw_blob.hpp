// Damages a stored blob the way a failing disk or a stray write would: flips one bit of one
// row's blob straight through the SQLite C API, never through the code under test.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace nnlab::testing {

// Flips bit `bit` of byte `offset` (counted from the end when negative) of `column` in the
// first row of `table` that `where` selects. Throws std::runtime_error when there is no such
// row or byte.
inline void flip_blob_bit(const std::filesystem::path& file, const std::string& table, const std::string& column,
                          const std::string& where, std::int64_t offset, int bit = 0) {
  sqlite3* raw = nullptr;
  const int opened = sqlite3_open(file.c_str(), &raw);
  const std::unique_ptr<sqlite3, int (*)(sqlite3*)> handle(raw, sqlite3_close);
  if (opened != SQLITE_OK) throw std::runtime_error("flip_blob_bit: cannot open " + file.string());
  sqlite3_busy_timeout(raw, 10'000);
  const auto prepare = [&](const std::string& sql) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(raw, sql.c_str(), -1, &statement, nullptr) != SQLITE_OK)
      throw std::runtime_error("flip_blob_bit: " + std::string(sqlite3_errmsg(raw)) + " in: " + sql);
    return std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)>(statement, sqlite3_finalize);
  };
  std::int64_t rowid = 0;
  std::vector<unsigned char> bytes;
  {
    const auto select = prepare("SELECT rowid, " + column + " FROM " + table + " WHERE " + where + " LIMIT 1");
    if (sqlite3_step(select.get()) != SQLITE_ROW) throw std::runtime_error("flip_blob_bit: no row of " + table + " where " + where);
    rowid = sqlite3_column_int64(select.get(), 0);
    const auto* data = static_cast<const unsigned char*>(sqlite3_column_blob(select.get(), 1));
    bytes.assign(data, data + sqlite3_column_bytes(select.get(), 1));
  }
  const std::int64_t at = offset < 0 ? static_cast<std::int64_t>(bytes.size()) + offset : offset;
  if (at < 0 || at >= static_cast<std::int64_t>(bytes.size()))
    throw std::runtime_error("flip_blob_bit: the blob has " + std::to_string(bytes.size()) + " bytes, no byte " + std::to_string(offset));
  bytes[static_cast<std::size_t>(at)] ^= static_cast<unsigned char>(1u << bit);
  const auto update = prepare("UPDATE " + table + " SET " + column + " = ?1 WHERE rowid = ?2");
  sqlite3_bind_blob64(update.get(), 1, bytes.data(), bytes.size(), SQLITE_STATIC);
  sqlite3_bind_int64(update.get(), 2, rowid);
  if (sqlite3_step(update.get()) != SQLITE_DONE) throw std::runtime_error("flip_blob_bit: " + std::string(sqlite3_errmsg(raw)));
}

// Runs SQL on the file directly (no rows expected); throws std::runtime_error on failure.
inline void execute_raw(const std::filesystem::path& file, const std::string& sql) {
  sqlite3* raw = nullptr;
  const int opened = sqlite3_open(file.c_str(), &raw);
  const std::unique_ptr<sqlite3, int (*)(sqlite3*)> handle(raw, sqlite3_close);
  if (opened != SQLITE_OK) throw std::runtime_error("execute_raw: cannot open " + file.string());
  sqlite3_busy_timeout(raw, 10'000);
  char* error = nullptr;
  if (sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    const std::string message = error != nullptr ? error : "?";
    sqlite3_free(error);
    throw std::runtime_error("execute_raw: " + message + " in: " + sql);
  }
}

}  // namespace nnlab::testing
