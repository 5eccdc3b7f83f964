// The data sets an experiment asks for: loaded, transformed, split.
#pragma once

#include <optional>

#include "data/dataset.hpp"
#include "experiment/config.hpp"

namespace nnlab {

struct ExperimentData {
  Dataset train;
  std::optional<Dataset> validation;
  std::optional<Dataset> test;
};

// Loads data.train (and data.test), then applies in order: subset, validation split,
// random labels (training split only), scale, standardise (training statistics).
ExperimentData load_experiment_data(const ExperimentConfig& config);

}  // namespace nnlab
