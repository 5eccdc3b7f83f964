// Train loss and accuracy of every member after every epoch, and their running averages.
//
// - Full batch: the forward that starts epoch e + 1 sees exactly the weights after epoch e, so
//   it supplies epoch e's exact loss and accuracy at no cost (the last epoch gets one more
//   forward). There is no running average: one batch is one measurement. A model with noise
//   layers (dropout, ...) is measured by an evaluation pass instead, as mini-batches are.
// - Mini-batch: after each epoch a forward-only pass (eval mode) over the training set, or a
//   fixed subset of train.metrics_subset examples, gives train_loss / train_accuracy; the
//   Keras-style average of the epoch's batch losses, each taken before its step over moving
//   weights, is kept as train_loss_running / train_accuracy_running.
// - Per-class accuracy on recorded epochs, when the task has 2 to 1,000 classes.
#pragma once

#include <cstdint>
#include <vector>

#include "train/batch.hpp"
#include "train/hook.hpp"

namespace nnlab {

// The examples train metrics are measured on: `subset` of `examples` rows chosen by a fixed
// seed (the same for every member and run), ascending; all rows when subset is 0 or too large.
std::vector<Index> metrics_rows(Index examples, Index subset);

class TrainMetricsHook final : public TrainingHook {
 public:
  void on_fit_begin(TrainingContext& ctx) override;
  void on_epoch_begin(TrainingContext& ctx, std::int64_t epoch) override;
  void on_batch_loss(TrainingContext& ctx, std::int64_t epoch, Index batch, const Batch& batch_data, const Tensor& output,
                     std::span<const double> losses) override;
  void on_epoch_end(TrainingContext& ctx, std::int64_t epoch, bool last) override;

 private:
  bool from_training_forward_ = false;     // full batch, no noise layer: on_batch_loss measures
  std::vector<Index> rows_;                 // mini-batch: the rows measured; empty = all
  Batch buffers_;                           // evaluate()'s, kept from epoch to epoch
  Index classes_ = 0;                       // per-class accuracy over this many classes; 0 = none
  std::vector<double> running_loss_;        // per member, this epoch's weighted batch losses
  std::vector<std::int64_t> running_correct_;
  std::vector<std::int64_t> class_correct_, class_totals_;  // full batch, [P * classes], [Q * classes]
};

}  // namespace nnlab
