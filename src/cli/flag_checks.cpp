#include "cli/flag_checks.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <string>

#include "core/text.hpp"

namespace nnlab {

CLI::Validator integer_between(int low, int high) {
  const auto check = [low, high](std::string& input) -> std::string {
    long long value = 0;
    const auto [end, error] = std::from_chars(input.data(), input.data() + input.size(), value);
    if (!input.empty() && error == std::errc() && end == input.data() + input.size() && value >= low && value <= high) return {};
    return fmt::format("expected an integer between {} and {}, got '{}'", low, high, shown_value(input));
  };
  return CLI::Validator(check, fmt::format("{}..{}", low, high));
}

std::string capped_failure_message(const CLI::App* app, const CLI::Error& error) {
  const std::string message = CLI::FailureMessage::simple(app, error);
  const std::size_t end = std::min(message.find('\n'), message.size());
  return shown_value(std::string_view(message).substr(0, end), 3 * shown_value_limit) + message.substr(end);
}

}  // namespace nnlab
