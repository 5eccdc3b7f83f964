// Text read back from the store is UTF-8, as nnlab wrote it; `show --json`, the CSV export and
// the report rely on it. A damaged store is an InputError naming the run and the column.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace nnlab {

// The offset of the first byte that does not belong to a well-formed UTF-8 sequence (overlong
// forms, surrogates and code points above U+10FFFF included), or nullopt when there is none.
std::optional<std::size_t> invalid_utf8_at(std::string_view text);

// `text` when it is valid UTF-8, else InputError "<where()>: not valid UTF-8 (byte N)"; `where`
// is called only then, so the common path builds no message.
template <typename Where>
std::string checked_utf8(std::string text, const Where& where) {
  if (const auto at = invalid_utf8_at(text))
    throw InputError(std::string(where()) + ": not valid UTF-8 (byte " + std::to_string(*at) + "); the store is damaged");
  return text;
}

}  // namespace nnlab
