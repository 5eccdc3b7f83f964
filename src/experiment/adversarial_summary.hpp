// The summary's lines and JSON for adversarial examples (adversarial.eval_eps,
// train/adversarial.hpp): per member its accuracy and confidence per eps, per trial their medians.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "experiment/summary.hpp"

namespace nnlab {

// {"set": "test", "eps": [...], "accuracy": [...], "confidence": [...], "steps": 1, "step_size": 0, "clip": [lo, hi]}
nlohmann::json adversarial_json(const AdversarialOutcome& outcome);

// {"set", "eps", "accuracy": [quantiles per eps], "confidence": [...]}, or null when no member of
// the trial has an outcome.
nlohmann::json adversarial_trial_json(const RunSummary& summary, const TrialSummary& trial);

// "  FGSM, test accuracy (median of 3 members) at eps 0 / 0.05 / 0.1: 0.8412 / 0.3120 / 0.0412;
// confidence 0.91 / 0.78 / 0.82\n", or "" when no member of the trial has an outcome.
std::string adversarial_text(const RunSummary& summary, const TrialSummary& trial);

}  // namespace nnlab
