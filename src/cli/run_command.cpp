#include "cli/run_command.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fmt/format.h>

#include "cli/mpi_launch.hpp"
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

}  // namespace

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
    // mpirun hands rank 0 a pipe for stderr even at a terminal, but a pty for stdout when its own
    // stdout is a terminal: either one being a terminal means someone is watching.
    options.show_progress = !flags.quiet && (isatty(fileno(stderr)) != 0 || isatty(fileno(stdout)) != 0);
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
