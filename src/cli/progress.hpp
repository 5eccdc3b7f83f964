// A Keras-style progress line on stderr: epoch, bar, time, loss and accuracy (the
// median over members for a population). Silent when stderr is not a terminal.
#pragma once

#include <chrono>
#include <cstdio>

#include "train/trainer.hpp"

namespace nnlab {

class ProgressLine final : public TrainObserver {
 public:
  explicit ProgressLine(std::FILE* stream);

  void on_train_begin(Index members, std::int64_t epochs, Index batches_per_epoch) override;
  void on_batch_end(std::int64_t epoch, Index batch) override;
  void on_epoch_end(std::int64_t epoch, std::span<const EpochMetrics> metrics, std::span<const std::uint8_t> active) override;
  void on_train_end() override;

 private:
  using Clock = std::chrono::steady_clock;
  std::FILE* stream_;
  Index members_ = 1;
  std::int64_t epochs_ = 0;
  Index batches_ = 1;
  Clock::time_point start_, epoch_start_, last_draw_;
  bool drew_ = false;
};

}  // namespace nnlab
