// Planning an experiment into populations: every trial of the sweep times every replicate
// seed is a member; members that differ only in scalar hyper-parameters share a population,
// structural differences (layer sizes, activation kind, optimiser kind, loss, batch size,
// epochs, data order, ...) make separate populations (DESIGN §1).
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "experiment/config.hpp"
#include "experiment/sweep.hpp"

namespace nnlab {

struct PlannedTrial {
  Index index = 0;
  std::vector<std::pair<std::string, std::string>> values;  // swept key -> value_text (one line)
  ExperimentConfig config;                                  // the resolved config of this trial
};

struct PlannedPopulation {
  Index index = 0;
  std::vector<Index> trials;            // indices into Plan::trials
  std::vector<std::string> varying;     // swept keys that differ between its trials
};

// What a plan was made from, kept with a run so that `nnlab resume` can make it again.
struct PlanSource {
  std::string text;                    // the experiment file's text
  std::string origin;                  // its path, which relative paths in it are resolved against
  std::vector<std::string> overrides;  // --set
  bool force = false;                  // --force
};

struct Plan {
  std::string name;
  PlanSource source;
  Index replicates = 1;                 // seeds seed, seed+1, ... for every trial
  std::vector<PlannedTrial> trials;
  std::vector<PlannedPopulation> populations;
  bool swept() const { return trials.size() > 1 || !trials.front().values.empty(); }
  Index members() const { return static_cast<Index>(trials.size()) * replicates; }
};

// Reads `file` with `--set` overrides and plans it. `force` lifts sweep.max_trials.
Plan plan_experiment(const std::filesystem::path& file, const std::vector<std::string>& overrides = {}, bool force = false);
Plan plan_experiment_text(const std::string& yaml_text, const std::string& origin, const std::vector<std::string>& overrides = {},
                          bool force = false);

// What `nnlab run --plan` prints.
std::string describe_plan(const Plan& plan);

// The structural part of a config tree: the tree without the keys that may differ inside
// one population (exposed for tests).
std::string structure_key(const YAML::Node& tree);

}  // namespace nnlab
