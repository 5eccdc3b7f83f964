// Keeps a population's checkpoints in the run store, one artefact per population replaced
// each time: every `train.checkpoint_every` epochs, or about once a minute when that is 0,
// and always when training ends. The recorder is flushed first, so the store never holds a
// checkpoint newer than the metrics it has kept.
#pragma once

#include <chrono>
#include <cstdint>

#include "experiment/recorder.hpp"
#include "nn/model.hpp"
#include "optim/optimizer.hpp"
#include "store/store.hpp"
#include "train/trainer.hpp"

namespace nnlab {

// The label of population `population`'s checkpoint.
ArtefactLabel checkpoint_label(Index population);

class StoreCheckpointer final : public Checkpointer {
 public:
  StoreCheckpointer(RunStore& store, RunId run, Index population, Sequential<float>& model, const Optimizer& optimizer,
                    RunRecorder& recorder, std::int64_t every_epochs,
                    std::chrono::seconds every_seconds = std::chrono::seconds(60));

  bool due(std::int64_t epochs_done, bool last) override;
  void save(const TrainerState& state) override;

 private:
  RunStore& store_;
  RunId run_;
  Index population_;
  Sequential<float>& model_;
  const Optimizer& optimizer_;
  RunRecorder& recorder_;
  std::int64_t every_epochs_;
  std::chrono::seconds every_seconds_;
  std::chrono::steady_clock::time_point last_save_;
};

}  // namespace nnlab
