// `nnlab resume RUN`: a killed or failed run continues from its populations' last checkpoints
// and ends bit-identical to a run that was never interrupted (weights, metrics, summary).
#pragma once

#include "experiment/plan.hpp"
#include "experiment/runner.hpp"
#include "store/store.hpp"

namespace nnlab {

// The plan the run was made from, made again from the source it stored (the experiment file's
// text as it was then, its --set overrides and --force). InputError when the run has none.
Plan stored_plan(const RunStore& store, RunId run);

// Marks abandoned runs killed, then continues `run`: options.store must be `store`.
RunSummary resume_run(RunStore& store, RunId run, RunOptions options);

}  // namespace nnlab
