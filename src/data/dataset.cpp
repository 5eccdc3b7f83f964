#include "data/dataset.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

#include "core/error.hpp"

namespace nnlab {

namespace {

std::string dataset_label(const Dataset& dataset) { return dataset.name.empty() ? std::string("data") : dataset.name; }

// Rows `indices` of a [N, ...] tensor.
Tensor gather_rows(const Tensor& source, const std::vector<Index>& indices) {
  Shape shape = source.shape();
  shape.at(0) = static_cast<Index>(indices.size());
  Tensor result(shape);
  const Index row_size = source.slice_size();
  for (std::size_t r = 0; r < indices.size(); ++r) {
    std::copy_n(source.slice(indices[r]), row_size, result.slice(static_cast<Index>(r)));
  }
  return result;
}

}  // namespace

Tensor encode_targets(const Dataset& dataset, Index outputs) {
  const Index count = dataset.size();
  if (outputs < 1) throw std::invalid_argument("encode_targets: outputs must be >= 1");
  if (!dataset.targets.empty()) {
    if (dataset.targets.rank() != 2 || dataset.targets.dim(0) != count || dataset.targets.dim(1) != outputs) {
      throw InputError(dataset_label(dataset) + ": explicit targets have shape " + to_string(dataset.targets.shape()) +
                       " but the model has " + std::to_string(outputs) + " outputs for " + std::to_string(count) +
                       " examples");
    }
    return dataset.targets;
  }
  Tensor targets({count, outputs});
  if (outputs == 1) {
    // One output unit: the label itself is the target, which only makes sense for two classes.
    for (Index i = 0; i < count; ++i) {
      const std::int32_t label = dataset.labels[static_cast<std::size_t>(i)];
      if (label != 0 && label != 1) {
        throw InputError(dataset_label(dataset) + ": example " + std::to_string(i) + ": label " +
                         std::to_string(label) +
                         " needs more than one output unit (a single output fits labels 0 and 1 only)");
      }
      targets[i] = static_cast<float>(label);
    }
    return targets;
  }
  if (outputs < dataset.classes) {
    throw InputError(dataset_label(dataset) + ": " + std::to_string(dataset.classes) +
                     " classes need at least as many outputs, the model has " + std::to_string(outputs));
  }
  for (Index i = 0; i < count; ++i) {
    const std::int32_t label = dataset.labels[static_cast<std::size_t>(i)];
    if (label < 0 || label >= outputs) {
      throw InputError(dataset_label(dataset) + ": example " + std::to_string(i) + ": label " + std::to_string(label) +
                       " outside [0, " + std::to_string(outputs) + ")");
    }
    targets[i * outputs + label] = 1.0f;  // one-hot
  }
  return targets;
}

Dataset select_rows(const Dataset& dataset, const std::vector<Index>& indices) {
  const Index count = dataset.size();
  for (const Index index : indices) {
    if (index < 0 || index >= count) {
      throw std::out_of_range("select_rows: index " + std::to_string(index) + " outside [0, " + std::to_string(count) +
                              ")");
    }
  }
  Dataset selected;
  selected.name = dataset.name;
  selected.classes = dataset.classes;
  selected.example_shape = dataset.example_shape;
  if (dataset.inputs.rank() > 0) selected.inputs = gather_rows(dataset.inputs, indices);
  if (!dataset.targets.empty()) selected.targets = gather_rows(dataset.targets, indices);
  selected.labels.reserve(indices.size());
  for (const Index index : indices) selected.labels.push_back(dataset.labels[static_cast<std::size_t>(index)]);
  return selected;
}

}  // namespace nnlab
