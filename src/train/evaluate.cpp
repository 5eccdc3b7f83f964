#include "train/evaluate.hpp"

#include <algorithm>
#include <numeric>

#include "train/accuracy.hpp"
#include "train/batch.hpp"

namespace nnlab {

Evaluation evaluate(Sequential<float>& model, const Loss<float>& loss, const Dataset& dataset, const Tensor& targets) {
  const Index population = model.population();
  const Index examples = dataset.size();
  Evaluation result{std::vector<double>(static_cast<std::size_t>(population), 0.0),
                    std::vector<double>(static_cast<std::size_t>(population), 0.0)};
  if (examples == 0) return result;
  // Keep the widest activation of a chunk under ~64 Mi floats.
  constexpr Index float_budget = Index{1} << 26;
  const Index width = std::max<Index>({model.inputs(), model.outputs(), 1024});
  const Index chunk = std::clamp<Index>(float_budget / std::max<Index>(1, population * width), 256, examples);

  std::vector<Index> rows(static_cast<std::size_t>(examples));
  std::iota(rows.begin(), rows.end(), Index{0});
  std::vector<std::int64_t> correct(static_cast<std::size_t>(population), 0);
  std::vector<double> chunk_loss(static_cast<std::size_t>(population));
  Batch batch;
  for (Index begin = 0; begin < examples; begin += chunk) {
    const Index count = std::min(chunk, examples - begin);
    const std::span<const Index> chunk_rows(rows.data() + begin, static_cast<std::size_t>(count));
    gather_batch(dataset, targets, std::span(&chunk_rows, 1), batch);
    const Tensor& output = model.forward(batch.inputs, ForwardContext{.mode = Mode::eval});
    loss.evaluate(output, Targets<float>{&batch.targets, batch.labels}, chunk_loss, nullptr);
    count_correct(output, batch.labels, correct);
    const double chunk_weight = loss.kind() == LossKind::sse ? 1.0 : static_cast<double>(count) / static_cast<double>(examples);
    for (Index m = 0; m < population; ++m) result.loss[static_cast<std::size_t>(m)] += chunk_loss[static_cast<std::size_t>(m)] * chunk_weight;
  }
  for (Index m = 0; m < population; ++m)
    result.accuracy[static_cast<std::size_t>(m)] = static_cast<double>(correct[static_cast<std::size_t>(m)]) / static_cast<double>(examples);
  return result;
}

}  // namespace nnlab
