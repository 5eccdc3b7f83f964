#include "train/evaluate.hpp"

#include <algorithm>
#include <functional>
#include <numeric>

#include "train/accuracy.hpp"
#include "train/batch.hpp"

namespace nnlab {

Index per_class_count(const Dataset& dataset) {
  constexpr Index most_classes = 1000;
  return dataset.classes >= 2 && dataset.classes <= most_classes ? dataset.classes : 0;
}

Index evaluation_chunk_rows(Index widest_units, Index examples) {
  constexpr Index float_budget = Index{1} << 20, smallest = 256, largest = 4096;
  Index rows = largest;
  while (rows > smallest && rows * std::max<Index>(widest_units, 1) > float_budget) rows /= 2;
  return std::min(rows, std::max<Index>(examples, 1));
}

Index widest_units(const Sequential<float>& model) {
  Index widest = 0;
  for (const LayerSpec& layer : model.specs().front().layers) {
    widest = std::max(widest, layer.units);
    if (!layer.from.empty())  // a join's width too
      widest = std::max(widest, std::accumulate(layer.input_shape.begin(), layer.input_shape.end(), Index{1}, std::multiplies<>()));
  }
  return widest;
}

Evaluation evaluate(Sequential<float>& model, const Loss<float>& loss, const Dataset& dataset, const Tensor& targets,
                    const EvaluateOptions& options) {
  const Index population = model.population();
  const auto members = static_cast<std::size_t>(population);
  const std::span<const Index> rows = options.rows;
  const bool all = rows.empty();
  const Index examples = all ? dataset.size() : static_cast<Index>(rows.size());
  Evaluation result{std::vector<double>(members, 0.0), std::vector<double>(members, 0.0)};
  result.classes = per_class_count(dataset);
  result.class_correct.assign(members * static_cast<std::size_t>(result.classes), 0);
  result.class_totals.assign(static_cast<std::size_t>(result.classes), 0);
  if (examples == 0) return result;
  const Index chunk = options.chunk_rows > 0 ? options.chunk_rows : evaluation_chunk_rows(widest_units(model), examples);
  const Index features = dataset.features(), outputs = targets.dim(1);

  std::vector<std::int64_t> correct(members, 0);
  std::vector<double> chunk_loss(members);
  Batch local;
  Batch& batch = options.buffers ? *options.buffers : local;
  for (Index begin = 0; begin < examples; begin += chunk) {
    const Index count = std::min(chunk, examples - begin);
    const auto evaluate_chunk = [&](const Tensor& inputs, const Tensor& chunk_targets, std::span<const std::int32_t> labels) {
      const Tensor& output = model.forward(inputs, ForwardContext{.mode = Mode::eval});
      loss.evaluate(output, Targets<float>{&chunk_targets, labels}, chunk_loss, nullptr);
      count_correct(output, labels, correct);
      if (result.classes > 0) {
        count_correct_per_class(output, labels, result.classes, result.class_correct);
        count_per_class(labels, result.classes, result.class_totals);
      }
    };
    if (all) {  // consecutive rows: the data set's own memory, [1, count, F]
      evaluate_chunk(Tensor::view({1, count, features}, dataset.inputs.data() + begin * features),
                     Tensor::view({1, count, outputs}, targets.data() + begin * outputs),
                     std::span(dataset.labels).subspan(static_cast<std::size_t>(begin), static_cast<std::size_t>(count)));
    } else {
      const std::span<const Index> chunk_rows = rows.subspan(static_cast<std::size_t>(begin), static_cast<std::size_t>(count));
      gather_batch(dataset, targets, std::span(&chunk_rows, 1), batch);
      evaluate_chunk(batch.inputs, batch.targets, batch.labels);
    }
    const double chunk_weight = loss.sums() ? 1.0 : static_cast<double>(count) / static_cast<double>(examples);
    for (std::size_t m = 0; m < members; ++m) result.loss[m] += chunk_loss[m] * chunk_weight;
  }
  for (std::size_t m = 0; m < members; ++m) result.accuracy[m] = static_cast<double>(correct[m]) / static_cast<double>(examples);
  return result;
}

}  // namespace nnlab
