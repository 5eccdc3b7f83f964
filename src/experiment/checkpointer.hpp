// Keeps a population's checkpoints in the run store, one artefact per population replaced
// each time: every `train.checkpoint_every` epochs, or about once a minute when that is 0,
// and always when training ends. A checkpoint is a snapshot written in the same transaction
// as a flush of the recorder, so the store never holds a checkpoint without the metrics
// recorded before it: at once when asked for every N epochs (a flush per checkpoint), else
// with the recorder's next regular flush (within 2 s, and at the end; no extra writes).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "experiment/checkpoint.hpp"
#include "experiment/recorder.hpp"
#include "nn/model.hpp"
#include "optim/optimizer.hpp"
#include "store/store.hpp"
#include "train/trainer.hpp"

namespace nnlab {

// The label of population `population`'s checkpoint, and of a range [begin, end) of its members
// trained as a population of their own (a work item, experiment/work.hpp).
ArtefactLabel checkpoint_label(Index population);
ArtefactLabel checkpoint_label(Index population, Index begin, Index end);

class StoreCheckpointer final : public Checkpointer, public FlushCompanion {
 public:
  // Registers itself as the recorder's companion.
  StoreCheckpointer(ArtefactLabel label, Sequential<float>& model, const Optimizer& optimizer, RunRecorder& recorder,
                    std::int64_t every_epochs, std::chrono::seconds every_seconds = std::chrono::seconds(60));
  ~StoreCheckpointer() override;
  StoreCheckpointer(const StoreCheckpointer&) = delete;
  StoreCheckpointer& operator=(const StoreCheckpointer&) = delete;

  bool due(std::int64_t epochs_done, bool last) override;
  void save(const TrainerState& state) override;
  std::optional<std::pair<ArtefactLabel, std::vector<std::byte>>> take() override;

 private:
  ArtefactLabel label_;
  Sequential<float>& model_;
  const Optimizer& optimizer_;
  RunRecorder& recorder_;
  std::int64_t every_epochs_;
  std::chrono::seconds every_seconds_;
  std::chrono::steady_clock::time_point last_save_;
  std::optional<CheckpointContents> staged_;  // the newest snapshot not yet written
};

}  // namespace nnlab
