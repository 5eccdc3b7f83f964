#include "experiment/checkpointer.hpp"

#include <fmt/format.h>

#include "experiment/checkpoint.hpp"

namespace nnlab {

ArtefactLabel checkpoint_label(Index population) {
  return ArtefactLabel{.member = std::nullopt, .kind = "checkpoint", .name = fmt::format("population-{}", population), .epoch = std::nullopt};
}

StoreCheckpointer::StoreCheckpointer(RunStore& store, RunId run, Index population, Sequential<float>& model, const Optimizer& optimizer,
                                     RunRecorder& recorder, std::int64_t every_epochs, std::chrono::seconds every_seconds)
    : store_(store),
      run_(run),
      population_(population),
      model_(model),
      optimizer_(optimizer),
      recorder_(recorder),
      every_epochs_(every_epochs),
      every_seconds_(every_seconds),
      last_save_(std::chrono::steady_clock::now()) {}

bool StoreCheckpointer::due(std::int64_t epochs_done, bool last) {
  if (last) return true;
  if (every_epochs_ > 0) return epochs_done % every_epochs_ == 0;
  return std::chrono::steady_clock::now() - last_save_ >= every_seconds_;
}

void StoreCheckpointer::save(const TrainerState& state) {
  recorder_.flush();
  store_.put_artefact(run_, checkpoint_label(population_), encode_checkpoint(model_, optimizer_, state));
  last_save_ = std::chrono::steady_clock::now();
}

}  // namespace nnlab
