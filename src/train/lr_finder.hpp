// The LR range test (Smith 2015, "Cyclical Learning Rates for Training Neural Networks"; the
// procedure of fastai's lr_find and torch-lr-finder's range_test) as a hook: the members train
// one mini-batch per step under the range_test schedule (optim/schedule.hpp), and this hook
// records each member's raw loss, smooths it and stops the member once it diverges.
//
// Step i pairs the rate of step i with the loss of the forward that step i starts from (the
// weights after steps 0..i-1, before its own update), as both references do. The smoothed loss
// is an exponential moving average with bias correction (fastai's AvgSmoothLoss):
//   avg_i = beta avg_{i-1} + (1 - beta) loss_i (avg_{-1} = 0),   smoothed_i = avg_i / (1 - beta^(i+1)).
// A member stops at the step whose smoothed loss is not finite or exceeds `diverge` times the
// smallest smoothed loss it had so far (that step is recorded, its update not taken), or at the
// last of `steps`. Writes: ctx.state.active (0 for a stopped member). Per member by construction:
// nothing a member records depends on another.
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "train/hook.hpp"

namespace nnlab {

struct LrFinderOptions {
  std::int64_t steps = 100;  // >= 2
  double smoothing = 0.98;   // beta, in [0, 1); 0 = no smoothing
  double diverge = 4.0;      // > 1
};

// Throws std::invalid_argument "<key>: must be ..., got ..." (keys steps, smoothing, diverge).
void validate(const LrFinderOptions& options);

// The bias-corrected exponential moving average above; add() returns smoothed_i.
class LossSmoother {
 public:
  explicit LossSmoother(double beta) : beta_(beta) {}
  double add(double loss);

 private:
  double beta_;
  double average_ = 0.0;
  double beta_power_ = 1.0;  // beta^(i+1) after the i-th add
};

// The smoothed curve of `losses` (every value through LossSmoother).
std::vector<double> smoothed_losses(std::span<const double> losses, double beta);

enum class LrStop { running, steps, diverged, not_finite };
const char* lr_stop_name(LrStop stop);  // "running", "steps", "diverged", "not finite"

// One member's curve: a value per step it took part in.
struct LrCurve {
  std::vector<double> rates;
  std::vector<double> losses;    // raw: the batch's loss
  std::vector<double> smoothed;
  LrStop stop = LrStop::running;
};

// The two suggestions read off a smoothed curve, with fastai's trimming: the first
// `skip_start` points and the last `skip_end` are left out (fastai: steps / 10 and 5), and the
// curve ends before its first value that is not finite.
//   steepest: rates[i] at the i minimising (smoothed[i+1] - smoothed[i]) / (ln rates[i+1] - ln rates[i])
//             (fastai's `steep`: the steepest descent of the loss against log lr);
//   minimum:  rates[j] at the smallest smoothed[j]; minimum / 10 is fastai's `minimum` suggestion.
// The first index wins ties. NaN (and step -1) where too few points remain: two for steepest, one for minimum.
struct LrSuggestion {
  double steepest = std::numeric_limits<double>::quiet_NaN();
  std::int64_t steepest_step = -1;
  double minimum = std::numeric_limits<double>::quiet_NaN();  // the rate at the minimum
  std::int64_t minimum_step = -1;
  double minimum_loss = std::numeric_limits<double>::quiet_NaN();
  double minimum_over_10() const { return minimum / 10.0; }
};
LrSuggestion suggest_learning_rates(std::span<const double> rates, std::span<const double> smoothed, std::int64_t skip_start,
                                    std::int64_t skip_end);
// fastai's trimming for a test of `steps` steps: steps / 10 at the start, 5 at the end.
LrSuggestion suggest_learning_rates(const LrCurve& curve, std::int64_t steps);

class LrFinderHook final : public TrainingHook {
 public:
  explicit LrFinderHook(LrFinderOptions options);
  void on_fit_begin(TrainingContext& ctx) override;
  void on_batch_loss(TrainingContext& ctx, std::int64_t epoch, Index batch, const Batch& batch_data, const Tensor& output,
                     std::span<const double> losses) override;

  const std::vector<LrCurve>& curves() const { return curves_; }  // per member

 private:
  LrFinderOptions options_;
  std::vector<LrCurve> curves_;
  std::vector<LossSmoother> smoothers_;
  std::vector<double> best_;  // the smallest smoothed loss so far
};

// The epochs a trainer needs for `steps` batches of `batches_per_epoch` (at least 1).
std::int64_t epochs_for_steps(std::int64_t steps, Index batches_per_epoch);

}  // namespace nnlab
