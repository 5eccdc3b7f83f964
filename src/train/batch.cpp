#include "train/batch.hpp"

#include <algorithm>
#include <stdexcept>

#include "core/threads.hpp"

namespace nnlab {

void gather_batch(const Dataset& dataset, const Tensor& targets, std::span<const std::span<const Index>> rows, Batch& batch) {
  const auto slices = static_cast<Index>(rows.size());
  const auto batch_rows = static_cast<Index>(rows.front().size());
  const Index features = dataset.features(), outputs = targets.dim(1);
  batch.inputs.resize({slices, batch_rows, features});
  batch.targets.resize({slices, batch_rows, outputs});
  batch.labels.resize(static_cast<std::size_t>(slices * batch_rows));
  for (Index q = 0; q < slices; ++q) {
    const auto slice_rows = rows[static_cast<std::size_t>(q)];
    if (static_cast<Index>(slice_rows.size()) != batch_rows) throw std::invalid_argument("gather_batch: ragged slices");
    float* inputs = batch.inputs.slice(q);
    float* target_rows = batch.targets.slice(q);
    // Each row is one copy: threads over rows cannot change a value.
    parallel_for(batch_rows, batch_rows * features >= (Index{1} << 16), [&](Index b) {
      const Index row = slice_rows[static_cast<std::size_t>(b)];
      std::copy_n(dataset.inputs.data() + row * features, features, inputs + b * features);
      std::copy_n(targets.data() + row * outputs, outputs, target_rows + b * outputs);
      batch.labels[static_cast<std::size_t>(q * batch_rows + b)] = dataset.labels[static_cast<std::size_t>(row)];
    });
  }
}

}  // namespace nnlab
