#include "optim/plateau.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace nnlab {
namespace {

// PyTorch's is_better, operation for operation.
bool is_better(const PlateauRule& rule, double value, double best) {
  if (rule.mode == PlateauMode::min && rule.threshold_mode == ThresholdMode::rel) return value < best * (1. - rule.threshold);
  if (rule.mode == PlateauMode::min) return value < best - rule.threshold;
  if (rule.threshold_mode == ThresholdMode::rel) return value > best * (rule.threshold + 1.);
  return value > best + rule.threshold;
}

template <typename Value>
void require(bool condition, std::string_view key, std::string_view rule, Value value) {
  if (!condition) throw std::invalid_argument(fmt::format("{}: must be {}, got {}", key, rule, value));
}

bool non_negative(double value) { return std::isfinite(value) && value >= 0; }

}  // namespace

void validate(const PlateauRule& rule) {
  require(rule.factor > 0 && rule.factor < 1, "factor", "in (0, 1)", rule.factor);
  require(rule.patience >= 0, "patience", ">= 0", rule.patience);
  require(non_negative(rule.threshold), "threshold", ">= 0", rule.threshold);
  require(rule.cooldown >= 0, "cooldown", ">= 0", rule.cooldown);
  require(non_negative(rule.min_lr), "min_lr", ">= 0", rule.min_lr);
  require(non_negative(rule.eps), "eps", ">= 0", rule.eps);
}

PlateauState plateau_start(const PlateauRule& rule, double initial_rate) {
  PlateauState state;
  state.rate = initial_rate;
  state.best = rule.mode == PlateauMode::min ? std::numeric_limits<double>::infinity() : -std::numeric_limits<double>::infinity();
  return state;
}

bool plateau_step(const PlateauRule& rule, PlateauState& state, std::int64_t epoch, double value) {
  if (epoch <= state.last_epoch) return false;
  state.last_epoch = epoch;
  if (is_better(rule, value, state.best)) {
    state.best = value;
    state.num_bad_epochs = 0;
  } else {
    ++state.num_bad_epochs;
  }
  if (state.cooldown_counter > 0) {
    --state.cooldown_counter;
    state.num_bad_epochs = 0;  // bad epochs in cooldown are ignored
  }
  if (state.num_bad_epochs <= rule.patience) return false;
  state.cooldown_counter = rule.cooldown;
  state.num_bad_epochs = 0;
  const double reduced = std::max(state.rate * rule.factor, rule.min_lr);
  if (!(state.rate - reduced > rule.eps)) return false;
  state.rate = reduced;
  return true;
}

}  // namespace nnlab
