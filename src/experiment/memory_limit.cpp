#include "experiment/memory_limit.hpp"

#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <fstream>
#include <sstream>

#include "core/error.hpp"
#include "core/text.hpp"

namespace nnlab {

std::optional<double> available_memory(const std::string& meminfo) {
  std::ifstream in(meminfo);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.starts_with("MemAvailable:")) continue;
    std::istringstream fields(line.substr(13));
    double kib = 0;
    std::string unit;
    if (fields >> kib >> unit && unit == "kB" && kib > 0) return kib * 1024;
    return std::nullopt;
  }
  return std::nullopt;
}

std::optional<double> parse_memory_size(std::string_view text) {
  // The number: digits with at most one decimal point (no sign, exponent, inf or nan).
  std::size_t end = 0;
  bool digits = false, point = false;
  for (; end < text.size(); ++end) {
    const char c = text[end];
    if (std::isdigit(static_cast<unsigned char>(c))) {
      digits = true;
    } else if (c == '.' && !point) {
      point = true;
    } else {
      break;
    }
  }
  if (!digits || end > 40) return std::nullopt;
  double value = std::stod(std::string(text.substr(0, end)));
  std::string suffix(text.substr(end));
  for (char& c : suffix) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  static constexpr std::string_view prefixes = "KMGT";
  if (!suffix.empty() && prefixes.find(suffix[0]) != std::string_view::npos) {
    value *= std::pow(1024.0, static_cast<double>(prefixes.find(suffix[0]) + 1));
    suffix.erase(0, 1);
    if (suffix == "IB" || suffix == "B") suffix.clear();
  } else if (suffix == "B") {
    suffix.clear();
  }
  if (!suffix.empty() || !(value >= 1) || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::optional<MemoryLimit> memory_limit(const std::optional<std::string>& max_memory_flag) {
  if (max_memory_flag) {
    const auto bytes = parse_memory_size(*max_memory_flag);
    if (!bytes)
      throw InputError(fmt::format("--max-memory: expected a size such as 8G, 512M or 2000000000 (bytes), got '{}'", shown_value(*max_memory_flag)));
    return MemoryLimit{.bytes = *bytes, .from_flag = true};
  }
  if (const auto available = available_memory()) return MemoryLimit{.bytes = *available, .from_flag = false};
  return std::nullopt;
}

void check_plan_memory(const std::string& file, const std::vector<PopulationMemory>& estimates, const MemoryLimit& limit) {
  for (const PopulationMemory& population : estimates) {
    const double needed = population.estimate.total();
    if (needed <= limit.bytes) continue;
    const std::string against = limit.from_flag ? fmt::format("more than the --max-memory limit of {} (--force to try anyway)", format_bytes(limit.bytes))
                                                : fmt::format("more than the {} available (--max-memory to set the limit, --force to try anyway)",
                                                              format_bytes(limit.bytes));
    throw InputError(fmt::format("{}: population {} ({}): needs about {}, {}", file, population.population, shown_value(population.description, 200),
                                 format_bytes(needed), against));
  }
}

std::string describe_plan_memory(const std::vector<PopulationMemory>& estimates, const std::optional<MemoryLimit>& limit) {
  std::string text = !limit           ? std::string("memory estimate (no limit known: /proc/meminfo unreadable; see --max-memory):\n")
                     : limit->from_flag ? fmt::format("memory estimate (limit: --max-memory {}):\n", format_bytes(limit->bytes))
                                        : fmt::format("memory estimate (limit: the {} available):\n", format_bytes(limit->bytes));
  for (const PopulationMemory& population : estimates) {
    const double needed = population.estimate.total();
    text += fmt::format("  population {} ({}): about {}{}{}\n", population.population, shown_value(population.description, 200), format_bytes(needed),
                        describe_parts(population.estimate), limit && needed > limit->bytes ? "; over the limit: run refuses it without --force" : "");
  }
  return text;
}

}  // namespace nnlab
