#include "experiment/yaml_fields.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <system_error>

#include "core/error.hpp"
#include "core/text.hpp"
#include "experiment/suggest.hpp"

namespace nnlab {
namespace {

// Names users bring from other tools, suggested as the key nnlab uses.
constexpr std::array<std::pair<std::string_view, std::string_view>, 10> key_aliases{{
    {"learning_rate", "lr"},
    {"batch_size", "batch"},
    {"num_epochs", "epochs"},
    {"n_epochs", "epochs"},
    {"max_epochs", "epochs"},
    {"lr_multipliers", "layer_lr"},
    {"layer_lr_multipliers", "layer_lr"},
    {"units_per_layer", "layers"},
    {"hidden_layers", "layers"},
    {"repeats", "replicates"},
}};

// `inner` lies inside `outer` ("a.b.c" inside "a.b"), or is it. A `*` segment (a --set
// wildcard) matches any one segment: "model.layers.1.steepness" lies in "model.layers.*".
bool within(std::string_view inner, std::string_view outer) {
  while (true) {
    const std::size_t inner_dot = inner.find('.'), outer_dot = outer.find('.');
    const std::string_view inner_head = inner.substr(0, inner_dot), outer_head = outer.substr(0, outer_dot);
    if (outer_head != "*" && inner_head != "*" && outer_head != inner_head) return false;
    if (outer_dot == std::string_view::npos) return true;
    if (inner_dot == std::string_view::npos) return false;
    inner.remove_prefix(inner_dot + 1);
    outer.remove_prefix(outer_dot + 1);
  }
}

// The key was written by --set, lies under a value --set wrote, or was created on the way to one.
bool written_by_override(const YamlOrigin& origin, std::string_view key) {
  return std::ranges::any_of(origin.overridden_keys, [key](const std::string& written) {
    return within(key, written) || within(written, key);
  });
}

std::string lowercase(std::string_view text) {
  std::string result(text);
  for (char& c : result) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return result;
}

// The whole of `text` as a T (leading '+' allowed), or nullopt.
template <typename T>
std::optional<T> parse_whole(std::string_view text) {
  if (text.size() > 1 && text.front() == '+' && text[1] != '-') text.remove_prefix(1);
  T value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// How a YAML core schema tag is written: "str" -> "!!str" (written_tag's form).
std::string yaml_tag(std::string_view type) { return fmt::format("!!{}", type); }

// A scalar's tag as a user writes it: "" for none ("?" as loaded, "" when built in code), "!"
// when quoted, "!!str" for tag:yaml.org,2002:str, any other tag as it is.
std::string written_tag(const std::string& tag) {
  constexpr std::string_view core_schema = "tag:yaml.org,2002:";
  if (tag.empty() || tag == "?") return "";
  if (tag.starts_with(core_schema)) return "!!" + tag.substr(core_schema.size());
  return tag;
}

std::string joined(std::span<const std::string_view> names) {
  std::string list;
  for (const std::string_view name : names) list += (list.empty() ? "" : ", ") + std::string(name);
  return list;
}

}  // namespace

void fail_at(const YamlOrigin& origin, std::string_view key, std::string_view reason) {
  if (key.empty()) throw InputError(fmt::format("{}: {}", origin.file, reason));
  const std::string_view marker = written_by_override(origin, key) ? " (from --set)" : "";
  throw InputError(fmt::format("{}: {}{}: {}", origin.file, shown_value(key), marker, reason));
}

std::string join_key(std::string_view parent, std::string_view name) {
  return parent.empty() ? std::string(name) : fmt::format("{}.{}", parent, name);
}

std::string Field::shown() const {
  if (is_null()) return "nothing";
  if (is_list()) return "a list";
  if (is_map()) return "a map";
  const std::string value = shown_value(node_.Scalar());
  const std::string tag = written_tag(node_.Tag());
  if (tag.empty()) return value;
  if (tag == "!") return fmt::format("\"{}\"", value);
  return fmt::format("{} {}", tag, value);
}

std::string Field::got() const {
  if (!is_scalar()) return shown();
  const std::string tag = written_tag(node_.Tag());
  if (tag.empty()) return fmt::format("'{}'", shown());
  if (tag == "!") return fmt::format("{} (quoted, so a string)", shown());
  if (tag == yaml_tag("str")) return fmt::format("{} (tagged, so a string)", shown());
  return shown();
}

void Field::fail_type(std::string_view expected) const { fail(fmt::format("expected {}, got {}", expected, got())); }

std::optional<std::string> Field::typed_text(std::initializer_list<std::string_view> types) const {
  if (!is_scalar()) return std::nullopt;
  const std::string tag = written_tag(node_.Tag());
  if (!tag.empty() && std::ranges::none_of(types, [&](std::string_view type) { return tag == yaml_tag(type); }))
    return std::nullopt;
  return node_.Scalar();
}

void Field::check(bool holds, std::string_view rule) const {
  if (!holds) fail(fmt::format("{}, got {}", rule, shown()));
}

double Field::number() const {
  const std::optional<std::string> text = typed_text({"float", "int"});
  if (!text) fail_type("a number");
  const std::optional<double> value = parse_whole<double>(*text);
  if (!value) fail_type("a number");
  if (!std::isfinite(*value)) fail_type("a finite number");
  return *value;
}

std::optional<std::int64_t> Field::try_integer() const {
  const std::optional<std::string> text = typed_text({"int", "float"});
  if (!text) return std::nullopt;
  if (const auto value = parse_whole<std::int64_t>(*text)) return value;
  // Integral values written in floating-point form ("1e3", "2000.0") are integers too, up to
  // 2^53 where a double still holds every integer exactly.
  constexpr double exact_limit = 9007199254740992.0;
  const std::optional<double> real = parse_whole<double>(*text);
  if (!real || !std::isfinite(*real) || std::trunc(*real) != *real || std::abs(*real) > exact_limit)
    return std::nullopt;
  return static_cast<std::int64_t>(*real);
}

std::int64_t Field::integer() const {
  const std::optional<std::int64_t> value = try_integer();
  if (!value) fail_type("an integer");
  return *value;
}

bool Field::boolean(std::string_view expected) const {
  if (const std::optional<std::string> text = typed_text({"bool"})) {
    const std::string word = lowercase(*text);
    if (word == "true" || word == "yes" || word == "on") return true;
    if (word == "false" || word == "no" || word == "off") return false;
  }
  fail_type(expected);
}

std::string Field::text() const {
  if (!is_scalar()) fail_type("a single value");
  return node_.Scalar();
}

std::vector<Field> Field::items() const {
  if (!is_list()) fail_type("a list");
  std::vector<Field> entries;
  entries.reserve(node_.size());
  for (std::size_t i = 0; i < node_.size(); ++i) entries.push_back(child(std::to_string(i), node_[i]));
  return entries;
}

Section::Section(const Field& field, std::span<const std::string_view> keys) : field_(field) {
  if (field.is_null()) return;
  if (!field.is_map()) field.fail(fmt::format("expected a map of keys ({}), got {}", joined(keys), field.shown()));
  for (auto entry = field.node().begin(); entry != field.node().end(); ++entry) {
    if (!entry->first.IsScalar()) field.fail("keys must be plain names, got a list or map as a key");
    std::string name = entry->first.Scalar();
    const std::string key = join_key(field.key(), name);
    if (contains(name)) fail_at(field.origin(), key, "duplicate key");
    if (std::ranges::find(keys, name) == keys.end()) {
      std::vector<std::string_view> candidates(keys.begin(), keys.end());
      for (const auto& [alias, target] : key_aliases)
        if (std::ranges::find(keys, target) != keys.end()) candidates.push_back(alias);
      std::optional<std::string> match = closest_match(name, candidates);
      for (const auto& [alias, target] : key_aliases)
        if (match && *match == alias) match = std::string(target);
      if (match) fail_at(field.origin(), key, fmt::format("unknown key; did you mean '{}'?", *match));
      fail_at(field.origin(), key, fmt::format("unknown key; expected one of {}", joined(keys)));
    }
    entries_.emplace_back(std::move(name), entry->second);
  }
}

std::optional<Field> Section::find(std::string_view name) const {
  for (const auto& [key, node] : entries_)
    if (key == name) return field_.child(name, node);
  return std::nullopt;
}

Field Section::required(std::string_view name) const {
  std::optional<Field> found = find(name);
  if (!found) fail_at(field_.origin(), join_key(field_.key(), name), "missing (required)");
  return *std::move(found);
}

void Section::only(std::span<const std::string_view> used, std::string_view user) const {
  for (const auto& [key, node] : entries_)
    if (std::ranges::find(used, key) == used.end())
      fail_at(field_.origin(), join_key(field_.key(), key), fmt::format("not used by {}", user));
}

std::size_t choose_name(const Field& field, std::span<const std::string_view> names, std::string_view what) {
  const std::string name = field.text();
  const auto found = std::ranges::find(names, name);
  if (found != names.end()) return static_cast<std::size_t>(found - names.begin());
  if (const std::optional<std::string> match = closest_match(name, names))
    field.fail(fmt::format("unknown {} '{}'; did you mean '{}'?", what, shown_value(name), *match));
  field.fail(fmt::format("unknown {} '{}'; expected one of {}", what, shown_value(name), joined(names)));
}

}  // namespace nnlab
