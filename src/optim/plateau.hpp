// ReduceLROnPlateau (torch.optim.lr_scheduler) as a pure fold over one member's epochs: the
// epoch's monitored value and a small state in, the rate for the next epoch out. No model, no
// population: the trainer's PlateauHook (train/plateau.hpp) applies it to each member at every
// epoch end; tests apply it to a hand-written series.
//
// With best starting at +inf (mode min) or -inf (max), each step:
//   better  = min, rel: v < best (1 − threshold)     min, abs: v < best − threshold
//             max, rel: v > best (1 + threshold)     max, abs: v > best + threshold
//   better: best = v, bad = 0; else bad += 1            (a NaN value is never better)
//   in cooldown (counter > 0): counter −= 1, bad = 0
//   bad > patience: new = max(rate · factor, min_lr); rate = new if rate − new > eps;
//                   counter = cooldown, bad = 0
#pragma once

#include <cstdint>
#include <limits>

namespace nnlab {

enum class PlateauMode { min, max };
enum class ThresholdMode { rel, abs };

struct PlateauState {
  double rate = 0.0;                // the rate the next epoch trains with
  double best = std::numeric_limits<double>::infinity();  // mode_worse until the first better value
  std::int64_t num_bad_epochs = 0;
  std::int64_t cooldown_counter = 0;
  std::int64_t last_epoch = 0;      // the last epoch observed (0: none)
};

// The constants of one member's schedule (read from its ScheduleSpec).
struct PlateauRule {
  PlateauMode mode = PlateauMode::min;
  double factor = 0.1;
  std::int64_t patience = 10;
  double threshold = 1e-4;
  ThresholdMode threshold_mode = ThresholdMode::rel;
  std::int64_t cooldown = 0;
  double min_lr = 0.0;
  double eps = 1e-8;
};

// Throws std::invalid_argument "<key>: <reason>" on constants ReduceLROnPlateau rejects
// (factor >= 1) or that make no schedule (factor <= 0, negative counts, thresholds or rates).
void validate(const PlateauRule& rule);

// The state before any epoch: rate = initial_rate, best = the mode's worst value.
PlateauState plateau_start(const PlateauRule& rule, double initial_rate);

// Feeds epoch `epoch`'s value (epoch > state.last_epoch; an epoch seen before is ignored) and
// returns the rate afterwards. Returns true when the rate was reduced.
bool plateau_step(const PlateauRule& rule, PlateauState& state, std::int64_t epoch, double value);

}  // namespace nnlab
