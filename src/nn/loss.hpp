// Loss functions over a population: one reduced loss per member and its gradient.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "core/tensor.hpp"

namespace nnlab {

enum class LossKind {
  sse,            // ½ Σ_examples Σ_outputs (y − t)²  (Rumelhart et al. 1986: a sum, not a mean)
  mse,            // mean over examples and outputs of (y − t)²  (PyTorch MSELoss)
  bce,            // mean of −[t log y + (1 − t) log(1 − y)], y a probability (PyTorch BCELoss)
  cross_entropy,  // softmax cross-entropy on logits with integer labels (PyTorch CrossEntropyLoss)
};

struct LossSpec {
  LossKind kind = LossKind::cross_entropy;
  // Per-class weights (empty = all 1). An example is weighted by the weight of its label, so
  // labels are needed whenever weights are given. sse/bce/mse: each example's terms are multiplied
  // by it; sse stays a sum, mse/bce still divide by the plain element count B·C (like PyTorch's
  // `weight` argument of BCELoss). cross_entropy: PyTorch's weighted mean Σ w_y l / Σ w_y.
  std::vector<double> class_weights;
};

// The targets of one batch, for Q = 1 (shared by all members) or Q = P.
template <typename T>
struct Targets {
  const TensorT<T>* values = nullptr;    // [Q, B, C]: one-hot or real targets (not used by cross_entropy)
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
};

// One spec per member: kind must agree, class weights may differ.
template <typename T>
std::unique_ptr<Loss<T>> make_loss(std::span<const LossSpec> members);

}  // namespace nnlab
