// The memory a plan may use and the check `nnlab run` makes before training: the machine's
// available memory (MemAvailable of /proc/meminfo) or `--max-memory SIZE`; `--force` skips it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "experiment/memory_estimate.hpp"

namespace nnlab {

struct MemoryLimit {
  double bytes = 0;
  bool from_flag = false;  // --max-memory, rather than what the machine has available
};

// MemAvailable of `meminfo` (default /proc/meminfo) in bytes; nullopt when it cannot be read.
std::optional<double> available_memory(const std::string& meminfo = "/proc/meminfo");

// A size as --max-memory takes it: a positive number of bytes with an optional suffix K, M,
// G or T (powers of 1024, any case, optionally followed by B or iB): "2000000000", "512M",
// "1.5G", "8GiB". nullopt for anything else.
std::optional<double> parse_memory_size(std::string_view text);

// --max-memory when given (an InputError naming a bad value), else the available memory;
// nullopt when neither is known (no check).
std::optional<MemoryLimit> memory_limit(const std::optional<std::string>& max_memory_flag);

// Throws InputError "<file>: population <i> (<description>): needs about <size>, more than
// <limit> ..." for the first population whose estimate exceeds the limit.
void check_plan_memory(const std::string& file, const std::vector<PopulationMemory>& estimates, const MemoryLimit& limit);

// What `nnlab run --plan` adds: one line per population with its estimate and its parts, and
// the limit it is held to (or that none is known).
std::string describe_plan_memory(const std::vector<PopulationMemory>& estimates, const std::optional<MemoryLimit>& limit);

}  // namespace nnlab
