// The `sweep:` section (W&B style): which config keys vary, over which values, and how
// trials are drawn from them (a full grid or random samples). Keys under `zip` vary together:
// trial i takes the i-th value of every zipped key, one more grid dimension (or one random draw).
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
  std::vector<SweepParameter> zip;  // lists of one length, one position per trial
};

// One swept key's values, each once: a list's values as written, or a distribution's samples
// (one per trial, kept as the text YAML::Node(double) or YAML::Node(int64) would hold).
struct SweptValues {
  std::string key;
  std::vector<YAML::Node> nodes;   // a list's values; empty for a distribution
  std::vector<std::string> texts;  // value_text of each value
  bool zipped = false;             // under sweep.zip rather than sweep.parameters
  // The key as the file spells it: "sweep.parameters.optimizer.lr" or "sweep.zip.optimizer.lr".
  std::string origin_key() const { return (zipped ? "sweep.zip." : "sweep.parameters.") + key; }
  // The value to write into a trial's tree.
  YAML::Node node(std::size_t value) const { return nodes.empty() ? YAML::Node(texts[value]) : nodes[value]; }
};

// The trials of a sweep without a YAML node per trial: trial t takes value pick(t, k) of
// parameter k (the grid's parameters as written, then the zipped keys as written). A grid in
// row-major order of the parameters as written, then the zip position (varying fastest), or
// `count` random draws from CounterRng(seed, RngPurpose::sweep, 0, trial): each parameter in
// turn, then one zip position shared by every zipped key. No sweep is one trial with no
// parameters.
struct SweepTable {
  Index trials = 1;
  std::vector<SweptValues> parameters;
  std::size_t pick(Index trial, std::size_t parameter) const {
    if (!picks.empty()) return picks[static_cast<std::size_t>(trial) * parameters.size() + parameter];
    return static_cast<std::size_t>(trial / strides[parameter]) % parameters[parameter].texts.size();
  }
  std::vector<Index> strides;      // grid: trials between two values of each parameter
  std::vector<std::size_t> picks;  // random: trial-major, one per parameter
};

// Reads the `sweep:` node (null -> no sweep: one empty trial). Errors name sweep.* keys.
SweepSpec read_sweep(const YAML::Node& node, const YamlOrigin& origin);

// A grid over more than max_trials trials (or a random count above it) is an InputError unless
// `force`.
SweepTable tabulate_trials(const SweepSpec& sweep, std::uint64_t seed, bool force, const YamlOrigin& origin);

// A value as one line of text for labels, tables and JSON: "0.1", "tanh", "[1, 7]",
// "[{units: 2}, {units: 1}]" (lists and maps in YAML flow style, however they were written).
std::string value_text(const YAML::Node& value);

// A value's text as JSON: a number when the whole text reads as one ("64", "0.1", "1e-3"),
// else the text ("full", "tanh", "[1, 7]").
nlohmann::json value_json(std::string_view text);

}  // namespace nnlab
