#include "train/lr_finder.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace nnlab {

void validate(const LrFinderOptions& options) {
  if (options.steps < 2) throw std::invalid_argument(fmt::format("steps: must be >= 2, got {}", options.steps));
  if (!(options.smoothing >= 0 && options.smoothing < 1))
    throw std::invalid_argument(fmt::format("smoothing: must be in [0, 1), got {}", options.smoothing));
  if (!(options.diverge > 1) || !std::isfinite(options.diverge))
    throw std::invalid_argument(fmt::format("diverge: must be > 1, got {}", options.diverge));
}

double LossSmoother::add(double loss) {
  average_ = beta_ * average_ + (1.0 - beta_) * loss;
  beta_power_ *= beta_;
  return average_ / (1.0 - beta_power_);
}

std::vector<double> smoothed_losses(std::span<const double> losses, double beta) {
  LossSmoother smoother(beta);
  std::vector<double> smoothed;
  smoothed.reserve(losses.size());
  for (const double loss : losses) smoothed.push_back(smoother.add(loss));
  return smoothed;
}

const char* lr_stop_name(LrStop stop) {
  switch (stop) {
    case LrStop::running: return "running";
    case LrStop::steps: return "steps";
    case LrStop::diverged: return "diverged";
    case LrStop::not_finite: return "not finite";
  }
  return "?";
}

LrSuggestion suggest_learning_rates(std::span<const double> rates, std::span<const double> smoothed, std::int64_t skip_start,
                                    std::int64_t skip_end) {
  if (rates.size() != smoothed.size()) throw std::invalid_argument("suggest_learning_rates: one rate per loss required");
  const auto size = static_cast<std::int64_t>(smoothed.size());
  const std::int64_t begin = std::max<std::int64_t>(skip_start, 0);
  std::int64_t end = size - std::max<std::int64_t>(skip_end, 0);
  for (std::int64_t i = begin; i < end; ++i)
    if (!std::isfinite(smoothed[static_cast<std::size_t>(i)])) {
      end = i;
      break;
    }
  LrSuggestion suggestion;
  for (std::int64_t i = begin; i < end; ++i) {
    const double loss = smoothed[static_cast<std::size_t>(i)];
    if (suggestion.minimum_step < 0 || loss < suggestion.minimum_loss) {
      suggestion.minimum_step = i;
      suggestion.minimum_loss = loss;
      suggestion.minimum = rates[static_cast<std::size_t>(i)];
    }
  }
  double steepest_slope = 0.0;
  for (std::int64_t i = begin; i + 1 < end; ++i) {
    const auto at = static_cast<std::size_t>(i);
    const double slope = (smoothed[at + 1] - smoothed[at]) / (std::log(rates[at + 1]) - std::log(rates[at]));
    if (suggestion.steepest_step < 0 || slope < steepest_slope) {
      suggestion.steepest_step = i;
      suggestion.steepest = rates[at];
      steepest_slope = slope;
    }
  }
  return suggestion;
}

LrSuggestion suggest_learning_rates(const LrCurve& curve, std::int64_t steps) {
  return suggest_learning_rates(curve.rates, curve.smoothed, steps / 10, 5);
}

LrFinderHook::LrFinderHook(LrFinderOptions options) : options_(options) { validate(options_); }

void LrFinderHook::on_fit_begin(TrainingContext& ctx) {
  const std::size_t members = ctx.member_count();
  curves_.assign(members, LrCurve{});
  smoothers_.assign(members, LossSmoother(options_.smoothing));
  best_.assign(members, std::numeric_limits<double>::infinity());
}

void LrFinderHook::on_batch_loss(TrainingContext& ctx, std::int64_t /*epoch*/, Index /*batch*/, const Batch& /*batch_data*/,
                                 const Tensor& /*output*/, std::span<const double> losses) {
  // The outcome hook (before this one) already deactivated a member whose loss is not finite:
  // its point is still recorded, as the step it stops at.
  const std::int64_t step = ctx.state.step;
  for (std::size_t m = 0; m < curves_.size(); ++m) {
    LrCurve& curve = curves_[m];
    if (curve.stop != LrStop::running) continue;
    const MemberSetup& setup = ctx.members[m];
    const double smoothed = smoothers_[m].add(losses[m]);
    curve.rates.push_back(scheduled_learning_rate(setup.schedule, setup.base_lr, step));
    curve.losses.push_back(losses[m]);
    curve.smoothed.push_back(smoothed);
    if (std::isfinite(smoothed)) best_[m] = std::min(best_[m], smoothed);
    if (!std::isfinite(smoothed) || !std::isfinite(losses[m])) curve.stop = LrStop::not_finite;
    else if (smoothed > options_.diverge * best_[m]) curve.stop = LrStop::diverged;
    else if (static_cast<std::int64_t>(curve.rates.size()) >= options_.steps) curve.stop = LrStop::steps;
    if (curve.stop != LrStop::running) ctx.state.active[m] = 0;
  }
}

std::int64_t epochs_for_steps(std::int64_t steps, Index batches_per_epoch) {
  const std::int64_t per_epoch = std::max<std::int64_t>(batches_per_epoch, 1);
  return std::max<std::int64_t>(1, (steps + per_epoch - 1) / per_epoch);
}

}  // namespace nnlab
