// `nnlab resume RUN`: a killed or failed run continues from its populations' last checkpoints
// and ends bit-identical to a run that was never interrupted (weights, metrics, summary).
#pragma once

#include <string>
#include <string_view>

#include "experiment/plan.hpp"
#include "experiment/runner.hpp"
#include "store/store.hpp"

namespace nnlab {

// A stored plan source (the "source" artefact: PlanSource as JSON) from its bytes; anything
// else, a NUL byte included, is an InputError "<where>: malformed plan source: <reason>".
PlanSource decode_plan_source(std::string_view content, const std::string& where);

// The plan the run was made from, made again from the source it stored (the experiment file's
// text as it was then, its --set overrides and --force). InputError when the run has none.
Plan stored_plan(const RunStore& store, RunId run);

// What resume_run does before training: marks abandoned runs killed, makes the run's stored plan
// again and checks its members against it, and sets `options` to resume `run` of `store`.
Plan prepare_resume(RunStore& store, RunId run, RunOptions& options);

// Marks abandoned runs killed, then continues `run`: options.store must be `store`. Before
// anything changes, the stored populations and members must be the ones the stored plan makes
// (a population may have none yet): otherwise the store is damaged, an InputError naming the
// store, the run and what is missing or does not match.
RunSummary resume_run(RunStore& store, RunId run, RunOptions options);

// A population's restored checkpoint must fit what its stored plan trains (members, epochs):
// else an InputError naming `source` (store, run, population), as restore_checkpoint's are.
void check_checkpoint_fits_plan(const TrainerState& state, Index members, std::int64_t epochs, const std::string& source);

}  // namespace nnlab
