// Helpers for the store tests: a scratch directory per test, a raw SQLite handle to build
// fixtures and inspect files independently of the store's own code, and InputError checks.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "core/error.hpp"
#include "support/input_error.hpp"
#include "support/scratch_directory.hpp"

namespace nnlab::testing {

// The SQLite C API used directly, to build fixtures (v0 stores, foreign databases) and to look
// at files without going through the code under test. Failures abort the test with the message.
class RawDatabase {
 public:
  explicit RawDatabase(const std::filesystem::path& file) {
    sqlite3* raw = nullptr;
    const int code = sqlite3_open(file.c_str(), &raw);
    handle_.reset(raw);
    if (code != SQLITE_OK) throw std::runtime_error("raw open: " + std::string(sqlite3_errmsg(raw)));
    sqlite3_busy_timeout(raw, 10'000);
  }

  void execute(const std::string& sql) {
    char* error = nullptr;
    if (sqlite3_exec(handle_.get(), sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
      const std::string message = error != nullptr ? error : "?";
      sqlite3_free(error);
      throw std::runtime_error("raw execute: " + message + " in: " + sql);
    }
  }

  // The first column of the first row as text ("" for NULL or no row).
  std::string text(const std::string& sql) {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(handle_.get(), sql.c_str(), -1, &raw, nullptr) != SQLITE_OK)
      throw std::runtime_error("raw prepare: " + std::string(sqlite3_errmsg(handle_.get())) + " in: " + sql);
    const std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> statement(raw, sqlite3_finalize);
    if (sqlite3_step(raw) != SQLITE_ROW) return {};
    const auto* value = sqlite3_column_text(raw, 0);
    return value != nullptr ? reinterpret_cast<const char*>(value) : "";
  }

 private:
  std::unique_ptr<sqlite3, int (*)(sqlite3*)> handle_{nullptr, sqlite3_close};
};

}  // namespace nnlab::testing
