// A Checkpointer that keeps the checkpoint taken after `at` epochs (or the final one, at < 0)
// in memory, for resume tests that need no run store.
#pragma once

#include <optional>
#include <vector>

#include "train/trainer.hpp"

namespace nnlab::testing {

class MemoryCheckpointer final : public Checkpointer {
 public:
  MemoryCheckpointer(Sequential<float>& model, const Optimizer& optimizer, std::int64_t at) : model_(model), optimizer_(optimizer), at_(at) {}
  bool due(std::int64_t epochs_done, bool last) override {
    return last ? at_ < 0 : epochs_done == at_;
  }
  void save(const TrainerState& state) override {
    trainer = state;
    optimizer = optimizer_.state();
    weights.clear();
    for (const auto& parameter : model_.parameters()) weights.push_back(*parameter.value);
    for (const auto& buffer : model_.buffers()) weights.push_back(*buffer.value);
  }
  std::optional<TrainerState> trainer;
  std::optional<OptimizerState> optimizer;
  std::vector<Tensor> weights;  // every parameter, then every buffer (batch norm's running statistics)

 private:
  Sequential<float>& model_;
  const Optimizer& optimizer_;
  std::int64_t at_;
};

}  // namespace nnlab::testing
