// Loss and accuracy of every member on a whole data set, in eval mode.
#pragma once

#include <vector>

#include "data/dataset.hpp"
#include "nn/loss.hpp"
#include "nn/model.hpp"

namespace nnlab {

struct Evaluation {
  std::vector<double> loss;      // per member, reduced as the loss defines it over the whole set
  std::vector<double> accuracy;  // per member
};

// `targets`: encode_targets(dataset, model.outputs()). Large sets are evaluated in chunks;
// chunk losses are combined by example count (sums for sse), which is exact for every
// loss except a class-weighted mean, where it weights chunks by size instead of by weight.
Evaluation evaluate(Sequential<float>& model, const Loss<float>& loss, const Dataset& dataset, const Tensor& targets);

}  // namespace nnlab
