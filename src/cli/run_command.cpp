#include "cli/run_command.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fmt/format.h>

#include "cli/progress.hpp"
#include "cli/store_commands.hpp"
#include "core/error.hpp"
#include "core/threads.hpp"
#include "experiment/memory_limit.hpp"
#include "experiment/plan_data.hpp"
#include "experiment/resume.hpp"
#include "experiment/runner.hpp"
#include "report/run_report.hpp"
#include "store/store.hpp"
#ifdef NNLAB_HAVE_MPI
#include "cluster/job.hpp"
#endif

namespace nnlab {
namespace {

// What run and resume print and write once training is done. The run's status describes its
// training: a model file or report that cannot be written leaves it finished, and the command
// then exits with code 2 and one line per file that failed, after printing everything else.
int finish_training(const RunFlags& flags, const RunSummary& summary, RunStore* store) {
  std::vector<std::string> failures = summary.unsaved;
  if (!flags.quiet) fmt::print(stderr, "{}", to_text(summary));
  if (!flags.save_model.empty() && !flags.quiet && summary.unsaved.empty()) fmt::print(stderr, "weights written to {}\n", flags.save_model);
  if (!flags.report.empty() && store) {
    try {
      const std::vector<RunId> runs{summary.run_id};
      const auto index = write_checked_report(*store, runs, flags.report);
      if (!flags.quiet) fmt::print(stderr, "report written to {}\n", index.string());
    } catch (const InputError& error) {
      failures.push_back(error.what());
    }
  }
  if (flags.json) fmt::print("{}\n", to_json(summary));
  for (const std::string& failure : failures) fmt::print(stderr, "nnlab: {}\n", failure);
  return failures.empty() ? exit_ok : exit_bad_input;
}

int run_here(const RunFlags& flags) {
  if (!flags.report.empty() && flags.no_store) throw InputError("--report: needs the run store (drop --no-store)");
  const std::optional<MemoryLimit> limit = memory_limit(flags.max_memory);  // a bad --max-memory is an error even with --force
  const Plan plan = plan_experiment(flags.experiment, flags.overrides, flags.force);
  // Each population's memory, estimated from the plan and its data before anything else is
  // allocated; the data sets stay loaded for run_plan.
  PlanData data;
  if (flags.plan_only) {
    fmt::print("{}", describe_plan(plan));
    fmt::print("{}", describe_plan_memory(estimate_plan_memory(plan, data, !flags.no_store), limit));
    return exit_ok;
  }
  if (limit && !flags.force) check_plan_memory(flags.experiment, estimate_plan_memory(plan, data, !flags.no_store), *limit);
  set_thread_count(flags.threads);
  const bool show_progress = !flags.quiet && isatty(fileno(stderr)) != 0;
  ProgressLine progress(stderr);
  std::optional<RunStore> store;
  if (!flags.no_store) store.emplace(store_path(flags.store));
  RunOptions options{.save_model = flags.save_model, .observer = show_progress ? &progress : nullptr, .store = store ? &*store : nullptr,
                     .resume = std::nullopt, .data = &data};
  if (!flags.quiet) fmt::print(stderr, "nnlab: {}", describe_plan(plan));
  const RunSummary summary = run_plan(plan, options);
  return finish_training(flags, summary, store ? &*store : nullptr);
}

int resume_here(const RunFlags& flags) {
  set_thread_count(flags.threads);
  const bool show_progress = !flags.quiet && isatty(fileno(stderr)) != 0;
  ProgressLine progress(stderr);
  RunStore store(store_path(flags.store), RunStore::OpenMode::existing);
  const RunId run = store.resolve_run(flags.experiment);
  if (!flags.quiet) fmt::print(stderr, "nnlab: resuming run {} of {}\n", run, store.file().string());
  RunOptions options{.save_model = flags.save_model, .observer = show_progress ? &progress : nullptr, .store = &store, .resume = std::nullopt};
  const RunSummary summary = resume_run(store, run, options);
  return finish_training(flags, summary, &store);
}

int launch_size_from(const char* name) {
  const char* value = std::getenv(name);
  return value ? std::atoi(value) : 0;
}

}  // namespace

int mpi_launch_size() {
  // Open MPI's mpirun sets OMPI_COMM_WORLD_SIZE; srun --mpi=pmix sets PMIX_RANK and SLURM_NTASKS.
  const int open_mpi = launch_size_from("OMPI_COMM_WORLD_SIZE");
  const bool pmix = std::getenv("PMIX_RANK") != nullptr;
  const int pmi = launch_size_from("PMI_SIZE");  // MPICH's hydra, MVAPICH, srun --mpi=pmi2
  const int slurm = launch_size_from("SLURM_NTASKS");
#ifdef NNLAB_HAVE_MPI
  if (open_mpi > 0) return open_mpi;
  if (pmix) return std::max(slurm, 1);
  if (pmi > 1)
    throw InputError(fmt::format("started by another MPI's launcher with {} ranks (PMI_SIZE), but this nnlab talks Open MPI: start it with "
                                 "Open MPI's mpirun, or srun --mpi=pmix (docs/cluster.md)", pmi));
  if (slurm > 1 && std::getenv("SLURM_PROCID") && std::getenv("SLURM_STEP_ID"))
    throw InputError(fmt::format("srun started {} tasks without PMIx, so each would run the whole job alone: use srun --mpi=pmix "
                                 "(docs/cluster.md)", slurm));
  return 0;
#else
  const int ranks = std::max({open_mpi, pmi, pmix ? 2 : 0});
  if (ranks > 1)
    throw InputError(fmt::format("started by an MPI launcher with {} ranks, but this nnlab was built without MPI (NNLAB_MPI=OFF; "
                                 "scripts/install-deps.sh installs Open MPI): every rank would run the whole job", ranks));
  return 0;
#endif
}

#ifdef NNLAB_HAVE_MPI
namespace {

// One rank of an MPI job: rank 0 plans (or reopens) the run and keeps the store; the others train.
int run_as_rank(const RunFlags& flags, const std::vector<std::string>& arguments, bool resume) {
  MpiSession session(nullptr, nullptr);
  if (session.size() == 1) return resume ? resume_here(flags) : run_here(flags);  // mpirun -np 1: a single process
  set_thread_count(flags.threads);
  JobOptions options{.arguments = arguments};
  if (session.rank() != 0) {
    run_over_mpi(session, nullptr, options);
    return exit_ok;
  }
  watch_for_job_stop();
  std::optional<RunStore> store;
  RunId run = 0;
  try {
    if (!flags.report.empty() && flags.no_store) throw InputError("--report: needs the run store (drop --no-store)");
    PlanData data;
    std::optional<Plan> plan;
    options.run = RunOptions{.save_model = flags.save_model, .observer = nullptr, .store = nullptr, .resume = std::nullopt, .data = &data};
    if (resume) {
      store.emplace(store_path(flags.store), RunStore::OpenMode::existing);
      run = store->resolve_run(flags.experiment);
      if (!flags.quiet) fmt::print(stderr, "nnlab: resuming run {} of {} on {} ranks\n", run, store->file().string(), session.size());
      plan.emplace(prepare_resume(*store, run, options.run));
    } else {
      const std::optional<MemoryLimit> limit = memory_limit(flags.max_memory);
      plan.emplace(plan_experiment(flags.experiment, flags.overrides, flags.force));
      if (flags.plan_only) throw InputError("--plan-only: run it without mpirun");
      if (limit && !flags.force) check_plan_memory(flags.experiment, estimate_plan_memory(*plan, data, !flags.no_store), *limit);
      if (!flags.no_store) store.emplace(store_path(flags.store));
      options.run.store = store ? &*store : nullptr;
      if (!flags.quiet) fmt::print(stderr, "nnlab: {} ranks; {}", session.size(), describe_plan(*plan));
    }
    options.show_progress = !flags.quiet && isatty(fileno(stderr)) != 0;
    options.quiet = flags.quiet;
    const std::optional<RunSummary> summary = run_over_mpi(session, &*plan, options);
    return finish_training(flags, *summary, store ? &*store : nullptr);
  } catch (const std::exception& error) {
    // Every other rank waits on this one: say why, keep the store readable, end the job.
    const bool bad_input = dynamic_cast<const InputError*>(&error) != nullptr;
    fmt::print(stderr, "nnlab: {}\n", error.what());
    if (store) {
      const std::vector<RunInfo> runs = store->list_runs();
      if (!runs.empty() && runs.back().status == RunStatus::failed)
        fmt::print(stderr, "nnlab: run {} is marked failed with what it recorded; `nnlab resume {}` continues it (with or without mpirun)\n",
                   runs.back().id, runs.back().id);
    }
    store.reset();  // closes the file before the job ends
    std::fflush(stderr);
    session.abort(bad_input ? exit_bad_input : exit_internal);
  }
}

}  // namespace
#endif

int command_run(const RunFlags& flags, const std::vector<std::string>& arguments) {
  if (mpi_launch_size() > 0) {
#ifdef NNLAB_HAVE_MPI
    return run_as_rank(flags, arguments, false);
#endif
  }
  return run_here(flags);
}

int command_resume(const RunFlags& flags, const std::vector<std::string>& arguments) {
  if (mpi_launch_size() > 0) {
#ifdef NNLAB_HAVE_MPI
    return run_as_rank(flags, arguments, true);
#endif
  }
  return resume_here(flags);
}

}  // namespace nnlab
