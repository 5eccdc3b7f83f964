// What a run reports: per member (trial, hyper-parameters, seed, outcome) and, per trial
// (a group of replicates), success rate with its Wilson interval, quantiles, divergence
// and the outcome histogram. DESIGN §4.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "experiment/mirror_solution.hpp"
#include "train/trainer.hpp"

namespace nnlab {

struct MemberSummary {
  Index member = 0;
  Index trial = 0;
  Index population = 0;
  std::uint64_t seed = 0;
  std::vector<std::pair<std::string, double>> hyperparameters;  // dotted key -> value
  MemberResult result;
  std::optional<MirrorSolution> solution;                       // 6-2-1 networks on the mirror task
  bool succeeded() const { return result.success_epoch.has_value(); }
};

struct TrialSummary {
  Index index = 0;
  Index population = 0;
  std::vector<std::pair<std::string, std::string>> values;  // swept key -> value
  std::vector<Index> members;                                // indices into RunSummary::members
  double majority_fraction = 0.0;                            // share of the commonest training class
};

// Min, quartiles and max of a sample (NaNs dropped); count 0 when no value is finite.
struct Quantiles {
  double min = 0, q25 = 0, median = 0, q75 = 0, max = 0;
  Index count = 0;
};
Quantiles quantiles(std::vector<double> values);

// The 95 % Wilson score interval of a binomial proportion (Wilson 1927).
std::pair<double, double> wilson_interval(Index successes, Index trials, double z = 1.959963984540054);

// Final train accuracy in the classes seed 000 reports for the mirror task.
struct Outcomes {
  Index perfect = 0;    // 1.0
  Index plateau = 0;    // the majority-class share (0.875 on the mirror task: "always not symmetric")
  Index near_half = 0;  // within 0.1 of 0.5
  Index other = 0;
  Index diverged = 0;
};

struct TrialStatistics {
  Index members = 0, succeeded = 0, diverged = 0;
  double success_rate = 0, success_low = 0, success_high = 0;
  Quantiles train_loss, train_accuracy, test_loss, test_accuracy, epochs_to_success;
  Outcomes outcomes;
  std::map<double, Index> final_accuracy_counts;  // every distinct final train accuracy
  Index solutions_checked = 0, solutions_matching_paper = 0;  // among successful members
};
TrialStatistics statistics_of(const struct RunSummary& summary, const TrialSummary& trial);

struct RunSummary {
  std::int64_t run_id = 0;  // in the run store; 0 when not recorded
  std::string name;
  std::string config_file;
  Index parameters_per_member = 0;
  Index populations = 1;
  double seconds = 0.0;  // wall time of training every population
  bool has_test = false;
  bool has_validation = false;
  bool has_success_criterion = false;
  std::vector<TrialSummary> trials;
  std::vector<MemberSummary> members;
};

// {"name", "seconds", "trials": [...], "members": [...], "aggregate": {...}} on one line.
std::string to_json(const RunSummary& summary);
// Human-readable tables for stderr.
std::string to_text(const RunSummary& summary);

}  // namespace nnlab
