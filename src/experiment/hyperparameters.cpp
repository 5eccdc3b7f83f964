#include "experiment/hyperparameters.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "experiment/member_schedule.hpp"
#include "experiment/sweep.hpp"
#include "nn/layer_kinds.hpp"

namespace nnlab {
namespace {

std::string hyperparameters_json(const std::vector<std::pair<std::string, double>>& values, const PlannedTrial& trial) {
  nlohmann::json object = nlohmann::json::object();
  for (const auto& [key, value] : values) object[key] = value;
  // Swept values as written (structural ones too: train.batch, model.layers.0.activation),
  // a number when the text is one.
  for (const auto& [key, value] : trial.values) object[key] = value_json(value);
  return object.dump();
}

}  // namespace

std::vector<std::pair<std::string, double>> hyperparameters_of(const ExperimentConfig& config) {
  const OptimizerOptions o = member_optimizer(config);  // a cycled momentum as its first value
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
  if (o.wrapper != OptimizerWrapper::none)  // lookahead, ranger (alpha apart from RMSprop's inside lookahead)
    values.insert(values.end(), {{"optimizer.k", static_cast<double>(o.lookahead_k)}, {"optimizer.lookahead_alpha", o.lookahead_alpha}});
  values.insert(values.end(), {{"loss.l1", config.loss.l1}, {"loss.l2", config.loss.l2}});
  for (std::size_t i = 0; i < config.model.layers.size(); ++i) {
    const LayerSpec& layer = config.model.layers[i];
    if (layer.kind == LayerKind::dropout || layer.kind == LayerKind::gaussian_dropout)
      values.emplace_back(fmt::format("model.layers.{}.rate", i), layer.rate);
    if (layer.kind == LayerKind::gaussian_noise) values.emplace_back(fmt::format("model.layers.{}.std", i), layer.std);
    if (layer.kind == LayerKind::batchnorm) values.emplace_back(fmt::format("model.layers.{}.momentum", i), layer.momentum);
    if (layer.kind == LayerKind::batchnorm || layer.kind == LayerKind::layernorm)
      values.emplace_back(fmt::format("model.layers.{}.eps", i), layer.eps);
    const ActivationSpec& activation = layer.activation;
    if (activation.kind == ActivationKind::sigmoid) values.emplace_back(fmt::format("model.layers.{}.steepness", i), activation.steepness);
    if (activation.kind == ActivationKind::leaky_relu) values.emplace_back(fmt::format("model.layers.{}.slope", i), activation.slope);
    if (activation.kind == ActivationKind::elu) values.emplace_back(fmt::format("model.layers.{}.alpha", i), activation.alpha);
  }
  for (std::size_t c = 0; c < config.loss.class_weights.size(); ++c)
    values.emplace_back(fmt::format("loss.class_weights.{}", c), config.loss.class_weights[c]);
  return values;
}

std::string member_hyperparameters_json(const Plan& plan, Index trial) {
  return hyperparameters_json(hyperparameters_of(plan.trial_config(trial)), plan.trials[static_cast<std::size_t>(trial)]);
}

}  // namespace nnlab
