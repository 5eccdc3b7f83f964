// `nnlab lr-find`: the LR range test (train/lr_finder.hpp) over every member of a plan at once,
// each population from the initial weights `nnlab run` would train (same seeds, same
// model.from), and its record in the run store as a run of its own.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "experiment/plan.hpp"
#include "optim/schedule.hpp"
#include "store/records.hpp"
#include "train/lr_finder.hpp"

namespace nnlab {

class PlanData;
class RunStore;

struct LrRangeTestOptions {
  double start = 1e-7;
  double end = 10.0;
  std::int64_t steps = 100;
  RangeMode mode = RangeMode::exponential;
  double smoothing = 0.98;
  double diverge = 4.0;
};

// The range_test schedule these options give every member.
ScheduleSpec range_test_schedule(const LrRangeTestOptions& options);

struct LrRangeMember {
  Index member = 0;  // in the run: population by population, trial-major, then replicate (as run_plan)
  Index trial = 0;
  Index population = 0;
  std::uint64_t seed = 0;
  LrCurve curve;
  LrSuggestion suggestion;
};

struct LrRangeTest {
  LrRangeTestOptions options;
  std::vector<LrRangeMember> members;
  std::vector<Index> full_batch_populations;  // populations whose every step is one pass over the whole training set
  double seconds = 0.0;                        // training, all populations
};

// Runs the test; InputError for a file or options that cannot run (the options' own messages
// name the flag: "--start: ...").
LrRangeTest run_lr_range_test(const Plan& plan, const LrRangeTestOptions& options, PlanData& data);

// Records the test as a finished run named "<plan name>:lr-find": the plan's config, its
// populations and members (with their hyper-parameters), per member the series
// lr_find_rate, lr_find_loss and lr_find_smoothed indexed by step (the store's epoch column),
// and a summary {"lr_find": options, "trials": [...], "members": [...]} with the suggestions.
RunId record_lr_range_test(RunStore& store, const Plan& plan, const LrRangeTest& test);

// The median of each trial's members' suggestions (NaN where none has one).
struct LrTrialSuggestion {
  Index trial = 0;
  std::vector<Index> members;  // indices into LrRangeTest::members
  double steepest = 0.0;
  double minimum_over_10 = 0.0;
};
std::vector<LrTrialSuggestion> trial_suggestions(const LrRangeTest& test);

}  // namespace nnlab
