// Planning an experiment into populations: every trial of the sweep times every replicate
// seed is a member; members that differ only in scalar hyper-parameters share a population,
// structural differences (layer sizes, activation kind, optimiser kind, loss, batch size,
// epochs, data order, ...) make separate populations (DESIGN §1).
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "experiment/config.hpp"
#include "experiment/sweep.hpp"

namespace nnlab {

// A trial as the plan lists it; its config comes from Plan::trial_config.
struct PlannedTrial {
  Index index = 0;
  std::vector<std::pair<std::string, std::string>> values;  // swept key -> value_text (one line)
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

struct PlanBasis;  // what trials are made from: the sweep's values and one config per structure (plan.cpp)

// The trials of a plan, made on demand from the sweep's table (nothing is kept per trial).
class PlannedTrials {
 public:
  class iterator {
   public:
    using value_type = PlannedTrial;
    using difference_type = std::ptrdiff_t;
    iterator() = default;
    iterator(const PlannedTrials* trials, std::size_t t) : trials_(trials), t_(t) {}
    PlannedTrial operator*() const { return (*trials_)[t_]; }
    iterator& operator++() { ++t_; return *this; }
    iterator operator++(int) { iterator before = *this; ++t_; return before; }
    bool operator==(const iterator& other) const { return t_ == other.t_; }
   private:
    const PlannedTrials* trials_ = nullptr;
    std::size_t t_ = 0;
  };
  PlannedTrials() = default;
  explicit PlannedTrials(std::shared_ptr<const PlanBasis> basis) : basis_(std::move(basis)) {}
  std::size_t size() const;
  bool empty() const { return size() == 0; }
  PlannedTrial operator[](std::size_t t) const;
  PlannedTrial front() const { return (*this)[0]; }
  PlannedTrial back() const { return (*this)[size() - 1]; }
  iterator begin() const { return {this, 0}; }
  iterator end() const { return {this, size()}; }

 private:
  std::shared_ptr<const PlanBasis> basis_;
};

struct Plan {
  std::string name;
  PlanSource source;
  Index replicates = 1;                 // seeds seed, seed+1, ... for every trial
  std::filesystem::path file;           // each trial config's `file`
  PlannedTrials trials;
  std::vector<PlannedPopulation> populations;
  std::shared_ptr<const PlanBasis> basis;  // shared with `trials`; read-only once planned
  bool swept() const { return trials.size() > 1 || !trials.front().values.empty(); }
  Index members() const { return static_cast<Index>(trials.size()) * replicates; }
  // Trial t's config: its structure's config with its scalar values copied in, which is what
  // parsing its tree gives (parsed_trial_config), but for resolved_yaml: that is kept only for
  // the first trial of each population (the run record and the data key read it), else empty.
  ExperimentConfig trial_config(Index t) const;
  // Trial t's tree written and parsed, resolved_yaml included (slower; for checks and tests).
  ExperimentConfig parsed_trial_config(Index t) const;
};

// The plan of one config without a sweep (run_experiment).
Plan single_trial_plan(const ExperimentConfig& config);

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
