// What a training run is about and what it keeps per member: the members' setups, their
// results, and the state at an epoch boundary that a checkpoint saves.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "data/dataset.hpp"
#include "core/tensor.hpp"
#include "optim/schedule.hpp"
#include "train/metrics.hpp"
#include "train/stopping_criteria.hpp"

namespace nnlab {

// What differs between members besides model/loss/optimiser options.
struct MemberSetup {
  std::uint64_t seed = 0;       // keys the member's data order (and dropout)
  double base_lr = 0.01;        // the optimiser's lr, before the schedule
  ScheduleSpec schedule;
  double clip_norm = 0.0;       // 0 = off
  double clip_value = 0.0;      // 0 = off
  // train.prune's random-reinit control (train/prune.hpp): the population-local index of the
  // member whose mask this one takes at every round end, rewinding to its own initial weights;
  // -1: it prunes by its own magnitudes.
  Index prune_mask_from = -1;
};

// With train.early_stopping: where the member's monitored metric was best and where the
// criterion stopped it. The values are the raw metric (not smoothed) at those epochs.
struct EarlyStopOutcome {
  MonitorKind monitor = MonitorKind::validation_loss;
  std::int64_t best_epoch = -1;                // -1: no finite value was observed
  double best_value = not_measured;
  std::int64_t stopped_epoch = -1;             // -1: it trained until the end (or diverged)
  double stopped_value = not_measured;
  bool restored = false;                       // final weights and final_metrics are best_epoch's
};

// With train.snapshot_ensemble: accuracy on the evaluation set (the test set, else the
// validation set) of each snapshot alone and of the ensembles of the last m snapshots. A member
// that stopped or diverged early has fewer snapshots than cycles.
struct SnapshotEnsembleOutcome {
  bool on_test = true;                    // false: measured on the validation set
  std::int64_t cycles = 0;                // M
  std::vector<std::int64_t> steps;        // [k]: the updates taken when snapshot k + 1 was kept
  std::vector<double> single_accuracy;    // [k]: snapshot k + 1 (of cycle k + 1) alone
  std::vector<double> ensemble_accuracy;  // [m - 1]: the average of the last m snapshots' outputs
};

// With train.prune: one round of a member (round 0 trains the dense network).
struct PruneRound {
  double remaining = 1.0;                      // of the prunable weights (every weight but biases and gains), kept this round
  std::vector<double> layer_remaining;         // per weight parameter, in model order
  double test_accuracy = not_measured;         // at the round's last epoch
  double validation_loss = not_measured;       // at the round's last epoch
  std::int64_t early_stop_epoch = -1;          // epoch of the round (1 ... L) with the lowest validation loss; -1: none measured
  double best_validation_loss = not_measured;  // that loss
  double early_stop_test_accuracy = not_measured;  // test accuracy at that epoch
  std::int64_t epochs = 0;                     // epochs of this round trained
  // Per input of the first weight layer, when it is dense: how many of its connections are kept.
  std::vector<std::int64_t> first_layer_kept;
};

struct PruneOutcome {
  bool control = false;                   // the random-reinit control: its ticket's masks, its own initial weights
  std::int64_t round_epochs = 0;          // L
  std::vector<std::string> layers;        // the pruned parameters' names
  std::vector<PruneRound> rounds;         // [r]: round r, as far as the member trained
};

// With adversarial.eval_eps: of the final weights on the evaluation set (the test set, else the
// validation set), per eps: accuracy on the member's own adversarial examples and the mean
// confidence (the probability of the predicted class: softmax of logits, else the output).
struct AdversarialOutcome {
  bool on_test = true;              // false: measured on the validation set
  std::vector<double> eps;          // as configured
  std::vector<double> accuracy;     // [e]
  std::vector<double> confidence;   // [e]
  std::int64_t steps = 1;           // 1: FGSM; else PGD steps of step_size
  double step_size = 0.0;
  double clip_low = 0.0, clip_high = 1.0;
};

struct MemberResult {
  std::int64_t epochs_run = 0;
  bool diverged = false;
  std::int64_t diverged_epoch = -1;            // first epoch whose loss was NaN/Inf
  std::optional<std::int64_t> success_epoch;   // first epoch meeting the success criterion
  bool successful_at_end = false;              // final_metrics meet the success criterion
  EpochMetrics final_metrics;
  std::vector<EpochMetrics> history;           // epoch 0, the last; every log_every-th with keep_history
  std::optional<EarlyStopOutcome> early_stop;  // with train.early_stopping
  std::optional<SnapshotEnsembleOutcome> snapshot_ensemble;  // with train.snapshot_ensemble
  std::optional<PruneOutcome> prune;           // with train.prune
  std::optional<AdversarialOutcome> adversarial;             // with adversarial.eval_eps
};

struct TrainingData {
  const Dataset* train = nullptr;       // required
  const Dataset* validation = nullptr;  // optional
  const Dataset* test = nullptr;        // optional
};

// The trainer's own part of a checkpoint, taken at an epoch boundary: with the model's weights
// and the optimiser's state it is everything training depends on, because data order is a
// function of (seed, epoch) and every random draw a function of (seed, step). During fit it is
// the loop's live per-member state (TrainingContext::state).
struct TrainerState {
  std::int64_t epochs_done = 0;             // training resumes with epoch epochs_done + 1
  std::int64_t step = 0;                    // updates taken so far
  std::vector<std::uint8_t> active;         // per member; 0 once it diverged or stopped
  std::vector<MemberResult> results;        // per member (a checkpoint keeps no history)
  std::vector<EpochMetrics> current;        // per member: the metrics last handed to observers
  std::vector<LayerStats> layer_stats;      // [member * layers + layer], of the last step / probe
  std::vector<double> last_gradient_norm;   // per member, of the last step
  std::vector<double> last_step_rate;       // per member, of the last step
  // train.early_stopping (train/early_stopping.hpp); empty without it.
  std::vector<StoppingState> stopping;      // per member
  std::vector<EpochMetrics> best_metrics;   // per member: the record of its best epoch so far
  std::vector<double> stopped_value;        // per member: the monitored value where it stopped
  std::vector<Tensor> best_weights;         // with restore_best: per parameter, [P, ...], each member's best
  // train.snapshot_ensemble (train/snapshot_ensemble.hpp); empty without it.
  std::vector<std::int64_t> snapshot_counts;         // per member: snapshots kept so far
  std::vector<std::int64_t> snapshot_steps;          // per snapshot k: the step count it was kept at
  std::vector<std::vector<Tensor>> snapshots;        // [k][parameters, then buffers], [P, ...]: member m's k-th in its block
  // schedule reduce_on_plateau (train/plateau.hpp): per member, its rate and ReduceLROnPlateau's
  // counters; empty when no member has that schedule (a member with another one keeps a default).
  std::vector<PlateauState> plateau;
  // train.prune (train/prune.hpp); empty without it. Per weight parameter (not biases), [P, ...].
  std::vector<Tensor> prune_masks;          // 1 kept, 0 pruned
  std::vector<Tensor> prune_rewind;         // [parameters, then buffers]: what each member rewinds to
  std::vector<std::vector<PruneRound>> prune_rounds;  // per member: its rounds so far, the current one last
};

}  // namespace nnlab
