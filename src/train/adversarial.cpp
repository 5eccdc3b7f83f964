#include "train/adversarial.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "train/accuracy.hpp"
#include "train/evaluate.hpp"

namespace nnlab {
namespace {

float sign_of(float g) { return g > 0.0f ? 1.0f : g < 0.0f ? -1.0f : 0.0f; }

void check_shapes(const Tensor& x, const Tensor& grad, const char* what) {
  if (grad.rank() != 3 || x.rank() != 3 || x.dim(1) != grad.dim(1) || x.dim(2) != grad.dim(2) || (x.dim(0) != 1 && x.dim(0) != grad.dim(0)))
    throw std::invalid_argument(std::string(what) + ": x [Q, B, F] and grad [P, B, F] disagree: " + to_string(x.shape()) + " and " +
                                to_string(grad.shape()));
}

}  // namespace

Prediction predict_with_confidence(const float* row, Index classes, bool logits) {
  if (classes == 1) {
    const double p = logits ? 1.0 / (1.0 + std::exp(-static_cast<double>(row[0]))) : static_cast<double>(row[0]);
    return Prediction{.predicted = p > 0.5 ? 1 : 0, .confidence = std::max(p, 1.0 - p)};
  }
  const Index predicted = static_cast<Index>(std::max_element(row, row + classes) - row);
  const double largest = row[predicted];
  if (!logits) return Prediction{.predicted = predicted, .confidence = largest};
  double total = 0.0;
  for (Index c = 0; c < classes; ++c) total += std::exp(static_cast<double>(row[c]) - largest);
  return Prediction{.predicted = predicted, .confidence = 1.0 / total};
}

ClipRange adversarial_clip(const AdversarialConfig& config, const Dataset& train) {
  if (config.clip) return ClipRange{(*config.clip)[0], (*config.clip)[1]};
  const std::span<const float> values = train.inputs.span();
  if (values.empty()) return {};
  const auto [low, high] = std::minmax_element(values.begin(), values.end());
  return ClipRange{*low, *high};
}

void fgsm_perturb(const Tensor& x, const Tensor& grad, double eps, ClipRange clip, Tensor& adversarial) {
  check_shapes(x, grad, "fgsm_perturb");
  if (adversarial.shape() != grad.shape()) adversarial = Tensor(grad.shape());
  const auto step = static_cast<float>(eps), low = static_cast<float>(clip.low), high = static_cast<float>(clip.high);
  const Index block = grad.slice_size();
  for (Index m = 0; m < grad.dim(0); ++m) {
    const float* source = x.slice(x.dim(0) == 1 ? 0 : m);
    const float* g = grad.slice(m);
    float* out = adversarial.slice(m);
    for (Index i = 0; i < block; ++i) out[i] = std::clamp(source[i] + step * sign_of(g[i]), low, high);
  }
}

void pgd_move(const Tensor& x, const Tensor& grad, double step, double eps, ClipRange clip, Tensor& current) {
  check_shapes(x, grad, "pgd_move");
  if (current.shape() != grad.shape()) throw std::invalid_argument("pgd_move: current must be [P, B, F] as grad");
  const auto move = static_cast<float>(step), radius = static_cast<float>(eps), low = static_cast<float>(clip.low),
             high = static_cast<float>(clip.high);
  const Index block = grad.slice_size();
  for (Index m = 0; m < grad.dim(0); ++m) {
    const float* source = x.slice(x.dim(0) == 1 ? 0 : m);
    const float* g = grad.slice(m);
    float* out = current.slice(m);
    for (Index i = 0; i < block; ++i) {
      const float moved = std::clamp(out[i] + move * sign_of(g[i]), source[i] - radius, source[i] + radius);
      out[i] = std::clamp(moved, low, high);
    }
  }
}

void loss_input_gradient(Sequential<float>& model, const Loss<float>& loss, const Tensor& inputs, const Targets<float>& targets,
                         const ForwardContext& context, Tensor& grad_input) {
  const Tensor& output = model.forward(inputs, context);
  std::vector<double> values(static_cast<std::size_t>(model.population()));
  Tensor grad_output;
  loss.evaluate(output, targets, values, &grad_output);
  model.backward(grad_output, &grad_input);
}

void adversarial_examples(Sequential<float>& model, const Loss<float>& loss, const Tensor& inputs, const Targets<float>& targets,
                          const ForwardContext& context, double eps, std::int64_t steps, double step_size, ClipRange clip,
                          Tensor& adversarial) {
  const Index population = model.population(), block = inputs.slice_size();
  if (eps == 0.0 || steps < 1) {
    adversarial = Tensor({population, inputs.dim(1), inputs.dim(2)});
    for (Index m = 0; m < population; ++m) std::copy_n(inputs.slice(inputs.dim(0) == 1 ? 0 : m), block, adversarial.slice(m));
    return;
  }
  Tensor grad;
  loss_input_gradient(model, loss, inputs, targets, context, grad);
  if (steps == 1) {
    fgsm_perturb(inputs, grad, eps, clip, adversarial);
    return;
  }
  adversarial = Tensor(grad.shape());
  for (Index m = 0; m < population; ++m) std::copy_n(inputs.slice(inputs.dim(0) == 1 ? 0 : m), block, adversarial.slice(m));
  for (std::int64_t s = 0; s < steps; ++s) {
    if (s > 0) loss_input_gradient(model, loss, adversarial, targets, context, grad);
    pgd_move(inputs, grad, step_size, eps, clip, adversarial);
  }
}

AdversarialAccuracy evaluate_adversarial(Sequential<float>& model, const Loss<float>& loss, const Dataset& set, const Tensor& targets,
                                         const AdversarialConfig& config, ClipRange clip, std::int64_t step) {
  const Index population = model.population(), examples = set.size(), features = set.features(), classes = model.outputs();
  const std::size_t members = static_cast<std::size_t>(population), epsilons = config.eval_eps.size();
  std::vector<std::int64_t> correct(epsilons * members, 0);
  std::vector<double> confidence(epsilons * members, 0.0);
  const ForwardContext context{.mode = Mode::eval, .step = step};
  const Index chunk = evaluation_chunk_rows(widest_units(model), examples);
  Tensor adversarial;
  for (Index begin = 0; begin < examples; begin += chunk) {
    const Index count = std::min(chunk, examples - begin);
    const Tensor inputs = Tensor::view({1, count, features}, set.inputs.data() + begin * features);
    const Tensor chunk_targets = Tensor::view({1, count, targets.dim(1)}, targets.data() + begin * targets.dim(1));
    const std::span<const std::int32_t> labels = std::span(set.labels).subspan(static_cast<std::size_t>(begin), static_cast<std::size_t>(count));
    const Targets<float> chunk_of{&chunk_targets, labels};
    for (std::size_t e = 0; e < epsilons; ++e) {
      const double eps = config.eval_eps[e];
      const Tensor* attacked = &inputs;
      if (eps != 0.0) {
        adversarial_examples(model, loss, inputs, chunk_of, context, eps, config.steps, config.step_size, clip, adversarial);
        attacked = &adversarial;
      }
      const Tensor& output = model.forward(*attacked, context);
      count_correct(output, labels, std::span(correct).subspan(e * members, members));
      for (Index m = 0; m < population; ++m) {
        double sum = 0.0;
        for (Index b = 0; b < count; ++b) sum += predict_with_confidence(output.slice(m) + b * classes, classes, loss.takes_logits()).confidence;
        confidence[e * members + static_cast<std::size_t>(m)] += sum;
      }
    }
  }
  model.zero_grad();
  AdversarialAccuracy result;
  const double total = static_cast<double>(std::max<Index>(examples, 1));
  for (std::size_t i = 0; i < correct.size(); ++i) {
    result.accuracy.push_back(static_cast<double>(correct[i]) / total);
    result.confidence.push_back(confidence[i] / total);
  }
  return result;
}

}  // namespace nnlab
