// An in-memory labelled data set: features, class labels and, optionally, explicit targets.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/tensor.hpp"

namespace nnlab {

struct Dataset {
  std::string name;
  Tensor inputs;                     // [N, F], float
  std::vector<std::int32_t> labels;  // [N], class index in [0, classes)
  Index classes = 0;
  // Explicit targets [N, C] (e.g. the n-m-n encoder reproduces its input); empty = derive
  // them from the labels with encode_targets.
  Tensor targets;
  Shape example_shape;  // shape of one example, e.g. {28, 28}; {F} when flat

  Index size() const { return inputs.rank() == 0 ? 0 : inputs.dim(0); }
  Index features() const { return inputs.rank() < 2 ? 0 : inputs.dim(1); }
};

// Targets for a model with `outputs` units: explicit targets if the set has them;
// otherwise, for one output, the label itself (0/1; other labels are an InputError);
// for several, one-hot labels (outputs must be >= classes).
Tensor encode_targets(const Dataset& dataset, Index outputs);

// Rows `indices` of `dataset`, in that order.
Dataset select_rows(const Dataset& dataset, const std::vector<Index>& indices);

}  // namespace nnlab
