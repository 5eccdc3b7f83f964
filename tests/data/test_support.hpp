// Helpers for the data tests: a self-deleting scratch folder and error-message checks.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "support/input_error.hpp"
#include "support/scratch_directory.hpp"

namespace nnlab::testing {

using ScratchDir = ScratchDirectory;

inline void write_text(const std::filesystem::path& path, std::string_view text) {
  std::ofstream file(path, std::ios::binary);
  file << text;
}

}  // namespace nnlab::testing
