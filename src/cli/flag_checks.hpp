// Checks of command-line values, with messages that quote the value the way every nnlab error
// does (at most 80 characters, core/text.hpp shown_value).
#pragma once

#include <CLI/CLI.hpp>

#include <string>

namespace nnlab {

// The most kernel threads --threads accepts (0 = all cores).
inline constexpr int max_thread_flag = 1024;

// An integer in [low, high]; CLI11 reports a failure as "--flag: expected an integer between
// 0 and 1024, got '-1'".
CLI::Validator integer_between(int low, int high);

// CLI11's message for a bad command line ("The following argument was not expected: ...")
// with its first line capped to 240 characters, as it may quote whatever was typed.
std::string capped_failure_message(const CLI::App* app, const CLI::Error& error);

}  // namespace nnlab
