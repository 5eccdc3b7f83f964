// What a run reports: per member (hyper-parameters, seed, outcome) and aggregates
// over the replicates (success rate, quantiles). DESIGN §4.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "train/trainer.hpp"

namespace nnlab {

struct MemberSummary {
  Index member = 0;
  std::uint64_t seed = 0;
  std::vector<std::pair<std::string, double>> hyperparameters;  // dotted key -> value
  MemberResult result;
  bool succeeded() const { return result.success_epoch.has_value(); }
};

// Min, quartiles and max of a sample (NaNs dropped); empty when no value is finite.
struct Quantiles {
  double min = 0, q25 = 0, median = 0, q75 = 0, max = 0;
  Index count = 0;
};
Quantiles quantiles(std::vector<double> values);

struct RunSummary {
  std::string name;
  std::string config_file;
  Index parameters_per_member = 0;
  double seconds = 0.0;  // wall time of training the whole population
  bool has_test = false;
  bool has_validation = false;
  bool has_success_criterion = false;
  std::vector<MemberSummary> members;
};

// {"name", "seconds", "members": [...], "aggregate": {...}} as one line of JSON.
std::string to_json(const RunSummary& summary);
// A short human-readable table for stderr.
std::string to_text(const RunSummary& summary);

}  // namespace nnlab
