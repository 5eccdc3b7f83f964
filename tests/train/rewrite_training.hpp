// Trains a population of ReLU classifiers with a given loss, config and extra hooks and returns
// the final weights and member results: the set-up of the batch-rewriting (on_batch_begin),
// augmentation and mixup tests.
#pragma once

#include <span>
#include <vector>

#include "train/independent_data.hpp"
#include "train/trainer.hpp"

namespace nnlab::testing {

struct RewriteRun {
  std::vector<Tensor> weights;  // every parameter, [P, ...]
  std::vector<MemberResult> results;
};

inline RewriteRun train_rewritten(const Dataset& data, const std::vector<std::uint64_t>& seeds, const TrainConfig& config,
                                  const LossSpec& loss_spec, std::span<TrainingHook* const> hooks = {}, Index hidden = 8) {
  const auto loss = make_loss<float>(std::vector<LossSpec>(seeds.size(), loss_spec));
  Sequential<float> model(std::vector<ModelSpec>(seeds.size(), relu_classifier(data.features(), hidden, data.classes)), seeds,
                          loss->takes_logits());
  OptimizerOptions sgd = defaults_for(OptimizerKind::sgd);
  sgd.lr = 0.1, sgd.momentum = 0.9;
  const auto optimizer = make_optimizer(std::vector<OptimizerOptions>(seeds.size(), sgd));
  std::vector<MemberSetup> setups;
  for (const std::uint64_t seed : seeds) setups.push_back(MemberSetup{.seed = seed, .base_lr = sgd.lr});
  Trainer trainer(model, *loss, *optimizer, setups, config, SuccessConfig{});
  RewriteRun run;
  run.results = trainer.fit(TrainingData{&data, nullptr, nullptr}, FitOptions{.hooks = hooks});
  for (const auto& parameter : model.parameters()) run.weights.push_back(*parameter.value);
  return run;
}

// Member m's block of every tensor of `run`, for comparing a member alone with it in a population.
inline std::vector<std::vector<float>> member_weights(const RewriteRun& run, Index m) {
  std::vector<std::vector<float>> kept;
  for (const Tensor& tensor : run.weights) kept.emplace_back(tensor.slice(m), tensor.slice(m) + tensor.slice_size());
  return kept;
}

}  // namespace nnlab::testing
