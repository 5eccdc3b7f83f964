#include "experiment/overrides.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <utility>

#include "core/text.hpp"

namespace nnlab {
namespace {

// Sections that may be written as one name; the key that name stands for.
constexpr std::array<std::pair<std::string_view, std::string_view>, 5> shorthand_keys{{
    {"data.train", "source"},
    {"data.test", "source"},
    {"loss", "type"},
    {"optimizer", "type"},
    {"schedule", "type"},
}};

std::string_view trim(std::string_view text) {
  const auto is_space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

// Errors of --set name the flag, not a key of the file: "<file>: --set 'a.b=1': <reason>".
[[noreturn]] void fail_set(const YamlOrigin& origin, std::string_view where, std::string_view reason) {
  fail_at(origin, "", fmt::format("{}: {}", where, reason));
}

// model.layers.*.rate, .std, .momentum, .eps and .weight_norm: keys that only some layer types
// have ('*' sets them on those).
constexpr std::array<std::pair<std::string_view, std::array<std::string_view, 2>>, 5> layer_type_keys{{
    {"rate", {"dropout", "gaussian_dropout"}},
    {"std", {"gaussian_noise", ""}},
    {"momentum", {"batchnorm", ""}},
    {"eps", {"batchnorm", "layernorm"}},
    {"weight_norm", {"dense", "conv2d"}},
}};

// Whether `*` over model.layers leaves out `layer` for `key`: a key of other layer types.
bool layer_lacks(std::string_view walked, const YAML::Node& layer, std::string_view key) {
  if (walked != "model.layers") return false;
  const auto owners = std::ranges::find(layer_type_keys, key, [](const auto& entry) { return entry.first; });
  if (owners == layer_type_keys.end()) return false;
  const std::string type = layer.IsMap() && layer["type"] && layer["type"].IsScalar() ? layer["type"].Scalar() : "dense";
  return std::ranges::find(owners->second, type) == owners->second.end();
}

std::optional<std::size_t> list_index(std::string_view segment) {
  std::size_t index = 0;
  const auto [end, error] = std::from_chars(segment.data(), segment.data() + segment.size(), index);
  if (error != std::errc() || end != segment.data() + segment.size()) return std::nullopt;
  return index;
}

}  // namespace

Override parse_override(std::string_view text, const YamlOrigin& origin) {
  const std::string where = fmt::format("--set '{}'", shown_value(text));
  const std::size_t equals = text.find('=');
  if (equals == std::string_view::npos) fail_set(origin, where, "expected dotted.key=value, e.g. optimizer.lr=0.5");
  Override result;
  result.key = std::string(trim(text.substr(0, equals)));
  if (result.key.empty()) fail_set(origin, where, "empty key before '='");
  for (std::size_t start = 0;;) {
    const std::size_t dot = result.key.find('.', start);
    const std::string segment = result.key.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (segment.empty()) fail_set(origin, where, "empty segment in the key");
    result.path.push_back(segment);
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  const std::string value(text.substr(equals + 1));
  try {
    result.value = YAML::Load(value);
  } catch (const YAML::Exception& error) {
    fail_set(origin, where, fmt::format("the value is not valid YAML: {}", shown_value(error.msg, 2 * shown_value_limit)));
  }
  return result;
}

namespace {

// Writes override_.value at override_.path[i..] below `current`, whose dotted key is `walked`.
// `current` is a handle that is moved on with reset(): yaml-cpp's Node::operator= would
// overwrite the node it refers to. The value is cloned at each place it is written, so that
// no two places (nor the caller's value) share one node.
void write_below(YAML::Node current, std::string walked, std::size_t i, const Override& override_, const std::string& where,
                 const YamlOrigin& origin) {
  for (; i < override_.path.size(); ++i) {
    const std::string& segment = override_.path[i];
    const bool last = i + 1 == override_.path.size();
    const std::string here = join_key(walked, segment);
    if (current.IsScalar())
      fail_set(origin, where, fmt::format("{} holds a value ('{}'), not a map of keys", shown_value(walked), shown_value(current.Scalar())));
    if (segment == "*") {
      // Every entry of a list: model.layers.*.steepness sets steepness on every layer.
      if (!current.IsSequence())
        fail_set(origin, where, fmt::format("'*' stands for every entry of a list, but {} is {}", walked.empty() ? "the top level" : shown_value(walked),
                                           current.IsMap() ? "a map" : "not set"));
      if (current.size() == 0) fail_set(origin, where, fmt::format("{} is an empty list; '*' sets nothing", shown_value(walked)));
      const bool next_is_last = i + 2 == override_.path.size();
      std::size_t written = 0;
      for (std::size_t index = 0; index < current.size(); ++index) {
        if (next_is_last && layer_lacks(walked, current[index], override_.path[i + 1])) continue;
        ++written;
        if (last) {
          current[index] = YAML::Clone(override_.value);
          continue;
        }
        write_below(current[index], join_key(walked, std::to_string(index)), i + 1, override_, where, origin);
      }
      if (written == 0)
        fail_set(origin, where, fmt::format("no entry of {} takes '{}'", shown_value(walked), shown_value(override_.path[i + 1])));
      return;
    }
    if (current.IsSequence()) {
      const std::optional<std::size_t> index = list_index(segment);
      if (!index) fail_set(origin, where, fmt::format("{} is a list; '{}' is not an index", shown_value(walked), shown_value(segment)));
      if (*index >= current.size())
        fail_set(origin, where,
                fmt::format("{} has {} entries; index {} is out of range", walked, current.size(), *index));
      if (last) {
        current[*index] = YAML::Clone(override_.value);
        return;
      }
      YAML::Node next = current[*index];
      current.reset(next);
    } else {
      if (last) {
        current[segment] = YAML::Clone(override_.value);
        return;
      }
      YAML::Node next = current[segment];
      if (!next.IsDefined() || next.IsNull()) {
        current[segment] = YAML::Node(YAML::NodeType::Map);
      } else if (next.IsScalar()) {
        const auto shorthand =
            std::ranges::find(shorthand_keys, std::string_view(here), [](const auto& entry) { return entry.first; });
        if (shorthand == shorthand_keys.end())
          fail_set(origin, where, fmt::format("{} holds a value ('{}'), not a map of keys", shown_value(here), shown_value(next.Scalar())));
        YAML::Node expanded(YAML::NodeType::Map);
        expanded[std::string(shorthand->second)] = next.Scalar();
        current[segment] = expanded;
      }
      YAML::Node child = current[segment];
      current.reset(child);
    }
    walked = here;
  }
}

}  // namespace

void apply_override(YAML::Node root, const Override& override_, const YamlOrigin& origin) {
  const std::string where = fmt::format("--set {}", shown_value(override_.key));
  if (!root.IsMap() && !root.IsNull()) fail_set(origin, where, "the file's top level is not a map of keys");
  write_below(root, "", 0, override_, where, origin);
}

}  // namespace nnlab
