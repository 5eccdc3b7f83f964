// The `adversarial:` section's two hooks (train/adversarial.hpp has the perturbation).
// - AdversarialEvaluationHook (adversarial.eval_eps), at on_fit_end: each member's final weights
//   on the test set (the validation set when there is none), per eps, into MemberResult::adversarial.
// - AdversarialTrainingHook (adversarial.train), at on_gradients and FIRST in the list, before
//   the penalty hook completes the gradients: replaces the batch's gradient of L(x) by that of
//   weight · L(x) + (1 − weight) · L(x'), x' the FGSM example of the current weights for the batch
//   (the paper's adversarial objective, eq. 6 with alpha = weight). Both extra forwards are
//   training forwards of the same step (dropout draws the same masks); batch norm's running
//   statistics are put back afterwards, so they follow the clean batches alone.
#pragma once

#include <vector>

#include "train/adversarial.hpp"
#include "train/hook.hpp"

namespace nnlab {

class AdversarialEvaluationHook final : public TrainingHook {
 public:
  explicit AdversarialEvaluationHook(const AdversarialConfig& config) : config_(config) {}
  void on_fit_begin(TrainingContext& ctx) override;
  void on_fit_end(TrainingContext& ctx) override;

 private:
  AdversarialConfig config_;
};

class AdversarialTrainingHook final : public TrainingHook {
 public:
  explicit AdversarialTrainingHook(const AdversarialConfig& config) : config_(config) {}
  void on_fit_begin(TrainingContext& ctx) override;
  void on_batch_loss(TrainingContext& ctx, std::int64_t epoch, Index batch, const Batch& batch_data, const Tensor& output,
                     std::span<const double> losses) override;
  void on_gradients(TrainingContext& ctx, std::int64_t epoch, Index batch) override;

 private:
  AdversarialConfig config_;
  ClipRange clip_;
  const Batch* batch_ = nullptr;  // of the last on_batch_loss: the batch these gradients are of
  std::vector<Tensor> kept_grads_, kept_buffers_;
  Tensor grad_input_, adversarial_, grad_output_;
  std::vector<double> losses_;
};

}  // namespace nnlab
