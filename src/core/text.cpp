#include "core/text.hpp"

#include <array>
#include <cstdio>

namespace nnlab {

std::string with_thousands(Index value) {
  const std::string digits = std::to_string(value);
  const std::size_t sign = value < 0 ? 1 : 0;
  std::string text = digits.substr(0, sign);
  for (std::size_t i = sign; i < digits.size(); ++i) {
    // A comma before every group of three digits counted from the right.
    if (i > sign && (digits.size() - i) % 3 == 0) text += ',';
    text += digits[i];
  }
  return text;
}

namespace {

// One byte as shown: itself, or an escape for a control character.
std::string shown_byte(char c) {
  switch (c) {
    case '\n': return "\\n";
    case '\r': return "\\r";
    case '\t': return "\\t";
    default: break;
  }
  const auto byte = static_cast<unsigned char>(c);
  if (byte >= 0x20 && byte != 0x7f) return std::string(1, c);
  std::array<char, 5> escape{};
  std::snprintf(escape.data(), escape.size(), "\\x%02x", byte);
  return escape.data();
}

bool utf8_continuation(char c) { return (static_cast<unsigned char>(c) & 0xc0u) == 0x80u; }

}  // namespace

std::string shown_value(std::string_view value, std::size_t limit) {
  std::string shown;
  std::size_t used = 0;  // bytes of `value` in `shown`
  for (; used < value.size(); ++used) {
    const std::string piece = shown_byte(value[used]);
    if (shown.size() + piece.size() > limit) break;
    shown += piece;
  }
  if (used == value.size()) return shown;
  // Back up to the start of a UTF-8 character; its bytes were copied one for one.
  while (used > 0 && utf8_continuation(value[used])) {
    --used;
    shown.pop_back();
  }
  return shown + "… (" + with_thousands(static_cast<Index>(value.size())) + " bytes)";
}

}  // namespace nnlab
