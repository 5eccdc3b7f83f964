#include "train/evaluate.hpp"

#include <algorithm>
#include <numeric>

#include "train/accuracy.hpp"
#include "train/batch.hpp"

namespace nnlab {

Index per_class_count(const Dataset& dataset) {
  constexpr Index most_classes = 1000;
  return dataset.classes >= 2 && dataset.classes <= most_classes ? dataset.classes : 0;
}

Evaluation evaluate(Sequential<float>& model, const Loss<float>& loss, const Dataset& dataset, const Tensor& targets,
                    std::span<const Index> rows) {
  const Index population = model.population();
  const auto members = static_cast<std::size_t>(population);
  std::vector<Index> all_rows;
  if (rows.empty()) {
    all_rows.resize(static_cast<std::size_t>(dataset.size()));
    std::iota(all_rows.begin(), all_rows.end(), Index{0});
    rows = all_rows;
  }
  const auto examples = static_cast<Index>(rows.size());
  Evaluation result{std::vector<double>(members, 0.0), std::vector<double>(members, 0.0)};
  result.classes = per_class_count(dataset);
  result.class_correct.assign(members * static_cast<std::size_t>(result.classes), 0);
  result.class_totals.assign(static_cast<std::size_t>(result.classes), 0);
  if (examples == 0) return result;
  // Keep the widest activation of a chunk under ~64 Mi floats.
  constexpr Index float_budget = Index{1} << 26;
  const Index width = std::max<Index>({model.inputs(), model.outputs(), 1024});
  const Index chunk = std::clamp<Index>(float_budget / std::max<Index>(1, population * width), 256, examples);

  std::vector<std::int64_t> correct(members, 0);
  std::vector<double> chunk_loss(members);
  Batch batch;
  for (Index begin = 0; begin < examples; begin += chunk) {
    const Index count = std::min(chunk, examples - begin);
    const std::span<const Index> chunk_rows(rows.data() + begin, static_cast<std::size_t>(count));
    gather_batch(dataset, targets, std::span(&chunk_rows, 1), batch);
    const Tensor& output = model.forward(batch.inputs, ForwardContext{.mode = Mode::eval});
    loss.evaluate(output, Targets<float>{&batch.targets, batch.labels}, chunk_loss, nullptr);
    count_correct(output, batch.labels, correct);
    if (result.classes > 0) {
      count_correct_per_class(output, batch.labels, result.classes, result.class_correct);
      count_per_class(batch.labels, result.classes, result.class_totals);
    }
    const double chunk_weight = loss.sums() ? 1.0 : static_cast<double>(count) / static_cast<double>(examples);
    for (std::size_t m = 0; m < members; ++m) result.loss[m] += chunk_loss[m] * chunk_weight;
  }
  for (std::size_t m = 0; m < members; ++m) result.accuracy[m] = static_cast<double>(correct[m]) / static_cast<double>(examples);
  return result;
}

}  // namespace nnlab
