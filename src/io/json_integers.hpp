// Integers read from JSON that nlohmann::json did not write itself (checkpoints, stored
// documents): `get<std::int64_t>()` on a JSON float converts with a cast, which is undefined
// behaviour for 1e300, and wraps or truncates integers out of the target's range. These read
// only JSON integers that fit: json_integer throws std::invalid_argument naming the value
// otherwise, json_integer_in returns nullopt (for decoders that never throw).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace nnlab {

// A JSON integer in [low, high], or nullopt: a float, a string, or out of range. JSON's
// non-negative integers (0 included) are stored unsigned, so both kinds are checked.
inline std::optional<std::int64_t> json_integer_in(const nlohmann::json& value, std::int64_t low, std::int64_t high) {
  if (value.is_number_unsigned()) {
    const auto number = value.get<std::uint64_t>();
    if (number > static_cast<std::uint64_t>(high) || static_cast<std::int64_t>(number) < low) return std::nullopt;
    return static_cast<std::int64_t>(number);
  }
  if (!value.is_number_integer()) return std::nullopt;
  const auto number = value.get<std::int64_t>();
  if (number < low || number > high) return std::nullopt;
  return number;
}

template <typename T>
T json_integer(const nlohmann::json& value) {
  static_assert(std::is_integral_v<T>);
  const auto refuse = [&] {
    std::string text = value.dump();
    if (text.size() > 40) text = text.substr(0, 40) + "…";
    return std::invalid_argument("expected an integer in [" + std::to_string(std::numeric_limits<T>::min()) + ", " +
                                 std::to_string(std::numeric_limits<T>::max()) + "], got " + text);
  };
  if (value.is_number_unsigned()) {
    const auto number = value.get<std::uint64_t>();
    if (number > static_cast<std::uint64_t>(std::numeric_limits<T>::max())) throw refuse();
    return static_cast<T>(number);
  }
  if (!value.is_number_integer()) throw refuse();
  const auto number = value.get<std::int64_t>();
  if constexpr (std::is_signed_v<T>) {
    if (number < std::numeric_limits<T>::min() || number > std::numeric_limits<T>::max()) throw refuse();
  } else {
    if (number < 0 || static_cast<std::uint64_t>(number) > std::numeric_limits<T>::max()) throw refuse();
  }
  return static_cast<T>(number);
}

// A JSON array of such integers.
template <typename T>
std::vector<T> json_integers(const nlohmann::json& value) {
  if (!value.is_array()) throw std::invalid_argument("expected an array of integers, got " + std::string(value.type_name()));
  std::vector<T> out;
  out.reserve(value.size());
  for (const nlohmann::json& item : value) out.push_back(json_integer<T>(item));
  return out;
}

}  // namespace nnlab
