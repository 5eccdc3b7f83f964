// The JSON vocabulary every part of the summary writes in (summary.cpp and the per-feature
// summaries: prune, snapshot ensembles, adversarial examples, data initialisation).
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "experiment/summary.hpp"

namespace nnlab {

// A finite number as itself, NaN and infinities as null (JSON has neither).
nlohmann::json number_or_null(double value);
// {"min", "q25", "median", "q75", "max", "count"}, or null when no value was finite.
nlohmann::json quantiles_json(const Quantiles& q);
// One entry per element (per m, per eps, ...), each as above.
nlohmann::json quantiles_json(const std::vector<Quantiles>& per);

}  // namespace nnlab
