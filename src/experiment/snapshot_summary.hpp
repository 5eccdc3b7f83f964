// The summary's lines and JSON for snapshot ensembles (train.snapshot_ensemble,
// train/snapshot_ensemble.hpp): per member, each snapshot's accuracy and the ensembles of the
// last m; per trial, their quartiles per m.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "experiment/summary.hpp"

namespace nnlab {

// {"set", "cycles", "steps", "single_accuracy", "ensemble_accuracy"} of one member.
nlohmann::json snapshot_ensemble_json(const SnapshotEnsembleOutcome& outcome);

// {"set", "single_accuracy": [quantiles per m], "ensemble_accuracy": [...]} over the members of
// `trial` with snapshots; null when none has any.
nlohmann::json snapshot_ensemble_trial_json(const RunSummary& summary, const TrialSummary& trial);

// "  snapshot ensemble, test accuracy (median of 3 members) for m = 1..5: ensemble of the last m
// 0.8310 ...; snapshot m alone 0.8012 ...\n", or "" without snapshots.
std::string snapshot_ensemble_text(const RunSummary& summary, const TrialSummary& trial);

}  // namespace nnlab
