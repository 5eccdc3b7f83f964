// Early-stopping criteria as a pure fold over one member's epochs: `observe` takes an epoch's
// monitored value (and train loss) and a small state, and says whether the value improved and
// whether to stop after this epoch. No model, no population: the hook (early_stopping.hpp)
// applies it to each member; tests apply it to a hand-written series.
//
// Every criterion works on an error E(t), lower is better: the monitored loss, or 1 − accuracy,
// averaged over the last `smoothing` epochs (a trailing moving average; 1 = none). E_opt(t) is
// the best E so far, where a new best must beat the old by more than min_delta.
// - patience: stop once `patience` epochs in a row brought no new best.
// - gl (Prechelt 1997, GL_α): generalisation loss GL(t) = 100 · (E(t) / E_opt(t) − 1); stop
//   when GL(t) > alpha.
// - pq (PQ_α): training progress over the strip of the last k = `strip` epochs,
//   P_k(t) = 1000 · (Σ E_tr(t') / (k · min E_tr(t')) − 1), with E_tr the train loss; at the end
//   of each strip (t a multiple of k) stop when GL(t) / P_k(t) > alpha.
// - up (UP_s): at the end of each strip, E(t) > E(t − k) counts one more successive increase,
//   anything else resets the count; stop when the count reaches s.
// Epochs are counted from 1 (epoch 0, the initial weights, is not observed). A NaN value never
// improves and never makes GL, PQ or UP stop.
#pragma once

#include <cstdint>
#include <limits>
#include <string_view>
#include <vector>

#include "core/monitor.hpp"

namespace nnlab {

enum class StoppingCriterion { patience, gl, pq, up };

std::string_view criterion_name(StoppingCriterion criterion);

struct EarlyStoppingConfig {
  MonitorKind monitor = MonitorKind::validation_loss;
  StoppingCriterion criterion = StoppingCriterion::patience;
  std::int64_t patience = 10;   // patience: epochs without a new best, >= 1
  double min_delta = 0.0;       // a new best beats the old by more than this, >= 0
  std::int64_t smoothing = 1;   // moving-average window over the monitored value, >= 1
  bool restore_best = true;     // end with the weights (and metrics) of the best epoch
  double alpha = 5.0;           // gl: GL threshold (percent); pq: GL/P threshold (default 0.5 there)
  std::int64_t strip = 5;       // pq, up: strip length k, >= 1
  std::int64_t s = 3;           // up: successive strip-end increases, >= 1
};

// std::invalid_argument naming the field and value when a field is out of range.
void validate(const EarlyStoppingConfig& config);

// One member's running state; everything a checkpoint needs to continue the fold.
struct StoppingState {
  std::int64_t last_epoch = 0;     // the last epoch observed (0: none)
  std::vector<double> window;      // the last `smoothing` monitored values, oldest first
  double best_error = std::numeric_limits<double>::infinity();  // E_opt
  std::int64_t best_epoch = -1;    // where E_opt was reached; -1: no finite value yet
  std::int64_t since_best = 0;     // epochs observed after best_epoch
  std::vector<double> strip_train; // pq: the train losses of the current strip
  double strip_error = std::numeric_limits<double>::quiet_NaN();  // up: E at the previous strip end
  std::int64_t increases = 0;      // up: successive strip ends with E(t) > E(t − k)
  std::int64_t stopped_epoch = -1; // the epoch the criterion stopped after; -1: not stopped
};

struct StoppingStep {
  bool improved = false;  // this epoch is the new best
  bool stop = false;      // stop after this epoch
};

// Feeds epoch `epoch` (> state.last_epoch; an epoch seen before is ignored, returning {}).
// `monitored` is the raw metric (loss or accuracy), `train_loss` the epoch's train loss (pq).
// Once stopped, further epochs are ignored.
StoppingStep observe(const EarlyStoppingConfig& config, StoppingState& state, std::int64_t epoch, double monitored, double train_loss);

// The criteria's building blocks, exposed for tests.
double generalisation_loss(double error, double best_error);            // GL, percent
double training_progress(const std::vector<double>& strip_train_loss);  // P_k, per mille

}  // namespace nnlab
