// Swept scalar hyper-parameters that land in one place of ExperimentConfig: optimizer.lr,
// model.layers.*.steepness, loss.class_weights, ... A trial that differs from another only in
// them is the other's config with those fields copied from a config that parsed the value, so
// the planner parses each distinct value once instead of every trial (DESIGN, "Sweeps").
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "experiment/config.hpp"

namespace nnlab {

// A layer key (model.layers.0.steepness, model.layers.*.steepness) stands for that field of
// every layer: the values of the layers it does not write are the same in both configs.
struct ScalarField {
  std::string name;  // "optimizer.lr", "layers.steepness", "loss.class_weights", ...
};

// The field a swept key sets, when it is one of those; nullopt for any other key (structural
// keys, seed, schedule.step_size, ...), which the planner writes into a tree and parses.
std::optional<ScalarField> scalar_field(const std::string& key);

// Two keys that set the same field (model.layers.*.steepness and model.layers.0.steepness):
// neither may be copied alone.
bool overlap(const ScalarField& a, const ScalarField& b);

// The field's values in `config` (one number, or one per layer or class), and writing them back.
std::vector<double> read_field(const ScalarField& field, const ExperimentConfig& config);
void write_field(const ScalarField& field, const std::vector<double>& values, ExperimentConfig& config);

}  // namespace nnlab
