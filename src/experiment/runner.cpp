#include "experiment/runner.hpp"

#include <fmt/format.h>

#include <chrono>
#include <algorithm>
#include <map>
#include <memory>

#include "core/error.hpp"
#include "experiment/data_setup.hpp"
#include "experiment/mirror_solution.hpp"
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

// The mirror-solution check applies to 6-2-1 networks trained on the mirror task.
bool is_mirror_network(const ExperimentConfig& config, const ModelSpec& spec) {
  return config.data.train && config.data.train->source == "mirror" && config.data.train->bits == 6 && spec.inputs == 6 &&
         spec.layers.size() == 2 && spec.layers[0].units == 2 && spec.layers[1].units == 1 && spec.layers[0].bias && spec.layers[1].bias;
}

double majority_fraction(const Dataset& data) {
  std::vector<Index> counts(static_cast<std::size_t>(std::max<Index>(data.classes, 1)), 0);
  for (const auto label : data.labels) ++counts[static_cast<std::size_t>(label)];
  const Index largest = *std::max_element(counts.begin(), counts.end());
  return data.size() ? static_cast<double>(largest) / static_cast<double>(data.size()) : 0.0;
}

}  // namespace

RunSummary run_plan(const Plan& plan, const RunOptions& options) {
  RunSummary summary;
  const ExperimentConfig& first_config = plan.trials.front().config;
  summary.name = plan.name;
  summary.config_file = first_config.file.string();
  summary.populations = static_cast<Index>(plan.populations.size());
  summary.has_success_criterion = first_config.success.any();
  summary.trials.resize(plan.trials.size());

  // Populations that read the same data share one copy.
  std::map<std::string, std::shared_ptr<const ExperimentData>> data_cache;
  for (const PlannedPopulation& population : plan.populations) {
    const ExperimentConfig& head = plan.trials[static_cast<std::size_t>(population.trials.front())].config;
    YAML::Emitter data_key;
    data_key << YAML::Flow << YAML::Load(head.resolved_yaml)["data"];
    auto& cached = data_cache[data_key.c_str() + std::to_string(head.seed)];
    if (!cached) cached = std::make_shared<const ExperimentData>(load_experiment_data(head));
    const ExperimentData& data = *cached;

    // Member order: trial-major, then replicate r with seed `trial seed + r`.
    std::vector<std::uint64_t> seeds;
    std::vector<ModelSpec> specs;
    std::vector<LossSpec> losses;
    std::vector<OptimizerOptions> optimizers;
    std::vector<MemberSetup> setups;
    std::vector<Index> member_trial;
    for (const Index t : population.trials) {
      const ExperimentConfig& config = plan.trials[static_cast<std::size_t>(t)].config;
      const ModelSpec spec = resolve_model(config, data.train);
      for (Index r = 0; r < plan.replicates; ++r) {
        const std::uint64_t seed = config.seed + static_cast<std::uint64_t>(r);
        seeds.push_back(seed);
        specs.push_back(spec);
        losses.push_back(config.loss);
        optimizers.push_back(config.optimizer);
        setups.push_back(MemberSetup{.seed = seed, .base_lr = config.optimizer.lr, .schedule = config.schedule,
                                     .clip_norm = config.train.clip_norm, .clip_value = config.train.clip_value});
        member_trial.push_back(t);
      }
    }
    const auto loss = make_loss<float>(losses);
    Sequential<float> model(specs, seeds, loss->takes_logits());
    if (!head.model_from.empty()) load_weights_into(model, head.model_from);
    const auto optimizer = make_optimizer(optimizers);
    Trainer trainer(model, *loss, *optimizer, setups, head.train, head.success);
    const TrainingData training{&data.train, data.validation ? &*data.validation : nullptr, data.test ? &*data.test : nullptr};
    const auto start = std::chrono::steady_clock::now();
    std::vector<MemberResult> results = trainer.fit(training, options.observer);
    summary.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!options.save_model.empty()) {
      std::filesystem::path file = options.save_model;
      if (plan.populations.size() > 1)  // one file per population: name.p<index>.safetensors
        file.replace_filename(fmt::format("{}.p{}{}", file.stem().string(), population.index, file.extension().string()));
      save_weights(model, file);
    }

    summary.parameters_per_member = model.parameter_count();
    summary.has_test = data.test.has_value();
    summary.has_validation = data.validation.has_value();
    const bool mirror = is_mirror_network(head, specs.front());
    const std::vector<ParameterRef<float>> parameters = model.parameters();
    for (std::size_t m = 0; m < results.size(); ++m) {
      const Index t = member_trial[m];
      const PlannedTrial& trial = plan.trials[static_cast<std::size_t>(t)];
      MemberSummary member{.member = static_cast<Index>(summary.members.size()), .trial = t, .population = population.index,
                           .seed = seeds[m], .hyperparameters = hyperparameters_of(trial.config), .result = std::move(results[m]),
                           .solution = std::nullopt};
      if (mirror) {
        const auto slice = [&](std::size_t p) {
          return std::span<const float>(parameters[p].value->slice(static_cast<Index>(m)), static_cast<std::size_t>(parameters[p].value->slice_size()));
        };
        member.solution = check_mirror_solution(slice(0), slice(1), slice(2), slice(3));
      }
      TrialSummary& trial_summary = summary.trials[static_cast<std::size_t>(t)];
      trial_summary.index = trial.index;
      trial_summary.population = population.index;
      trial_summary.values = trial.values;
      trial_summary.majority_fraction = majority_fraction(data.train);
      trial_summary.members.push_back(member.member);
      summary.members.push_back(std::move(member));
    }
  }
  return summary;
}

RunSummary run_experiment(const ExperimentConfig& config, const RunOptions& options) {
  Plan plan;
  plan.name = config.name;
  plan.replicates = config.replicates;
  plan.trials.push_back(PlannedTrial{.index = 0, .values = {}, .config = config});
  plan.populations.push_back(PlannedPopulation{.index = 0, .trials = {0}, .varying = {}});
  return run_plan(plan, options);
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
