// Records a population's training into the run store as it happens: every epoch's
// metrics per member, flushed in one transaction every few seconds, so that a run killed
// at any point keeps every epoch flushed before it.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <utility>
#include <string>
#include <vector>

#include "store/run_writer.hpp"
#include "train/trainer.hpp"

namespace nnlab {

// An artefact written in the same transaction as the recorder's next flush: a checkpoint
// must never be stored without the metrics recorded before it.
class FlushCompanion {
 public:
  virtual ~FlushCompanion() = default;
  // What to write with this flush, if anything; called once per flush.
  virtual std::optional<std::pair<ArtefactLabel, std::vector<std::byte>>> take() = 0;
};

// What a population's recorder records.
struct RecorderSetup {
  int layers = 0;                              // config layers: "layers.{i}.*" series
  Index classes = 0;                           // "train_class_accuracy.{c}" / "test_class_accuracy.{c}" for c < classes
  // Record every this many epochs (and epoch 0, the last, a member's final one); 0 = about
  // 50,000 points per metric for the whole population.
  std::int64_t log_every = 0;
  std::vector<std::int64_t> snapshot_epochs;   // where on_model keeps weights (empty: 0, 1, 10, ..., last)
  std::vector<Index> snapshot_members{0};      // population-local members whose weights are kept
  // The whole population's size when the recorder records a range of its members (a work item
  // of an MPI run, experiment/work.hpp), so that log_every resolves as for the whole; 0: the members trained.
  Index population_members = 0;
  Index member_offset = 0;  // the range's first member in its population (0 when whole)
};

class RunRecorder final : public TrainObserver {
 public:
  // Members of this population are members first_member, first_member + 1, ... of the run.
  // Progress reaches `next` too (may be null).
  RunRecorder(RunWriter& store, RunId run, Index first_member, RecorderSetup setup, TrainObserver* next,
              std::chrono::milliseconds flush_interval = std::chrono::milliseconds(2000));

  void on_train_begin(Index members, std::int64_t epochs, Index batches_per_epoch) override;
  void on_batch_end(std::int64_t epoch, Index batch) override;
  void on_epoch_end(std::int64_t epoch, std::span<const EpochMetrics> metrics, std::span<const std::uint8_t> active) override;
  void on_resume(std::int64_t epochs_done, std::span<const std::uint8_t> active) override;
  // For each snapshot member at the snapshot epochs: histograms of its weights and probe
  // activations, artefact "histograms" / "epoch-{e}"; its weights, "snapshot" / "epoch-{e}", and
  // the change of the epoch's last step, "update" / "epoch-{e}" (safetensors, PyTorch names).
  bool wants_model(std::int64_t epoch) override;
  void on_model(std::int64_t epoch, Sequential<float>& model, std::span<const Tensor> step_start) override;
  void on_train_end() override;
  // Writes every buffered epoch to the store now, with what the companion has to add.
  void flush();
  void set_companion(FlushCompanion* companion) { companion_ = companion; }

 private:
  RunWriter& store_;
  RunId run_;
  Index first_member_;
  TrainObserver* next_;
  FlushCompanion* companion_ = nullptr;
  std::int64_t log_every_;
  Index population_members_;
  Index member_offset_;
  std::vector<std::int64_t> snapshot_epochs_;
  std::vector<Index> snapshot_members_;
  std::size_t class_metrics_ = 0;   // index of the first per-class series in names_
  Index classes_ = 0;
  int layers_ = 0;
  std::int64_t epochs_ = 0;
  std::chrono::milliseconds flush_interval_;
  std::chrono::steady_clock::time_point last_flush_;
  void record(std::size_t metric, std::size_t member, std::int64_t epoch, double value, bool in_row);
  void hand_over();  // gives the buffered values to the store, one series per (metric, member)

  // Values buffered between flushes. Logged epochs are rows of a member-wide table per metric,
  // so that recording 1,000 members is a few contiguous writes per epoch; the one value of a
  // member that stopped between logged epochs goes to `loose_`.
  std::vector<std::string> names_;  // metric_names, first_member_metric_names, "layers.{i}.*", per-class
  Index members_ = 0;
  std::vector<Epoch> row_epochs_;                        // the buffered logged epochs
  std::vector<std::vector<float>> row_values_;           // [metric][row * members + member]
  std::vector<std::vector<std::uint8_t>> row_present_;   // same layout: 1 where a value was recorded
  struct Loose {
    std::size_t metric, member;
    Epoch epoch;
    float value;
  };
  std::vector<Loose> loose_;
  std::vector<std::uint8_t> recorded_final_;  // a member's last epoch after it stopped is recorded once
};

// Per config layer i, stored as "layers.{i}.<name>", in the order of LayerStats.
inline constexpr const char* layer_stat_names[] = {"weight_norm",   "gradient_norm",      "update_ratio",    "weight_l1",
                                                   "dead_fraction", "saturated_fraction", "activation_mean", "activation_std"};

// The names under which every member's metrics are stored, in the order of EpochMetrics.
inline constexpr const char* metric_names[] = {"train_loss",      "train_accuracy", "train_loss_running", "train_accuracy_running",
                                               "validation_loss", "validation_accuracy", "test_loss",     "test_accuracy",
                                               "learning_rate",   "gradient_norm",       "penalty"};
// Recorded for each population's first member only: the same for every member.
inline constexpr const char* first_member_metric_names[] = {"epoch_seconds", "updates"};

}  // namespace nnlab
