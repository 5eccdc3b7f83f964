#include "experiment/checkpointer.hpp"

#include <fmt/format.h>

namespace nnlab {

ArtefactLabel checkpoint_label(Index population) {
  return ArtefactLabel{.member = std::nullopt, .kind = "checkpoint", .name = fmt::format("population-{}", population), .epoch = std::nullopt};
}

ArtefactLabel checkpoint_label(Index population, Index begin, Index end) {
  return ArtefactLabel{.member = std::nullopt, .kind = "checkpoint", .name = fmt::format("population-{}.members-{}-{}", population, begin, end),
                       .epoch = std::nullopt};
}

StoreCheckpointer::StoreCheckpointer(ArtefactLabel label, Sequential<float>& model, const Optimizer& optimizer, RunRecorder& recorder,
                                     std::int64_t every_epochs, std::chrono::seconds every_seconds)
    : label_(std::move(label)),
      model_(model),
      optimizer_(optimizer),
      recorder_(recorder),
      every_epochs_(every_epochs),
      every_seconds_(every_seconds),
      last_save_(std::chrono::steady_clock::now()) {
  recorder_.set_companion(this);
}

StoreCheckpointer::~StoreCheckpointer() { recorder_.set_companion(nullptr); }

bool StoreCheckpointer::due(std::int64_t epochs_done, bool last) {
  if (last) return true;
  if (every_epochs_ > 0) return epochs_done % every_epochs_ == 0;
  return std::chrono::steady_clock::now() - last_save_ >= every_seconds_;
}

void StoreCheckpointer::save(const TrainerState& state) {
  staged_ = snapshot(model_, optimizer_, state);
  last_save_ = std::chrono::steady_clock::now();
  // Asked for every N epochs: written now, so that a kill loses at most N epochs. Otherwise
  // (once a minute, and the final one) it goes with the recorder's next flush.
  if (every_epochs_ > 0 && state.epochs_done % every_epochs_ == 0) recorder_.flush();
}

std::optional<std::pair<ArtefactLabel, std::vector<std::byte>>> StoreCheckpointer::take() {
  if (!staged_) return std::nullopt;
  auto bytes = encode_checkpoint(*staged_);
  staged_.reset();
  return std::make_pair(label_, std::move(bytes));
}

}  // namespace nnlab
