// Helpers for the config error tests: the message a YAML text's parse throws, and a valid base
// file (mirror data, a 2-1 sigmoid net) plus extra top-level text.
#pragma once

#include <string>
#include <vector>

#include "core/error.hpp"
#include "experiment/config.hpp"

namespace nnlab::testing {

// The message of the InputError that parsing `yaml` (as file "mirror.yaml") throws.
inline std::string error_of(const std::string& yaml, const std::vector<std::string>& overrides = {}) {
  try {
    parse_experiment(yaml, "mirror.yaml", overrides);
  } catch (const InputError& error) {
    return error.what();
  }
  return "(no error)";
}

inline constexpr const char* valid_model = "model: {layers: [{units: 2, activation: sigmoid}, {units: 1, activation: sigmoid}]}\n";

inline std::string with(const std::string& extra) { return std::string("data: {train: mirror}\n") + valid_model + extra; }

}  // namespace nnlab::testing
