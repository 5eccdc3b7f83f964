// Integers read from JSON that nlohmann::json did not write itself (checkpoints, stored
// documents): `get<std::int64_t>()` on a JSON float converts with a cast, which is undefined
// behaviour for 1e300, and wraps or truncates integers out of the target's range. These read
// only JSON integers that fit, and throw std::invalid_argument naming the value otherwise.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace nnlab {

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
