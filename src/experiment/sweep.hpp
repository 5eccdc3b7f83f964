// The `sweep:` section (W&B style): which config keys vary, over which values, and how
// trials are drawn from them (a full grid or random samples).
#pragma once

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/tensor.hpp"
#include "experiment/yaml_fields.hpp"

namespace nnlab {

enum class SweepMethod { grid, random };
enum class SweepDistribution { uniform, log_uniform, int_uniform };

struct SweepParameter {
  std::string key;                                 // dotted config key, e.g. "optimizer.lr"
  std::vector<YAML::Node> values;                  // a list of values, or
  std::optional<SweepDistribution> distribution;   // a distribution over [min, max] (random only)
  double min = 0.0, max = 0.0;
};

struct SweepSpec {
  SweepMethod method = SweepMethod::grid;
  Index count = 0;                 // random: number of trials (required)
  Index max_trials = 100000;       // a larger grid needs --force
  std::vector<SweepParameter> parameters;
};

// One trial: a value for every swept key, as YAML to be written into the config.
struct Trial {
  Index index = 0;
  std::vector<std::pair<std::string, YAML::Node>> assignments;
};

// Reads the `sweep:` node (null -> no sweep: one empty trial). Errors name sweep.* keys.
SweepSpec read_sweep(const YAML::Node& node, const YamlOrigin& origin);

// The trials of a sweep: the grid in row-major order of the parameters as written, or
// `count` random draws from CounterRng(seed, RngPurpose::sweep, 0, trial). A grid over
// more than max_trials trials is an InputError unless `force`.
std::vector<Trial> expand_trials(const SweepSpec& sweep, std::uint64_t seed, bool force, const YamlOrigin& origin);

// A value as one line of text for labels, tables and JSON: "0.1", "tanh", "[1, 7]",
// "[{units: 2}, {units: 1}]" (lists and maps in YAML flow style, however they were written).
std::string value_text(const YAML::Node& value);

// A value's text as JSON: a number when the whole text reads as one ("64", "0.1", "1e-3"),
// else the text ("full", "tanh", "[1, 7]").
nlohmann::json value_json(std::string_view text);

}  // namespace nnlab
