// Loss and accuracy of every member on a whole data set (or a fixed subset of it), in eval
// mode, forward only.
#pragma once

#include <span>
#include <vector>

#include "data/dataset.hpp"
#include "nn/loss.hpp"
#include "nn/model.hpp"

namespace nnlab {

struct Evaluation {
  std::vector<double> loss;      // per member, reduced as the loss defines it over the whole set
  std::vector<double> accuracy;  // per member
  // With classes > 0: correct examples per member and class [P * classes], and examples per
  // class [classes] (every member sees the same rows).
  Index classes = 0;
  std::vector<std::int64_t> class_correct;
  std::vector<std::int64_t> class_totals;
};

// The classes per-class accuracy is measured over: the data set's classes when there are 2 to
// 1,000 of them, else 0 (none).
Index per_class_count(const Dataset& dataset);

// `targets`: encode_targets(dataset, model.outputs()). Large sets are evaluated in chunks;
// chunk losses are combined by example count (added when the loss is a sum), which is exact
// for every loss except a class-weighted mean, where it weights chunks by size instead of by
// weight. `rows` (ascending, say) restricts the evaluation to those examples; empty = all.
Evaluation evaluate(Sequential<float>& model, const Loss<float>& loss, const Dataset& dataset, const Tensor& targets,
                    std::span<const Index> rows = {});

}  // namespace nnlab
