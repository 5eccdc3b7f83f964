// What a run reports: per member (trial, hyper-parameters, seed, outcome) and, per trial
// (a group of replicates), success rate with its Wilson interval, time to success over all
// members (Kaplan–Meier), quantiles, divergence and the outcome histogram. DESIGN §4.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/statistics.hpp"
#include "experiment/mirror_solution.hpp"
#include "train/data_init.hpp"
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
  std::vector<DataInitLayer> data_init;                         // lsuv / pca layers' variances
  bool succeeded() const { return result.success_epoch.has_value(); }
};

struct TrialSummary {
  Index index = 0;
  Index population = 0;
  std::vector<std::pair<std::string, std::string>> values;  // swept key -> value
  std::vector<Index> members;                                // indices into RunSummary::members
  double majority_fraction = 0.0;                            // share of the commonest training class
  std::int64_t epochs = 0;                                   // configured epochs N (train.epochs)
  bool boolean_task = false;                                 // outcome classes defined: has_outcome_classes(data.train.source)
};

// The outcome histogram (perfect / plateau / ≈0.5) is defined for the enumerated Boolean tasks
// of Rumelhart, Hinton & Williams (1986): mirror, parity, xor, encoder. Other sources
// (images, CSV, spirals) have no such classes and get no histogram.
bool has_outcome_classes(std::string_view source);

// Min, quartiles and max of a sample (NaNs dropped); count 0 when no value is finite.
struct Quantiles {
  double min = 0, q25 = 0, median = 0, q75 = 0, max = 0;
  Index count = 0;
};
Quantiles quantiles(std::vector<double> values);


// Final train accuracy in the classes seed 000 reports for the mirror task.
struct Outcomes {
  Index perfect = 0;    // 1.0
  Index plateau = 0;    // the majority-class share when it is above 0.5 (0.875 on the mirror task:
                        // "always not symmetric"); never on balanced tasks (xor, parity: 0.5 is ≈0.5)
  Index near_half = 0;  // within 0.1 of 0.5
  Index other = 0;
  Index diverged = 0;
};

// Time to success over ALL members of a trial: the Kaplan–Meier curve of success epochs, a
// member without success censored at its last epoch (a diverged one at the configured N: it
// never succeeds). Quantiles the curve does not reach are "> censored_at".
struct TimeToSuccess {
  SurvivalCurve curve;
  std::int64_t censored_at = 0;  // the trial's configured epochs N (the largest, over trials)
  std::optional<double> median() const { return curve.quantile(0.5); }
  std::optional<double> q25() const { return curve.quantile(0.25); }
  std::optional<double> q75() const { return curve.quantile(0.75); }
};
// "2756", or "> 10000" when not reached.
std::string epochs_text(const std::optional<double>& epoch, std::int64_t censored_at);

struct TrialStatistics {
  Index members = 0, succeeded = 0, diverged = 0;  // succeeded: a success epoch (at some epoch)
  Index successful_at_end = 0;                     // final metrics meet the criterion
  double success_rate = 0, success_low = 0, success_high = 0;
  TimeToSuccess time_to_success;                   // over all members
  Quantiles train_loss, train_accuracy, test_loss, test_accuracy;
  Quantiles epochs_to_success;                     // over the members that succeeded only
  Outcomes outcomes;
  std::map<double, Index> final_accuracy_counts;  // every distinct final train accuracy
  Index solutions_checked = 0, solutions_matching_paper = 0;  // among successful members
  // train.early_stopping: members with an outcome, those the criterion stopped, and where.
  Index early_stopping = 0, stopped = 0;
  Quantiles stopped_epoch, best_epoch;             // over the stopped members / all with a best epoch
};
TrialStatistics statistics_of(const struct RunSummary& summary, const TrialSummary& trial);

struct RunSummary {
  std::int64_t run_id = 0;  // in the run store; 0 when not recorded
  std::string name;
  std::string config_file;
  Index parameters_per_member = 0;
  Index populations = 1;
  double seconds = 0.0;  // wall time of training every population
  int ranks = 1;         // MPI ranks that trained them (cluster/job.hpp)
  double recording_seconds = 0.0;  // of `seconds`, rank 0's recording what the other ranks sent (MPI only)
  bool has_test = false;
  bool has_validation = false;
  bool has_success_criterion = false;
  std::vector<TrialSummary> trials;
  std::vector<MemberSummary> members;
  // One message per --save-model file that could not be written; training was not affected
  // (the run is finished), the command reports them and exits with code 2.
  std::vector<std::string> unsaved;
};

// {"name", "seconds", "trials": [...], "members": [...], "aggregate": {...}} on one line.
std::string to_json(const RunSummary& summary);
// Human-readable tables for stderr.
std::string to_text(const RunSummary& summary);

}  // namespace nnlab
