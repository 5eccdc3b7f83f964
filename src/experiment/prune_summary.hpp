// The summary's table and JSON for iterative magnitude pruning (train.prune, train/prune.hpp):
// per round, the weights kept, the test accuracy at the round's end, the early-stopping epoch
// (lowest validation loss) and the test accuracy there; and the last round's sparsity per layer.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "experiment/summary.hpp"

namespace nnlab {

// "  pruning, median of 3 members:\n    round   kept  ...\n" or "" when the trial does not prune.
std::string prune_text(const RunSummary& summary, const TrialSummary& trial);

// A member's rounds: {"control": false, "round_epochs": L, "layers": [...], "rounds": [{...}, ...]}.
nlohmann::json prune_json(const PruneOutcome& outcome);

// The trial's medians and quartiles per round, {"rounds": [...]}; null when it does not prune.
nlohmann::json prune_trial_json(const RunSummary& summary, const TrialSummary& trial);

}  // namespace nnlab
