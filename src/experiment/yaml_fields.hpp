// Reading a YAML tree with errors that name the file and the dotted key: typed scalars,
// sections with a fixed set of keys (unknown ones get a "did you mean"), named choices.
#pragma once

#include <yaml-cpp/yaml.h>

#include <array>
#include <cstddef>
#include <initializer_list>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nnlab {

// Where an error points: the file as the user named it, and the keys that --set wrote.
struct YamlOrigin {
  std::string file;
  std::vector<std::string> overridden_keys;  // dotted, e.g. "optimizer.lr"
};

// Throws InputError "<file>: <key>: <reason>"; a key that --set wrote, lies under or created on
// its way is followed by "(from --set)". An empty key gives "<file>: <reason>".
[[noreturn]] void fail_at(const YamlOrigin& origin, std::string_view key, std::string_view reason);

// "a.b" + "c" -> "a.b.c"; "" + "c" -> "c".
std::string join_key(std::string_view parent, std::string_view name);

// One value of the tree together with its dotted key ("model.layers.0.units").
class Field {
 public:
  Field(const YamlOrigin& origin, YAML::Node node, std::string key)
      : origin_(&origin), node_(std::move(node)), key_(std::move(key)) {}

  const std::string& key() const { return key_; }
  const YAML::Node& node() const { return node_; }
  const YamlOrigin& origin() const { return *origin_; }
  bool is_null() const { return !node_.IsDefined() || node_.IsNull(); }
  bool is_scalar() const { return node_.IsScalar(); }
  bool is_list() const { return node_.IsSequence(); }
  bool is_map() const { return node_.IsMap(); }

  // Typed reads; a wrong type fails "expected a number, got 'abc'". A quoted scalar ("0.1",
  // '0.1') or one tagged !!str is a string in YAML, never a number or a boolean, whatever it
  // reads like: "expected a number, got \"0.1\" (quoted, so a string)". --set values are YAML too.
  double number() const;                            // finite
  std::int64_t integer() const;                     // also "1e3", but not "1.5"
  std::optional<std::int64_t> try_integer() const;  // nullopt instead of failing
  bool boolean(std::string_view expected = "true or false") const;  // true/false, yes/no, on/off
  std::string text() const;                         // a scalar as written (quoted or not)
  std::vector<Field> items() const;                 // a list's entries, keyed "<key>.0", "<key>.1", ...

  Field child(std::string_view name, YAML::Node node) const {
    return Field(*origin_, std::move(node), join_key(key_, name));
  }

  // The value for a message: the scalar as written ("0.1" in quotes when it was quoted, !!str 1
  // when tagged; at most 80 characters, core/text.hpp shown_value), "a list", "a map" or "nothing".
  std::string shown() const;
  // The value for a wrong-type message: a plain scalar in single quotes ('abc'), a string
  // with the reason it is one ("0.1" (quoted, so a string)), otherwise as shown().
  std::string got() const;
  [[noreturn]] void fail(std::string_view reason) const { fail_at(*origin_, key_, reason); }
  // Fails "<rule>, got <value>" unless `holds`, e.g. check(lr > 0, "must be > 0").
  void check(bool holds, std::string_view rule) const;

 private:
  [[noreturn]] void fail_type(std::string_view expected) const;
  // The scalar's text when its tag leaves the type to the text (no tag, or the YAML tag of one
  // of `types`: "int", "float", "bool"); nullopt for a string, another tag, a list or a map.
  std::optional<std::string> typed_text(std::initializer_list<std::string_view> types) const;

  const YamlOrigin* origin_;
  YAML::Node node_;
  std::string key_;
};

// A map whose keys must come from a fixed list. Construction fails on a non-map value, a
// non-scalar or duplicate key, and an unknown key ("unknown key; did you mean 'lr'?").
// A null value (`optimizer:` with nothing after it) is an empty section.
class Section {
 public:
  Section(const Field& field, std::span<const std::string_view> keys);
  Section(const Field& field, std::initializer_list<std::string_view> keys)
      : Section(field, std::span<const std::string_view>(keys.begin(), keys.size())) {}

  const Field& field() const { return field_; }
  bool contains(std::string_view name) const { return find(name).has_value(); }
  std::optional<Field> find(std::string_view name) const;
  Field required(std::string_view name) const;  // fails "<key>.<name>: missing (required)"
  // Keys outside `used` that are present fail "not used by <user>" (optimizer.betas with sgd).
  void only(std::span<const std::string_view> used, std::string_view user) const;
  void only(std::initializer_list<std::string_view> used, std::string_view user) const {
    only(std::span<const std::string_view>(used.begin(), used.size()), user);
  }

 private:
  Field field_;
  std::vector<std::pair<std::string, YAML::Node>> entries_;
};

// Index in `names` of the name `field` holds; otherwise fails "unknown <what> 'x'; did you
// mean 'y'?" or "...; expected one of a, b, c".
std::size_t choose_name(const Field& field, std::span<const std::string_view> names, std::string_view what);

template <typename Kind>
struct Choice {
  std::string_view name;
  Kind kind;
};

template <typename Kind, std::size_t N>
Kind choose(const Field& field, const std::array<Choice<Kind>, N>& choices, std::string_view what) {
  std::array<std::string_view, N> names;
  for (std::size_t i = 0; i < N; ++i) names[i] = choices[i].name;
  return choices[choose_name(field, names, what)].kind;
}

}  // namespace nnlab
