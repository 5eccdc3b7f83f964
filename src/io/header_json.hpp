// The JSON text of a safetensors header, parsed strictly: no NUL byte (the parser would stop
// there and ignore the rest), no duplicate key (it would keep the last), at most 16 levels of
// nesting, no number beyond a double (1e999). Each is an InputError naming the byte offset.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace nnlab {

// `text` starts at byte `offset` of the file named `source` (the messages count from there).
nlohmann::json parse_header_json(std::string_view text, std::uint64_t offset, const std::string& source);

}  // namespace nnlab
