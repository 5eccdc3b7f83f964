// Helpers for the data tests: a self-deleting scratch folder and error-message checks.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "support/scratch_directory.hpp"

namespace nnlab::testing {

using ScratchDir = ScratchDirectory;

inline void write_text(const std::filesystem::path& path, std::string_view text) {
  std::ofstream file(path, std::ios::binary);
  file << text;
}

// Runs `action`, expects an InputError whose message contains every one of `parts`; returns the message.
inline std::string expect_input_error(const std::function<void()>& action, std::initializer_list<std::string> parts) {
  try {
    action();
  } catch (const InputError& error) {
    const std::string message = error.what();
    for (const auto& part : parts)
      EXPECT_NE(message.find(part), std::string::npos) << "'" << part << "' missing from: " << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << "message should be one line: " << message;
    return message;
  } catch (const std::exception& error) {
    ADD_FAILURE() << "expected InputError, got another exception: " << error.what();
    return {};
  }
  ADD_FAILURE() << "expected InputError, nothing was thrown";
  return {};
}

}  // namespace nnlab::testing
