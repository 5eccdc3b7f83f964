// How a population is trained and when a member counts as successful.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/tensor.hpp"
#include "data/augment.hpp"
#include "data/order.hpp"
#include "train/stopping_criteria.hpp"

namespace nnlab {

// train.snapshot_ensemble (Huang et al. 2017, train/snapshot_ensemble.hpp): M cycles of the
// snapshot rate over the run, each cycle's final weights kept and ensembled.
struct SnapshotEnsembleConfig {
  std::int64_t cycles = 5;  // M >= 1, and the last cycle must get a step (optim/schedule.hpp, snapshot_schedule)
};

// train.prune (Frankle & Carbin 2019, train/prune.hpp): iterative magnitude pruning in one fit
// of (rounds + 1) equal rounds of epochs: round 0 dense, then after each round but the last
// round(rate × remaining) weights of each layer are pruned and the member rewinds.
enum class PruneScope { layer, global };
struct PruneConfig {
  std::int64_t rounds = 1;         // >= 1 pruned rounds; the fit's epochs must be (rounds + 1) × a round's
  double rate = 0.2;               // (0, 1): of the remaining weights, per round, per layer (or across them)
  double output_rate = 0.1;        // [0, 1): the output layer's rate (ranked on its own in either scope)
  PruneScope scope = PruneScope::layer;
  std::int64_t rewind_epoch = 0;   // 0: the initial weights; k: the weights after epoch k of round 0
  // The experiment's, not the trainer's (which reads MemberSetup::prune_mask_from): `control:
  // random_reinit` plans a twin of every trial with reinit = true, whose members take the masks of
  // the twin's members and start from their own random weights (experiment/prune_control.hpp).
  bool control = false;
  bool reinit = false;
};

// The top-level `adversarial:` section (Goodfellow et al. 2015, train/adversarial.hpp). Inputs
// are perturbed to x' = clip(x + eps · sign(∇x L), lo, hi) per member (FGSM); steps > 1 is PGD:
// `steps` moves of step_size, each projected back to the eps ball around x and clipped.
struct AdversarialTrainConfig {
  double eps = 0.25;    // >= 0: the FGSM example the loss is also taken at
  double weight = 0.5;  // [0, 1]: loss = weight · L(x) + (1 − weight) · L(x')
};
struct AdversarialConfig {
  std::vector<double> eval_eps;             // >= 0 each: evaluated on the test (else validation) set at fit end
  std::optional<std::array<double, 2>> clip;  // lo < hi; none: the training inputs' min and max
  std::int64_t steps = 1;                   // >= 1 (evaluation only)
  double step_size = 0.01;                  // > 0, with steps > 1
  std::optional<AdversarialTrainConfig> train;
};

// train.mixup (Zhang et al. 2018, train/mixup.hpp): each member trains on λ·x + (1 − λ)·x' and
// λ·t + (1 − λ)·t' of a shuffled partner x' of each row, λ ~ Beta(α, α) per member and batch.
struct MixupConfig {
  double alpha = 0.2;  // > 0
};

struct TrainConfig {
  std::int64_t epochs = 10;          // > 0
  Index batch = 0;                   // examples per update; 0 = full batch ("full"), 1 = online
  OrderKind order = OrderKind::shuffled;
  double clip_norm = 0.0;            // per-member global gradient L2 norm limit; 0 = off
  double clip_value = 0.0;           // per-element gradient limit; 0 = off
  std::int64_t log_every = 0;        // record metrics every this many epochs; 0 = auto (1 for history)
  // Mini-batch training measures train_loss/train_accuracy after every epoch with a forward-only
  // pass over the training set; a positive value uses a fixed subset of that many examples
  // (the same for every member and seed, train/metrics_subset.hpp). 0 = the whole set.
  Index metrics_subset = 0;
  // MemberResult::history holds epoch 0 and the last (or stopping) epoch; keep_history adds every
  // log_every-th epoch in between, which costs memory O(P · epochs / log_every). Observers see
  // every epoch either way (the run store records them there).
  bool keep_history = false;
  // Epochs between checkpoints for `nnlab resume`; 0 = auto (about every 60 s of training).
  // The Trainer only asks its Checkpointer; this is that checkpointer's setting.
  std::int64_t checkpoint_every = 0;
  // Epochs at which the run store keeps weight snapshots and weight/activation histograms of
  // each population's first member; empty = 0, 1, 10, 100, ... and the last.
  std::vector<std::int64_t> snapshot_epochs;
  // Stop each member on its own when its monitored metric stops improving (train/early_stopping.hpp).
  std::optional<EarlyStoppingConfig> early_stopping;
  // Keep each cycle's final weights and evaluate the ensembles of the last m snapshots.
  std::optional<SnapshotEnsembleConfig> snapshot_ensemble;
  // Prune each member's weights by magnitude between rounds and rewind it (lottery tickets).
  std::optional<PruneConfig> prune;
  // Restart every member's schedule (and warm-up) every this many epochs: the schedule sees the
  // epochs and steps since the last restart. train.prune sets it to a round's length; 0 = never.
  std::int64_t schedule_restart = 0;
  // Adversarial examples: evaluated at fit end, and optionally trained on (the `adversarial:` section).
  std::optional<AdversarialConfig> adversarial;
  // data.augment: random image transforms of the training examples, per member, epoch and row
  // (train/augment_hook.hpp). Mini-batches only.
  std::optional<AugmentConfig> augment;
  // Mix pairs of training examples and their targets (train/mixup.hpp). Mini-batches only.
  std::optional<MixupConfig> mixup;
};

// The epochs metrics are recorded at, and unit activity measured at: every log_every-th, or
// with log_every = 0 as many as keep about 50,000 points per metric for the population.
inline std::int64_t resolved_log_every(std::int64_t log_every, std::int64_t epochs, Index members) {
  if (log_every > 0) return log_every;
  constexpr std::int64_t points_per_metric = 50'000;  // keeps recording a small share of training time
  std::int64_t points = 0;
  if (__builtin_mul_overflow(epochs, static_cast<std::int64_t>(members), &points)) {
    // Beyond 2^63 points an approximate stride is as good; never more than every epoch apart.
    const double stride = std::ceil(static_cast<double>(epochs) / points_per_metric * static_cast<double>(members));
    return stride >= static_cast<double>(epochs) ? std::max<std::int64_t>(epochs, 1) : static_cast<std::int64_t>(stride);
  }
  return points <= points_per_metric ? 1 : (points - 1) / points_per_metric + 1;
}

// When is a member successful? Every given criterion must hold at the end of an epoch.
struct SuccessConfig {
  std::optional<double> train_accuracy;       // >= this
  std::optional<double> test_accuracy;        // >= this
  std::optional<double> validation_accuracy;  // >= this
  std::optional<double> train_loss;           // <= this
  bool stop = false;                           // stop a member once it has succeeded
  bool any() const { return train_accuracy || test_accuracy || validation_accuracy || train_loss; }
};

}  // namespace nnlab
