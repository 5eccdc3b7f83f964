// Loss and accuracy of every member on a whole data set (or a fixed subset of it), in eval
// mode, forward only.
#pragma once

#include <span>
#include <vector>

#include "data/dataset.hpp"
#include "nn/loss.hpp"
#include "nn/model.hpp"
#include "train/batch.hpp"

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

// The rows evaluate() forwards at once: the largest power of two with a chunk's widest layer,
// rows x `widest_units` floats per member, within 4 MiB, but 256 to 4,096 rows (and no more than
// `examples`). A function of the data and the layer sizes alone, never of the population or the
// thread count: a member's chunked loss is the same floats alone, in any population, on any
// --threads. Large chunks feed the GEMM well; bounded ones need no large allocation.
Index evaluation_chunk_rows(Index widest_units, Index examples);

// The widest layer output (or join input) of the model, in floats per example: what
// evaluation_chunk_rows sizes chunks by.
Index widest_units(const Sequential<float>& model);

struct EvaluateOptions {
  std::span<const Index> rows;  // the examples measured (ascending, say); empty = all
  Batch* buffers = nullptr;     // reused from call to call when given (a hook keeps one)
  Index chunk_rows = 0;         // 0 = evaluation_chunk_rows
};

// `targets`: encode_targets(dataset, model.outputs()). Large sets are evaluated in chunks;
// chunk losses are combined by example count (added when the loss is a sum), which is exact
// for every loss except a class-weighted mean, where it weights chunks by size instead of by
// weight. With every row, the model reads the data set in place (views, nothing gathered);
// a subset of rows is gathered chunk by chunk into the buffers.
Evaluation evaluate(Sequential<float>& model, const Loss<float>& loss, const Dataset& dataset, const Tensor& targets,
                    const EvaluateOptions& options = {});

}  // namespace nnlab
