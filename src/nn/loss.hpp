// Loss functions over a population: one reduced loss per member and its gradient.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "core/tensor.hpp"

namespace nnlab {

// Each kind below in its default reduction; see LossReduction for the other one.
enum class LossKind {
  sse,            // ½ Σ_examples Σ_outputs (y − t)²  (Rumelhart et al. 1986: a sum, not a mean)
  mse,            // mean over examples and outputs of (y − t)²  (PyTorch MSELoss)
  bce,            // mean of −[t log y + (1 − t) log(1 − y)], y a probability (PyTorch BCELoss)
  cross_entropy,  // softmax cross-entropy on logits with integer labels (PyTorch CrossEntropyLoss)
};

// How a member's per-element (sse, mse, bce) or per-example (cross_entropy) terms become one
// number, as PyTorch's `reduction=`. With w the example's class weight and n = B·C:
//   sum:  sse ½ Σ w (y − t)²   mse Σ w (y − t)²   bce −Σ w [t log y + (1 − t) log(1 − y)]
//         cross_entropy Σ_b w_{y_b} l_b  (not divided by Σ w)
//   mean: the sums above divided by n, except cross_entropy: Σ_b w_{y_b} l_b / Σ_b w_{y_b}
//         (so sse's mean is ½ Σ w (y − t)² / n).
enum class LossReduction { mean, sum };

struct LossSpec {
  LossKind kind = LossKind::cross_entropy;
  // Per-class weights (empty = all 1). An example is weighted by the weight of its label, so
  // labels are needed whenever weights are given. sse/bce/mse: each example's terms are multiplied
  // by it; a mean still divides by the plain element count B·C (like PyTorch's `weight` argument
  // of BCELoss). cross_entropy: PyTorch's weighted mean Σ w_y l / Σ w_y, or the weighted sum.
  std::vector<double> class_weights;
  // Unset: the kind's default, sum for sse and mean for the others (reduction_of).
  std::optional<LossReduction> reduction;
  // Weight penalties λ1 Σ|w| and λ2/2 Σ w² (weights, not biases), >= 0; 0 = none. They are
  // part of the member's objective, but Loss::evaluate sees only outputs: the trainer adds
  // them (train/penalty.hpp).
  double l1 = 0.0;
  double l2 = 0.0;
  // cross_entropy only. label_smoothing s in [0, 1): the target becomes (1 − s)·t + s/C, as
  // PyTorch's CrossEntropyLoss(label_smoothing=s) (class weights included). soft_targets: the
  // targets are the distributions Targets::values [Q, B, C] (mixup), not the labels; the loss is
  // −Σ_c w_c t_c log softmax(z)_c per example and a mean divides by B, as PyTorch with
  // probability targets.
  double label_smoothing = 0.0;
  bool soft_targets = false;
};

// The reduction a spec asks for, its kind's default when it names none.
inline LossReduction reduction_of(const LossSpec& spec) {
  if (spec.reduction) return *spec.reduction;
  return spec.kind == LossKind::sse ? LossReduction::sum : LossReduction::mean;
}

// The targets of one batch, for Q = 1 (shared by all members) or Q = P.
template <typename T>
struct Targets {
  const TensorT<T>* values = nullptr;    // [Q, B, C]: one-hot or real targets (cross_entropy: only with soft_targets)
  std::span<const std::int32_t> labels;  // [Q * B]: class of each example
};

template <typename T>
class Loss {
 public:
  virtual ~Loss() = default;
  virtual LossKind kind() const = 0;
  // True when the loss wants raw scores (cross_entropy): a final softmax is then folded in.
  virtual bool takes_logits() const = 0;
  // output: [P, B, C]. Writes member m's loss into loss[m] and, when grad is given,
  // d loss[m] / d output into grad ([P, B, C], overwritten).
  virtual void evaluate(const TensorT<T>& output, const Targets<T>& targets, std::span<double> loss,
                        TensorT<T>* grad) const = 0;
  // One spec per member, as given to make_loss.
  virtual std::span<const LossSpec> members() const = 0;
  // True when the reduction is a sum (sse by default, or reduction: sum), false for a mean: a
  // loss over a data set evaluated in chunks is then the sum of the chunks' losses, not
  // their example-weighted mean.
  virtual bool sums() const = 0;
};

// One spec per member: kind and reduction (reduction_of) must agree, class weights may differ.
template <typename T>
std::unique_ptr<Loss<T>> make_loss(std::span<const LossSpec> members);

}  // namespace nnlab
