#include "experiment/runner.hpp"

#include <fmt/format.h>

#include <chrono>
#include <map>

#include "core/error.hpp"
#include "experiment/data_setup.hpp"
#include "experiment/weights_file.hpp"
#include "nn/loss.hpp"
#include "nn/model.hpp"
#include "optim/optimizer.hpp"

namespace nnlab {
namespace {

std::string where(const ExperimentConfig& config) { return config.file.empty() ? std::string("<config>") : config.file.string(); }

// The model spec with its inputs taken from the data, checked against what the data needs.
ModelSpec resolve_model(const ExperimentConfig& config, const Dataset& train) {
  ModelSpec spec = config.model;
  if (spec.inputs == 0) {
    spec.inputs = train.features();
  } else if (spec.inputs != train.features()) {
    throw InputError(fmt::format("{}: model.inputs: {} but the training data has {} features", where(config), spec.inputs,
                                 train.features()));
  }
  if (spec.layers.empty()) throw InputError(fmt::format("{}: model.layers: at least one layer is required", where(config)));
  const Index outputs = spec.layers.back().units;
  if (config.loss.kind == LossKind::cross_entropy && outputs < 2)
    throw InputError(fmt::format("{}: loss: cross_entropy needs >= 2 outputs, the last layer has {}", where(config), outputs));
  if (train.targets.empty() && outputs > 1 && outputs < train.classes)
    throw InputError(fmt::format("{}: model.layers.{}.units: {} outputs for {} classes", where(config), spec.layers.size() - 1, outputs,
                                 train.classes));
  if (!config.loss.class_weights.empty() && static_cast<Index>(config.loss.class_weights.size()) < std::max<Index>(train.classes, 2))
    throw InputError(fmt::format("{}: loss.class_weights: {} weights for {} classes", where(config), config.loss.class_weights.size(),
                                 train.classes));
  return spec;
}

std::vector<std::pair<std::string, double>> hyperparameters_of(const ExperimentConfig& config) {
  const OptimizerOptions& o = config.optimizer;
  std::vector<std::pair<std::string, double>> values{{"optimizer.lr", o.lr}};
  switch (o.kind) {
    case OptimizerKind::sgd:
      values.insert(values.end(), {{"optimizer.momentum", o.momentum}, {"optimizer.dampening", o.dampening}});
      break;
    case OptimizerKind::adam:
    case OptimizerKind::adamw:
    case OptimizerKind::radam:
      values.insert(values.end(), {{"optimizer.beta1", o.beta1}, {"optimizer.beta2", o.beta2}, {"optimizer.eps", o.eps}});
      break;
    case OptimizerKind::rmsprop:
      values.insert(values.end(), {{"optimizer.alpha", o.alpha}, {"optimizer.momentum", o.momentum}, {"optimizer.eps", o.eps}});
      break;
    case OptimizerKind::adagrad:
      values.insert(values.end(), {{"optimizer.lr_decay", o.lr_decay}, {"optimizer.eps", o.eps}});
      break;
    case OptimizerKind::adadelta:
      values.insert(values.end(), {{"optimizer.rho", o.rho}, {"optimizer.eps", o.eps}});
      break;
  }
  values.emplace_back("optimizer.weight_decay", o.weight_decay);
  for (std::size_t i = 0; i < config.model.layers.size(); ++i) {
    const ActivationSpec& activation = config.model.layers[i].activation;
    if (activation.kind == ActivationKind::sigmoid) values.emplace_back(fmt::format("model.layers.{}.steepness", i), activation.steepness);
    if (activation.kind == ActivationKind::leaky_relu) values.emplace_back(fmt::format("model.layers.{}.slope", i), activation.slope);
    if (activation.kind == ActivationKind::elu) values.emplace_back(fmt::format("model.layers.{}.alpha", i), activation.alpha);
  }
  for (std::size_t c = 0; c < config.loss.class_weights.size(); ++c)
    values.emplace_back(fmt::format("loss.class_weights.{}", c), config.loss.class_weights[c]);
  return values;
}

}  // namespace

RunSummary run_experiment(const ExperimentConfig& config, const RunOptions& options) {
  const ExperimentData data = load_experiment_data(config);
  const ModelSpec spec = resolve_model(config, data.train);
  const Index population = config.replicates;
  const auto members = static_cast<std::size_t>(population);

  // Replicate i is the member with seed `seed + i`; everything else is shared.
  std::vector<std::uint64_t> seeds(members);
  for (std::size_t m = 0; m < members; ++m) seeds[m] = config.seed + m;
  const std::vector<ModelSpec> specs(members, spec);
  const std::vector<LossSpec> losses(members, config.loss);
  const std::vector<OptimizerOptions> optimizers(members, config.optimizer);

  const auto loss = make_loss<float>(losses);
  Sequential<float> model(specs, seeds, loss->takes_logits());
  if (!config.model_from.empty()) load_weights_into(model, config.model_from);
  const auto optimizer = make_optimizer(optimizers);

  std::vector<MemberSetup> setups(members);
  for (std::size_t m = 0; m < members; ++m)
    setups[m] = MemberSetup{.seed = seeds[m], .base_lr = config.optimizer.lr, .schedule = config.schedule,
                            .clip_norm = config.train.clip_norm, .clip_value = config.train.clip_value};
  Trainer trainer(model, *loss, *optimizer, std::move(setups), config.train, config.success);

  TrainingData training{&data.train, data.validation ? &*data.validation : nullptr, data.test ? &*data.test : nullptr};
  const auto start = std::chrono::steady_clock::now();
  std::vector<MemberResult> results = trainer.fit(training, options.observer);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  if (!options.save_model.empty()) save_weights(model, options.save_model);

  RunSummary summary;
  summary.name = config.name;
  summary.config_file = config.file.string();
  summary.parameters_per_member = model.parameter_count();
  summary.seconds = seconds;
  summary.has_test = data.test.has_value();
  summary.has_validation = data.validation.has_value();
  summary.has_success_criterion = config.success.any();
  const auto hyper = hyperparameters_of(config);
  for (std::size_t m = 0; m < members; ++m)
    summary.members.push_back(MemberSummary{static_cast<Index>(m), seeds[m], hyper, std::move(results[m])});
  return summary;
}

std::string describe_model(const ExperimentConfig& config) {
  // With model.inputs given the data need not be read: the summary is about shapes.
  ModelSpec spec = config.model;
  if (spec.inputs == 0) spec = resolve_model(config, load_experiment_data(config).train);
  const std::vector<ModelSpec> specs{spec};
  const std::vector<std::uint64_t> seeds{config.seed};
  const Sequential<float> model(specs, seeds, false);
  return model.summary();
}

}  // namespace nnlab
