// A run over MPI ranks (`mpirun -np N nnlab run FILE`, docs/cluster.md). Every rank calls
// run_over_mpi with the same command line. Rank 0 plans the run as a single process does, keeps
// the store (RunBook) and hands out the work items largest first to whichever rank asks
// (itself included: between its own batches it answers the others); the other ranks train what
// they are given and send everything they record to rank 0. By population invariance each
// member trains bit for bit as in one process, so the summary, the stored series and the
// final weights are those of `nnlab run` without mpirun.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cluster/comm.hpp"
#include "experiment/plan.hpp"
#include "experiment/runner.hpp"

namespace nnlab {

struct JobOptions {
  RunOptions run;                      // rank 0: the store, the resumed run, --save-model, the loaded data
  std::vector<std::string> arguments;  // this rank's command line (all ranks must agree)
  bool show_progress = false;          // rank 0's job line on stderr
  bool quiet = false;
};

// Rank 0 (plan given): the summary. Other ranks (plan null): nullopt once rank 0 has no more work.
// A rank that fails sends rank 0 one line naming it, its host and the reason; rank 0 marks the
// run failed (what was recorded stays), prints that line and ends the job (MPI_Abort).
std::optional<RunSummary> run_over_mpi(MpiSession& session, const Plan* plan, const JobOptions& options);

// Rank 0: stop at the next chance when mpirun sends SIGTERM or SIGINT (a rank died, Ctrl-C).
void watch_for_job_stop();

}  // namespace nnlab
