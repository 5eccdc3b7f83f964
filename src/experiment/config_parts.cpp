#include "experiment/config_parts.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

namespace nnlab::config_parts {

namespace fs = std::filesystem;

double positive(const Field& field) {
  const double value = field.number();
  field.check(value > 0, "must be > 0");
  return value;
}

double non_negative(const Field& field) {
  const double value = field.number();
  field.check(value >= 0, "must be >= 0");
  return value;
}

double in_closed_unit_interval(const Field& field) {
  const double value = field.number();
  field.check(value >= 0 && value <= 1, "must be in [0, 1]");
  return value;
}

double in_half_open_unit_interval(const Field& field) {
  const double value = field.number();
  field.check(value >= 0 && value < 1, "must be in [0, 1)");
  return value;
}

std::int64_t integer_at_least(const Field& field, std::int64_t minimum) {
  const std::int64_t value = field.integer();
  field.check(value >= minimum, fmt::format("must be >= {}", minimum));
  return value;
}

std::int64_t integer_between(const Field& field, std::int64_t minimum, std::int64_t maximum) {
  const std::int64_t value = field.integer();
  field.check(value >= minimum && value <= maximum, fmt::format("must be in [{}, {}]", minimum, maximum));
  return value;
}

// Relative paths are relative to the experiment file's directory.
fs::path path_value(const Field& field, const fs::path& base_dir) {
  const std::string text = field.text();
  if (text.empty()) field.fail("expected a path, got an empty string");
  const fs::path path(text);
  return path.is_relative() && !base_dir.empty() ? (base_dir / path).lexically_normal() : path;
}

// `name` stands for {key: name}: `train: mirror`, `loss: sse`, `optimizer: adam`.
Field expand_shorthand(const Field& field, std::string_view key) {
  if (!field.is_scalar()) return field;
  YAML::Node expanded(YAML::NodeType::Map);
  expanded[std::string(key)] = field.node().Scalar();
  return Field(field.origin(), expanded, field.key());
}

}  // namespace nnlab::config_parts
