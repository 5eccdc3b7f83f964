// Transforms of a loaded data set: scaling, standardisation, validation split, subsets, label noise.
#pragma once

#include <cstdint>
#include <vector>

#include "data/dataset.hpp"

namespace nnlab {

// inputs *= factor.
void scale_inputs(Dataset& dataset, double factor);

// Per-feature mean and (population) standard deviation, in double precision.
struct FeatureStatistics {
  std::vector<double> mean;
  std::vector<double> std_dev;
};

// Statistics of the TRAINING split; apply them unchanged to validation and test splits.
FeatureStatistics feature_statistics(const Dataset& train);

// x <- (x - mean) / std per feature; a feature with std 0 is only centred (no division by zero).
void standardize(Dataset& dataset, const FeatureStatistics& statistics);

struct TrainValidationSplit {
  Dataset train;
  Dataset validation;
};

// Holds out round(fraction * N) examples, chosen by a permutation from CounterRng(seed, RngPurpose::split, 0);
// both parts keep the original relative order. fraction in [0, 1); the training part must stay non-empty.
TrainValidationSplit split_validation(const Dataset& dataset, double fraction, std::uint64_t seed);

// `count` examples chosen by a permutation from CounterRng(seed, RngPurpose::split, 1), in their original
// relative order. count in [1, N].
Dataset random_subset(const Dataset& dataset, Index count, std::uint64_t seed);

// Gives round(fraction * N) examples, chosen with CounterRng(seed, RngPurpose::labels), a uniformly random
// class in [0, classes) (possibly their own, so about (1 - 1/classes) of them change). fraction in [0, 1].
// Returns the indices of the examples that were drawn. Data sets with explicit targets are refused.
std::vector<Index> randomize_labels(Dataset& dataset, double fraction, std::uint64_t seed);

}  // namespace nnlab
