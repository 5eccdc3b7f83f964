// A population of ReLU classifiers (4 inputs, 3 classes) on blob data that is easy to over-fit,
// trained with cross-entropy from scratch or from a MemoryCheckpointer, with its final weights
// and buffers kept: the set-up of the early-stopping, plateau and snapshot-ensemble tests.
#pragma once

#include <memory>
#include <span>
#include <vector>

#include "train/independent_data.hpp"
#include "train/memory_checkpointer.hpp"
#include "train/trainer.hpp"

namespace nnlab::testing {

struct BlobPopulation {
  std::vector<std::uint64_t> seeds;
  std::vector<OptimizerOptions> optimizers;
  std::vector<MemberSetup> setups;
  BlobPopulation only(std::size_t m) const { return BlobPopulation{{seeds[m]}, {optimizers[m]}, {setups[m]}}; }
};

// SGD with momentum at rates 0.2, 0.1 and 0.05, and Nesterov at 0.1, over seeds 40 ... 43.
inline BlobPopulation momentum_population() {
  BlobPopulation p;
  for (int m = 0; m < 4; ++m) {
    OptimizerOptions sgd = defaults_for(OptimizerKind::sgd);
    sgd.lr = std::vector<double>{0.2, 0.1, 0.05, 0.1}[static_cast<std::size_t>(m)];
    sgd.momentum = 0.9;
    sgd.nesterov = m == 3;
    p.seeds.push_back(static_cast<std::uint64_t>(40 + m));
    p.optimizers.push_back(sgd);
    p.setups.push_back(MemberSetup{.seed = p.seeds.back(), .base_lr = sgd.lr});
  }
  return p;
}

struct BlobData {
  Dataset train = blobs(10, 1, 1.0);  // 30 examples: easy to over-fit
  Dataset validation = blobs(100, 2, 1.0);
};

struct BlobRun {
  std::vector<MemberResult> results;
  std::vector<Tensor> weights;  // every parameter, then every buffer
};

// Trains `p` on `data` (from `resume_from` when given), with `hooks` after the trainer's own;
// with `keep`, takes the checkpoint after `checkpoint_at` epochs into *keep.
inline BlobRun train_population(const BlobPopulation& p, const TrainingData& data, const TrainConfig& config, const ModelSpec& spec,
                                TrainObserver* observer = nullptr, std::span<TrainingHook* const> hooks = {},
                                std::unique_ptr<MemoryCheckpointer>* keep = nullptr, std::int64_t checkpoint_at = 0,
                                const MemoryCheckpointer* resume_from = nullptr) {
  const std::vector<ModelSpec> specs(p.seeds.size(), spec);
  const auto loss = make_loss<float>(std::vector<LossSpec>(p.seeds.size(), LossSpec{.kind = LossKind::cross_entropy}));
  Sequential<float> model(specs, p.seeds, loss->takes_logits());
  const auto optimizer = make_optimizer(p.optimizers);
  std::unique_ptr<MemoryCheckpointer> checkpointer;
  if (keep) checkpointer = std::make_unique<MemoryCheckpointer>(model, *optimizer, checkpoint_at);
  if (resume_from) {
    auto parameters = model.parameters();
    for (std::size_t i = 0; i < parameters.size(); ++i) *parameters[i].value = resume_from->weights[i];
    optimizer->restore(*resume_from->optimizer);
  }
  Trainer trainer(model, *loss, *optimizer, p.setups, config, SuccessConfig{});
  BlobRun run;
  run.results = trainer.fit(data, FitOptions{.observer = observer, .checkpointer = checkpointer.get(),
                                             .resume = resume_from ? &*resume_from->trainer : nullptr, .hooks = hooks});
  for (const auto& parameter : model.parameters()) run.weights.push_back(*parameter.value);
  for (const auto& buffer : model.buffers()) run.weights.push_back(*buffer.value);  // batch norm's running statistics
  if (keep) *keep = std::move(checkpointer);
  return run;
}

// train_population on the blob data with its validation set.
inline BlobRun train_blobs(const BlobPopulation& p, const BlobData& data, const TrainConfig& config, TrainObserver* observer,
                           std::unique_ptr<MemoryCheckpointer>* keep = nullptr, std::int64_t checkpoint_at = 0,
                           const MemoryCheckpointer* resume_from = nullptr, const ModelSpec& spec = relu_classifier(4, 64, 3)) {
  return train_population(p, TrainingData{&data.train, &data.validation, nullptr}, config, spec, observer, {}, keep, checkpoint_at,
                          resume_from);
}

}  // namespace nnlab::testing
