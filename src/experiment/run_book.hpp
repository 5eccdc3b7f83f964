// The recording side of a run, which one process keeps (a single process, or rank 0 of an MPI
// job): it opens the run in the store (or reopens the one being resumed), decides the work
// items (experiment/work.hpp), registers a population's members before its first item trains,
// puts the items' outcomes together into the summary in the order a single process would
// have made it, joins the ranges of a cut population (weights, masks, the pictures of each
// trial's median member), and finishes the run: finished, or failed with everything recorded
// so far kept.
#pragma once

#include <map>
#include <set>
#include <vector>

#include "experiment/plan_data.hpp"
#include "experiment/population_run.hpp"
#include "experiment/runner.hpp"
#include "experiment/work.hpp"

namespace nnlab {

// Per population: the run's number of its member 0 (members are numbered population by population).
std::vector<Index> first_members(const Plan& plan);

class RunBook {
 public:
  // Who trains the items: MPI ranks (cluster/), or the threads of this one process, which
  // share the work only when every population runs the fused small-network kernel (whose
  // per-step OpenMP regions are too short to keep two cores busy; larger members thread
  // inside their GEMMs instead).
  enum class Workers { processes, threads };
  // ranks: how many workers will train; above 1, populations larger than an equal share are
  // cut (a resumed run keeps the cut it began with, whatever `ranks` is; with threads, a
  // resumed run that began uncut stays uncut, so its checkpoints still fit).
  RunBook(const Plan& plan, const RunOptions& options, int ranks = 1, Workers workers = Workers::processes);
  RunBook(const RunBook&) = delete;
  RunBook& operator=(const RunBook&) = delete;

  const std::vector<WorkItem>& items() const { return items_; }
  // Workers::threads: whether the items are to be trained concurrently (several items, every
  // population fused).
  bool concurrent() const { return concurrent_; }
  RunId run() const { return run_; }
  RunStore* store() const { return options_.store; }
  // Item `item`'s data (loaded once, shared between populations that read the same).
  const ExperimentData& data(const WorkItem& item);
  // How the item trains in this process (resume, numbering, --save-model); observer: progress.
  ItemContext context(const WorkItem& item, RunWriter* writer, TrainObserver* observer) const;
  // Before `item` trains anywhere: its population's rows in the store, once per population.
  void start(const WorkItem& item);
  // An item's outcome; the one that completes a cut population also joins that population.
  void add(ItemOutcome outcome);
  // When every item is in: the summary, and the run finished in the store.
  RunSummary finish();
  // The run failed (an error, a lost rank): marked so, what was recorded is kept.
  void fail();

 private:
  void join_population(Index population);

  const Plan& plan_;
  RunOptions options_;
  PlanData own_data_;
  PlanData& data_;
  RunId run_ = 0;
  std::set<Index> stored_populations_, populated_;  // of the run being resumed; those of them with members
  std::vector<Index> first_member_;                 // per population: the run's number of its member 0
  std::vector<WorkItem> items_;
  RunSummary summary_;
  std::vector<std::optional<MemberSummary>> members_;  // by run member
  std::map<Index, std::vector<ItemOutcome>> parts_;    // a cut population's ranges in so far
  Index facts_from_ = -1;                              // the population whose facts the summary shows (the last)
  bool finished_ = false;
  bool concurrent_ = false;
};

}  // namespace nnlab
