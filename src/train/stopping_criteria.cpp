#include "train/stopping_criteria.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace nnlab {

std::string_view criterion_name(StoppingCriterion criterion) {
  switch (criterion) {
    case StoppingCriterion::patience: return "patience";
    case StoppingCriterion::gl: return "gl";
    case StoppingCriterion::pq: return "pq";
    case StoppingCriterion::up: return "up";
  }
  return "?";
}

void validate(const EarlyStoppingConfig& config) {
  const auto check = [](bool holds, const char* field, auto value, const char* rule) {
    if (!holds) throw std::invalid_argument(fmt::format("early_stopping.{} must be {}, got {}", field, rule, value));
  };
  check(config.patience >= 1, "patience", config.patience, ">= 1");
  check(config.min_delta >= 0 && std::isfinite(config.min_delta), "min_delta", config.min_delta, "finite and >= 0");
  check(config.smoothing >= 1, "smoothing", config.smoothing, ">= 1");
  check(config.alpha >= 0 && std::isfinite(config.alpha), "alpha", config.alpha, "finite and >= 0");
  check(config.strip >= 1, "strip", config.strip, ">= 1");
  check(config.s >= 1, "s", config.s, ">= 1");
}

double generalisation_loss(double error, double best_error) { return 100.0 * (error / best_error - 1.0); }

double training_progress(const std::vector<double>& strip_train_loss) {
  const double sum = std::accumulate(strip_train_loss.begin(), strip_train_loss.end(), 0.0);
  const double least = *std::min_element(strip_train_loss.begin(), strip_train_loss.end());
  return 1000.0 * (sum / (static_cast<double>(strip_train_loss.size()) * least) - 1.0);
}

StoppingStep observe(const EarlyStoppingConfig& config, StoppingState& state, std::int64_t epoch, double monitored, double train_loss) {
  if (epoch <= state.last_epoch || state.stopped_epoch >= 0) return {};
  state.last_epoch = epoch;

  // E(t): the moving average of the last `smoothing` values, as an error (lower is better).
  state.window.push_back(monitored);
  if (static_cast<std::int64_t>(state.window.size()) > config.smoothing) state.window.erase(state.window.begin());
  const double mean = std::accumulate(state.window.begin(), state.window.end(), 0.0) / static_cast<double>(state.window.size());
  const double error = is_accuracy(config.monitor) ? 1.0 - mean : mean;

  StoppingStep step;
  if (error < state.best_error - config.min_delta) {  // false for NaN
    state.best_error = error;
    state.best_epoch = epoch;
    state.since_best = 0;
    step.improved = true;
  } else {
    ++state.since_best;
  }

  const bool strip_end = epoch % config.strip == 0;
  switch (config.criterion) {
    case StoppingCriterion::patience: step.stop = state.since_best >= config.patience; break;
    case StoppingCriterion::gl: step.stop = generalisation_loss(error, state.best_error) > config.alpha; break;
    case StoppingCriterion::pq:
      state.strip_train.push_back(train_loss);
      if (static_cast<std::int64_t>(state.strip_train.size()) > config.strip) state.strip_train.erase(state.strip_train.begin());
      // A strip is the epochs n + 1 .. n + k with n a multiple of k: judged when it is complete.
      if (strip_end && static_cast<std::int64_t>(state.strip_train.size()) == config.strip)
        step.stop = generalisation_loss(error, state.best_error) / training_progress(state.strip_train) > config.alpha;
      break;
    case StoppingCriterion::up:
      if (strip_end) {
        // The first strip end has no earlier one to compare with (epoch 0 is not observed).
        state.increases = error > state.strip_error ? state.increases + 1 : 0;
        state.strip_error = error;
        step.stop = state.increases >= config.s;
      }
      break;
  }
  if (step.stop) state.stopped_epoch = epoch;
  return step;
}

}  // namespace nnlab
