// Small text helpers shared by summaries, tables and error messages.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/tensor.hpp"

namespace nnlab {

// 238510 -> "238,510"; -1234 -> "-1,234".
std::string with_thousands(Index value);

// Longest stretch of user input an error message quotes (shown_value's default).
inline constexpr std::size_t shown_value_limit = 80;

// A value from the user as every error message quotes it: control characters escaped (\n, \r,
// \t, \x00) so the message stays one line, and at most `limit` characters; a longer value is
// cut (never inside a UTF-8 character) and followed by "… (<length> bytes)", e.g. a 100 kB
// name -> "nnnn…nnn… (102,400 bytes)".
std::string shown_value(std::string_view value, std::size_t limit = shown_value_limit);

}  // namespace nnlab
