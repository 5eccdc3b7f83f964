#include "train/adversarial_hook.hpp"

#include <algorithm>
#include <stdexcept>

namespace nnlab {

void AdversarialEvaluationHook::on_fit_begin(TrainingContext& ctx) {
  if (!ctx.data.test && !ctx.data.validation)
    throw std::invalid_argument("Trainer::fit: adversarial.eval_eps needs a test or validation set to evaluate on");
}

void AdversarialEvaluationHook::on_fit_end(TrainingContext& ctx) {
  const bool on_test = ctx.data.test != nullptr;
  const Dataset& set = on_test ? *ctx.data.test : *ctx.data.validation;
  const ClipRange clip = adversarial_clip(config_, *ctx.data.train);
  const AdversarialAccuracy measured =
      evaluate_adversarial(ctx.model, ctx.loss, set, on_test ? ctx.test_targets : ctx.validation_targets, config_, clip, ctx.state.step);
  const std::size_t members = ctx.member_count();
  for (std::size_t m = 0; m < members; ++m) {
    AdversarialOutcome outcome{.on_test = on_test, .eps = config_.eval_eps, .accuracy = {}, .confidence = {}, .steps = config_.steps,
                               .step_size = config_.steps > 1 ? config_.step_size : 0.0, .clip_low = clip.low, .clip_high = clip.high};
    for (std::size_t e = 0; e < config_.eval_eps.size(); ++e) {
      outcome.accuracy.push_back(measured.accuracy[e * members + m]);
      outcome.confidence.push_back(measured.confidence[e * members + m]);
    }
    ctx.state.results[m].adversarial = std::move(outcome);
  }
}

void AdversarialTrainingHook::on_fit_begin(TrainingContext& ctx) {
  clip_ = adversarial_clip(config_, *ctx.data.train);
  losses_.assign(ctx.member_count(), 0.0);
}

void AdversarialTrainingHook::on_batch_loss(TrainingContext& /*ctx*/, std::int64_t /*epoch*/, Index /*batch*/, const Batch& batch_data,
                                            const Tensor& /*output*/, std::span<const double> /*losses*/) {
  batch_ = &batch_data;
}

void AdversarialTrainingHook::on_gradients(TrainingContext& ctx, std::int64_t /*epoch*/, Index /*batch*/) {
  if (batch_ == nullptr) throw std::logic_error("AdversarialTrainingHook: on_gradients before on_batch_loss");
  const AdversarialTrainConfig& train = *config_.train;
  const auto weight = static_cast<float>(train.weight), other = static_cast<float>(1.0 - train.weight);
  kept_grads_.resize(ctx.parameters.size());
  for (std::size_t p = 0; p < ctx.parameters.size(); ++p) {  // weight · ∇L(x)
    const Tensor& grad = *ctx.parameters[p].grad;
    if (kept_grads_[p].shape() != grad.shape()) kept_grads_[p] = Tensor(grad.shape());
    for (Index i = 0; i < grad.size(); ++i) kept_grads_[p][i] = weight * grad[i];
  }
  const std::vector<BufferRef<float>> buffers = ctx.model.buffers();
  kept_buffers_.resize(buffers.size());
  for (std::size_t b = 0; b < buffers.size(); ++b) kept_buffers_[b] = *buffers[b].value;

  const ForwardContext context{.mode = Mode::train, .step = ctx.state.step, .active = ctx.state.active};
  const Targets<float> targets{&batch_->targets, batch_->labels};
  loss_input_gradient(ctx.model, ctx.loss, batch_->inputs, targets, context, grad_input_);
  fgsm_perturb(batch_->inputs, grad_input_, train.eps, clip_, adversarial_);
  ctx.model.zero_grad();
  const Tensor& output = ctx.model.forward(adversarial_, context);
  ctx.loss.evaluate(output, targets, losses_, &grad_output_);
  ctx.model.backward(grad_output_);

  for (std::size_t b = 0; b < buffers.size(); ++b) std::copy_n(kept_buffers_[b].data(), kept_buffers_[b].size(), buffers[b].value->data());
  for (std::size_t p = 0; p < ctx.parameters.size(); ++p) {  // + (1 − weight) · ∇L(x')
    Tensor& grad = *ctx.parameters[p].grad;
    for (Index i = 0; i < grad.size(); ++i) grad[i] = kept_grads_[p][i] + other * grad[i];
  }
}

}  // namespace nnlab
