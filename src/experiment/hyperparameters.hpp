// A trial's scalar hyper-parameters as the summary shows them and the run store keeps them per
// member: the optimiser's, the penalties', and each layer's (dropout rate, steepness, ...).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "experiment/config.hpp"
#include "experiment/plan.hpp"

namespace nnlab {

// Dotted key -> value, in a fixed order (the optimiser's first).
std::vector<std::pair<std::string, double>> hyperparameters_of(const ExperimentConfig& config);

// Trial t's hyper-parameters and swept values as one JSON object (a swept value that reads as a number is one).
std::string member_hyperparameters_json(const Plan& plan, Index trial);

}  // namespace nnlab
