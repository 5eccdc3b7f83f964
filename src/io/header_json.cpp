#include "io/header_json.hpp"

#include <algorithm>
#include <set>
#include <vector>

#include "core/error.hpp"
#include "core/text.hpp"

namespace nnlab {
namespace {

using Json = nlohmann::json;

constexpr int max_header_depth = 16;  // a valid header nests 3 deep: root -> entry -> shape

[[noreturn]] void fail_at_byte(const std::string& source, std::uint64_t offset, const std::string& reason) {
  throw InputError(source + ": byte " + std::to_string(offset) + ": " + reason);
}

// Built by appending: GCC 12 warns falsely (-Wrestrict) on "'" + std::string(...).
std::string in_quotes(std::string_view text) {
  std::string result = "'";
  result.append(shown_value(text));
  return result += "'";
}

// Finds where nlohmann's parser gives up: the byte after the token it could not take (a
// number too large for a double is an out_of_range error that carries no position).
class ErrorPosition : public nlohmann::json_sax<Json> {
 public:
  std::size_t after = 0;  // bytes read when it gave up; the token ends just before
  std::size_t token_bytes = 0;

  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return true; }
  bool key(string_t&) override { return true; }
  bool end_object() override { return true; }
  bool start_array(std::size_t) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t position, const std::string& token, const nlohmann::detail::exception&) override {
    after = position;
    token_bytes = token.size();
    return false;
  }
};

}  // namespace

Json parse_header_json(std::string_view text, std::uint64_t offset, const std::string& source) {
  // nlohmann's parser ends the text at a NUL byte: anything after one would be ignored.
  if (const std::size_t nul = text.find('\0'); nul != std::string_view::npos)
    fail_at_byte(source, offset + nul, "a NUL byte in the header (the header is JSON text, padded with spaces)");
  struct OpenObject {
    std::string owner;  // the key this object is the value of; empty for the root
    std::set<std::string> keys;
  };
  std::vector<OpenObject> open_objects;
  std::string last_key;
  const auto check = [&](int depth, Json::parse_event_t event, Json& parsed) {
    using Event = Json::parse_event_t;
    if ((event == Event::object_start || event == Event::array_start) && depth >= max_header_depth)
      throw InputError(source + ": header nests deeper than " + std::to_string(max_header_depth) + " levels");
    if (event == Event::object_start) open_objects.push_back({open_objects.empty() ? "" : last_key, {}});
    if (event == Event::object_end) open_objects.pop_back();
    if (event == Event::key) {
      last_key = parsed.get<std::string>();
      OpenObject& object = open_objects.back();
      if (!object.keys.insert(last_key).second) {
        if (open_objects.size() == 1) throw InputError(source + ": duplicate tensor name " + in_quotes(last_key));
        throw InputError(source + ": " + shown_value(object.owner) + ": duplicate key " + in_quotes(last_key));
      }
    }
    return true;
  };
  try {
    return Json::parse(text.begin(), text.end(), check);
  } catch (const Json::parse_error& error) {
    // error.byte is 1-based within the header.
    const std::uint64_t at = offset + (error.byte > 0 ? error.byte - 1 : 0);
    std::string reason = error.what();
    if (const auto colon = reason.find(": "); colon != std::string::npos) reason = reason.substr(colon + 2);
    // nlohmann echoes the offending bytes; keep the message one printable line.
    for (char& c : reason)
      if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) c = '?';
    fail_at_byte(source, at, "header is not valid JSON: " + shown_value(reason, 2 * shown_value_limit));
  } catch (const Json::out_of_range&) {  // 406: a number beyond the range of a double, e.g. 1e999
    ErrorPosition position;
    Json::sax_parse(text.begin(), text.end(), &position);
    const std::size_t start = position.after >= position.token_bytes ? position.after - position.token_bytes : 0;
    const std::string_view number = text.substr(std::min(start, text.size()), position.token_bytes);
    fail_at_byte(source, offset + start, "number " + shown_value(number) + " is out of range");
  }
}

}  // namespace nnlab
