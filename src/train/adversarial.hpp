// Adversarial examples (Goodfellow, Shlens & Szegedy 2015, "Explaining and Harnessing
// Adversarial Examples"): the fast gradient sign method x' = clip(x + eps · sign(∇x L), lo, hi),
// each member attacked with its own gradient, and its iterated form (projected gradient descent,
// Madry et al. 2018, without a random start). sign(0) = 0, as torch.sign. The arithmetic is in
// float, element by element, as PyTorch's x + eps * x.grad.sign() then clamp.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "data/dataset.hpp"
#include "nn/loss.hpp"
#include "nn/model.hpp"
#include "train/options.hpp"

namespace nnlab {

struct ClipRange {
  double low = 0.0, high = 1.0;
};

// The configured clip, else the smallest and largest value of `train`'s inputs.
ClipRange adversarial_clip(const AdversarialConfig& config, const Dataset& train);

// x [Q, B, F] (Q = 1 shared, or P), grad [P, B, F] -> adversarial [P, B, F]:
// clip(x + eps · sign(grad), low, high).
void fgsm_perturb(const Tensor& x, const Tensor& grad, double eps, ClipRange clip, Tensor& adversarial);

// One PGD move of `current` [P, B, F] in place: current + step · sign(grad), projected to
// [x − eps, x + eps] and clipped.
void pgd_move(const Tensor& x, const Tensor& grad, double step, double eps, ClipRange clip, Tensor& current);

// d loss / d input of every member ([P, B, F]) at `inputs` [Q, B, F]: forward in `context`, the
// loss's gradient (its own reduction) and backward. Adds into the parameter gradients.
void loss_input_gradient(Sequential<float>& model, const Loss<float>& loss, const Tensor& inputs, const Targets<float>& targets,
                         const ForwardContext& context, Tensor& grad_input);

// Each member's adversarial examples of `inputs` for eps: FGSM when steps == 1, else `steps`
// PGD moves of step_size. eps = 0 is x itself (spread to [P, B, F]), unclipped. Forwards in
// `context`; leaves the parameter gradients changed.
void adversarial_examples(Sequential<float>& model, const Loss<float>& loss, const Tensor& inputs, const Targets<float>& targets,
                          const ForwardContext& context, double eps, std::int64_t steps, double step_size, ClipRange clip,
                          Tensor& adversarial);

// One example's predicted class and its confidence, as the evaluation counts them: one output ->
// class 1 when p > 0.5 (p = sigmoid(output) with a logits loss), confidence max(p, 1 − p); several
// -> the argmax, confidence its softmax probability with a logits loss, else its output.
struct Prediction {
  Index predicted = 0;
  double confidence = 0.0;
};
Prediction predict_with_confidence(const float* row, Index classes, bool logits);

// Per eps e and member m ([e * P + m]): accuracy and mean confidence of the model's current
// weights (evaluation mode) on its own adversarial examples of `set` (targets: encode_targets).
// eps = 0 evaluates the clean inputs, chunked as evaluate() is: exactly its accuracy.
struct AdversarialAccuracy {
  std::vector<double> accuracy, confidence;
};
AdversarialAccuracy evaluate_adversarial(Sequential<float>& model, const Loss<float>& loss, const Dataset& set, const Tensor& targets,
                                         const AdversarialConfig& config, ClipRange clip, std::int64_t step);

}  // namespace nnlab
