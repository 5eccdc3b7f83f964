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
  batch.dataset_rows.resize(static_cast<std::size_t>(slices * batch_rows));
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
      batch.dataset_rows[static_cast<std::size_t>(q * batch_rows + b)] = row;
    });
  }
}

void make_per_member(Batch& batch, Index population) {
  const Index slices = batch.slices();
  if (slices == population) return;
  if (slices != 1) throw std::invalid_argument("make_per_member: a batch of one slice or one per member required");
  const auto repeat = [&](Tensor& tensor) {
    const Tensor shared = tensor;  // a copy: resize reallocates
    tensor.resize({population, shared.dim(1), shared.dim(2)});
    for (Index m = 0; m < population; ++m) std::copy_n(shared.data(), shared.size(), tensor.slice(m));
  };
  repeat(batch.inputs);
  repeat(batch.targets);
  const auto repeat_list = [&](auto& list) {
    const std::size_t size = list.size();
    list.resize(size * static_cast<std::size_t>(population));
    for (Index m = 1; m < population; ++m) std::copy_n(list.begin(), size, list.begin() + static_cast<std::ptrdiff_t>(size * static_cast<std::size_t>(m)));
  };
  repeat_list(batch.labels);
  repeat_list(batch.dataset_rows);
}

}  // namespace nnlab
