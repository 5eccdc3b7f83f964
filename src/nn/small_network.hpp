// Forward, loss and backward of a whole small network in one pass, vectorised across members:
// members fill the lanes of a SIMD register (16 on AVX-512, 8 on AVX2, 4 on SSE4, 1 scalar:
// core/simd.hpp), each example goes through every layer and back again, and parameter
// gradients accumulate over the examples in ascending order.
//
// Each lane performs exactly the operations of the layered path (Dense's direct loops for
// is_small_dense layers, activation_forms.hpp, loss_forms.hpp), in the same order, so member
// m's floats are bit-identical to those of Sequential::forward, Loss::evaluate and
// Sequential::backward, whatever P, its lane, its block, the thread or the SIMD target that runs it. P = 1 runs
// the same code with one lane in use.
#pragma once

#include <span>
#include <vector>

#include "core/lanes.hpp"
#include "nn/activation_forms.hpp"
#include "nn/dense.hpp"
#include "nn/loss.hpp"
#include "nn/spec.hpp"

namespace nnlab {

template <typename T>
class SmallNetworkKernel {
 public:
  // Parameters per member above which the lanes' weights and gradients outgrow the L1 cache.
  static constexpr Index max_parameters = 1024;

  // One config layer: its dense layer and its activation (identity = none): the structure
  // (kind; a step's levels and straight-through estimator) shared by the members, whose
  // scalars come one per member.
  struct Stage {
    Dense<T>* dense = nullptr;
    ActivationSpec activation;
    std::vector<ActivationScalars<T>> scalars;  // per member
  };

  // Whether the kernel runs this structure: dense layers that are all is_small_dense with
  // at most max_parameters per member, without weight_norm, and element-wise activations (no softmax). Shapes and
  // kinds only, never the population size.
  static bool supports(const ModelSpec& structure);
  // Whether it computes this loss: sse, mse and bce, either reduction (cross_entropy takes the
  // layered path).
  static bool supports(LossKind loss);

  explicit SmallNetworkKernel(std::vector<Stage> stages);

  // input [Q, B, in] with Q = 1 (shared) or P; targets as Loss::evaluate takes them.
  // Writes output [P, B, out] and member_loss[m] (as loss.evaluate would), and sets the dense
  // layers' gradient tensors to this batch's gradients (as zero_grad then backward would).
  // Not reentrant: one call at a time per kernel (it keeps its scratch buffers).
  void run(const TensorT<T>& input, const Loss<T>& loss, const Targets<T>& targets, std::span<double> member_loss,
           TensorT<T>& output) const;

 private:
  std::vector<Stage> stages_;
  Index population_ = 0;
  // Per-thread lane buffers, kept from call to call (run is not reentrant).
  mutable TensorT<T> scratch_;
  mutable std::vector<double> class_weights_;
};

}  // namespace nnlab
