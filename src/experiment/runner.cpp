#include "experiment/runner.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <numeric>
#include <set>

#include "core/error.hpp"
#include "experiment/checkpoint.hpp"
#include "experiment/checkpointer.hpp"
#include "experiment/data_setup.hpp"
#include "experiment/member_schedule.hpp"
#include "experiment/mirror_solution.hpp"
#include "experiment/plan_data.hpp"
#include "experiment/prune_control.hpp"
#include "experiment/recorder.hpp"
#include "experiment/resume.hpp"
#include "experiment/augment_samples.hpp"
#include "experiment/test_pictures.hpp"
#include "experiment/adversarial_pictures.hpp"
#include "experiment/weights_file.hpp"
#include "io/model_file.hpp"
#include "io/safetensors.hpp"
#include "nn/activation.hpp"
#include "nn/layer_kinds.hpp"
#include "nn/loss.hpp"
#include "nn/model.hpp"
#include "optim/optimizer.hpp"
#include "store/store.hpp"
#include "train/batch.hpp"
#include "train/data_init.hpp"
#include "train/evaluate.hpp"

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
  // One example's shape: the config's, else the data's ([1, H, W] for images, [F] otherwise).
  if (spec.input_shape.empty()) {
    spec.input_shape = default_input_shape(spec.inputs, train.example_shape);
  } else if (const Index features = std::accumulate(spec.input_shape.begin(), spec.input_shape.end(), Index{1}, std::multiplies<>());
             features != train.features()) {
    throw InputError(fmt::format("{}: model.input_shape: {} is {} features, but the training data has {}", where(config),
                                 shape_text(spec.input_shape), features, train.features()));
  }
  try {
    resolve_shapes(spec);
  } catch (const std::invalid_argument& error) {
    throw InputError(fmt::format("{}: {}", where(config), error.what()));
  }
  const Index outputs = spec.layers.back().units;
  if (config.loss.kind == LossKind::cross_entropy && outputs < 2)
    throw InputError(fmt::format("{}: loss: cross_entropy needs >= 2 outputs, the last layer has {}", where(config), outputs));
  if (train.targets.empty() && outputs > 1 && outputs < train.classes)
    throw InputError(fmt::format("{}: model.layers.{}.units: {} outputs for {} classes", where(config), spec.layers.size() - 1, outputs,
                                 train.classes));
  // PyTorch's "Expected more than 1 value per channel when training", before training starts.
  const Index examples = train.size(), batch = config.train.batch == 0 ? examples : std::min(config.train.batch, examples);
  const Index smallest = examples == 0 || examples % batch == 0 ? batch : examples % batch;
  for (std::size_t i = 0; i < spec.layers.size(); ++i)
    if (spec.layers[i].kind == LayerKind::batchnorm && examples > 0 && smallest < 2)
      throw InputError(fmt::format("{}: train.batch: {} leaves a batch of 1 example ({} in all), but model.layers.{} (batchnorm) "
                                   "needs more than 1 value per channel when training",
                                   where(config), config.train.batch == 0 ? std::string("full") : std::to_string(config.train.batch),
                                   examples, i));
  // One weight per class, no more and no fewer (a long list was accepted and carried per member).
  if (!config.loss.class_weights.empty() && static_cast<Index>(config.loss.class_weights.size()) != std::max<Index>(train.classes, 2))
    throw InputError(fmt::format("{}: loss.class_weights: {} weights for {} classes; give one per class", where(config),
                                 config.loss.class_weights.size(), std::max<Index>(train.classes, 2)));
  return spec;
}

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

// The mirror-solution check applies to 6-2-1 networks trained on the mirror task, whose parameters
// are weight, bias, weight, bias (not weight_g / weight_v).
bool is_mirror_network(const ExperimentConfig& config, const ModelSpec& spec) {
  const auto plain_dense = [](const LayerSpec& layer) { return layer.kind == LayerKind::dense && layer.bias && !layer.weight_norm; };
  return config.data.train && config.data.train->source == "mirror" && config.data.train->bits == 6 && spec.inputs == 6 &&
         spec.layers.size() == 2 && spec.layers[0].units == 2 && spec.layers[1].units == 1 && plain_dense(spec.layers[0]) &&
         plain_dense(spec.layers[1]) && spec.layers[1].from.empty();
}

double majority_fraction(const Dataset& data) {
  std::vector<Index> counts(static_cast<std::size_t>(std::max<Index>(data.classes, 1)), 0);
  for (const auto label : data.labels) ++counts[static_cast<std::size_t>(label)];
  const Index largest = *std::max_element(counts.begin(), counts.end());
  return data.size() ? static_cast<double>(largest) / static_cast<double>(data.size()) : 0.0;
}

}  // namespace

std::string describe_population(const ExperimentConfig& config, const ModelSpec& spec, const PlannedPopulation& population) {
  std::string text = std::to_string(spec.inputs);
  for (const auto& layer : spec.layers) {
    text += '-';
    text += layer.kind == LayerKind::dense ? std::to_string(layer.units) : std::string(layer_kind_name(layer.kind));
  }
  text += " ";
  bool first = true;
  for (const auto& layer : spec.layers) {
    if (!takes_activation(layer.kind) || (layer.kind != LayerKind::dense && layer.activation.kind == ActivationKind::identity)) continue;
    if (!first) text += "/";
    first = false;
    text += activation_name(layer.activation.kind);
  }
  text += fmt::format(", batch {}, {} epochs", config.train.batch == 0 ? std::string("full") : std::to_string(config.train.batch),
                      config.train.epochs);
  if (!population.varying.empty()) {
    text += "; varies";
    for (const auto& key : population.varying) text += " " + key;
  }
  return text;
}

namespace {

std::string hyperparameters_json(const std::vector<std::pair<std::string, double>>& values, const PlannedTrial& trial) {
  nlohmann::json object = nlohmann::json::object();
  for (const auto& [key, value] : values) object[key] = value;
  // Swept values as written (structural ones too: train.batch, model.layers.0.activation),
  // a number when the text is one.
  for (const auto& [key, value] : trial.values) object[key] = value_json(value);
  return object.dump();
}

// The population-local index of each trial's first member (replicate 0); members are trial-major.
std::vector<Index> first_member_of_each_trial(const std::vector<Index>& member_trial) {
  std::vector<Index> firsts;
  for (std::size_t m = 0; m < member_trial.size(); ++m)
    if (m == 0 || member_trial[m] != member_trial[m - 1]) firsts.push_back(static_cast<Index>(m));
  return firsts;
}

}  // namespace

std::unique_ptr<Sequential<float>> population_model(const ExperimentConfig& head, const PopulationMembers& members, bool logits,
                                                    const Dataset& train, std::vector<std::vector<DataInitLayer>>* data_init) {
  std::unique_ptr<Sequential<float>> model;
  try {  // a spec the layers refuse, or data that cannot initialise them, is the file's error
    model = std::make_unique<Sequential<float>>(members.specs, members.seeds, logits);
    if (head.model_from.empty() && needs_data_init(members.specs)) {
      auto report = initialise_from_data(*model, train, members.seeds);
      if (data_init) *data_init = std::move(report);
    }
  } catch (const std::invalid_argument& error) {
    throw InputError(fmt::format("{}: {}", where(head), error.what()));
  }
  if (!head.model_from.empty()) load_weights_into(*model, head.model_from);
  return model;
}

PopulationMembers population_members(const Plan& plan, const PlannedPopulation& population, const Dataset& train) {
  PopulationMembers members;
  for (const Index t : population.trials) {
    const ExperimentConfig config = plan.trial_config(t);
    const ModelSpec spec = resolve_model(config, train);
    for (Index r = 0; r < plan.replicates; ++r) {
      const std::uint64_t seed = config.seed + static_cast<std::uint64_t>(r);
      members.seeds.push_back(seed);
      members.specs.push_back(spec);
      members.losses.push_back(config.loss);
      members.optimizers.push_back(member_optimizer(config));
      members.setups.push_back(MemberSetup{.seed = seed, .base_lr = config.optimizer.lr, .schedule = member_schedule(config, train.size()),
                                           .clip_norm = config.train.clip_norm, .clip_value = config.train.clip_value});
      members.member_trial.push_back(t);
    }
  }
  pair_prune_controls(plan, population, members.seeds, members.setups);
  return members;
}

ArtefactLabel plan_source_label() { return ArtefactLabel{.member = std::nullopt, .kind = "source", .name = "plan", .epoch = std::nullopt}; }

RunSummary run_plan(const Plan& plan, const RunOptions& options) {
  RunSummary summary;
  const ExperimentConfig first_config = plan.trial_config(0);
  summary.name = plan.name;
  summary.config_file = first_config.file.string();
  summary.populations = static_cast<Index>(plan.populations.size());
  summary.has_success_criterion = first_config.success.any();
  summary.trials.resize(plan.trials.size());

  RunStore* const store = options.store;
  if (options.resume && !store) throw std::invalid_argument("run_plan: resuming needs the store");
  RunId run = 0;
  std::set<Index> stored_populations;  // of the run being resumed
  std::set<Index> populated;           // those of them with their members
  if (options.resume) {
    run = *options.resume;
    store->reopen_run(run);
    const RunRecord record = store->get_run(run);
    for (const PopulationInfo& population : record.populations) stored_populations.insert(population.population);
    for (const MemberInfo& member : record.members) populated.insert(member.population);
  } else if (store) {
    run = store->begin_run(RunStart{.name = plan.name, .config_path = first_config.file.string(),
                                    .resolved_config = first_config.resolved_yaml, .nnlab_version = "0.1.0", .config_git_commit = std::nullopt});
    const nlohmann::json source = {{"text", plan.source.text},
                                   {"origin", plan.source.origin.empty() ? std::string() : std::filesystem::absolute(plan.source.origin).string()},
                                   {"overrides", plan.source.overrides},
                                   {"force", plan.source.force}};
    store->put_artefact(run, plan_source_label(), text_bytes(source.dump()));
  }
  summary.run_id = run;
  try {

  // Populations that read the same data share one copy (the caller's, when it checked memory).
  PlanData own_data;
  PlanData& plan_data = options.data ? *options.data : own_data;
  for (const PlannedPopulation& population : plan.populations) {
    const ExperimentConfig head = plan.trial_config(population.trials.front());
    const ExperimentData& data = plan_data.of(plan, population);

    const PopulationMembers members = population_members(plan, population, data.train);
    const std::vector<std::uint64_t>& seeds = members.seeds;
    const std::vector<ModelSpec>& specs = members.specs;
    const std::vector<MemberSetup>& setups = members.setups;
    const std::vector<Index>& member_trial = members.member_trial;
    const auto loss = make_loss<float>(members.losses);
    std::vector<std::vector<DataInitLayer>> data_init;  // lsuv / pca, from the training data
    const std::unique_ptr<Sequential<float>> built = population_model(head, members, loss->takes_logits(), data.train, &data_init);
    Sequential<float>& model = *built;
    const auto optimizer = make_optimizer(members.optimizers);
    Trainer trainer(model, *loss, *optimizer, setups, head.train, head.success);
    const TrainingData training{&data.train, data.validation ? &*data.validation : nullptr, data.test ? &*data.test : nullptr};
    const auto first_member = static_cast<Index>(summary.members.size());
    std::optional<RunRecorder> recorder;
    std::optional<StoreCheckpointer> checkpointer;
    std::optional<TrainerState> resume_state;
    if (store) {
      if (!populated.contains(population.index)) {
        std::vector<MemberStart> starts;
        for (std::size_t m = 0; m < seeds.size(); ++m) {
          const PlannedTrial trial = plan.trials[static_cast<std::size_t>(member_trial[m])];
          starts.push_back(MemberStart{.member = first_member + static_cast<Index>(m), .population = population.index, .seed = seeds[m],
                                       .hyperparameters_json = hyperparameters_json(hyperparameters_of(plan.trial_config(trial.index)), trial)});
        }
        // A population row without members is what an nnlab that wrote them in two transactions
        // left when killed in between (before any checkpoint): its members are added from the plan.
        if (stored_populations.contains(population.index)) {
          store->add_members(run, starts);
        } else {
          store->add_population_with_members(
              run, PopulationInfo{.population = population.index, .description = describe_population(head, specs.front(), population)}, starts);
        }
      }
      recorder.emplace(*store, run, first_member,
                       RecorderSetup{.layers = static_cast<int>(specs.front().layers.size()), .classes = per_class_count(data.train),
                                     .log_every = head.train.log_every, .snapshot_epochs = head.train.snapshot_epochs,
                                     .snapshot_members = first_member_of_each_trial(member_trial)},
                       options.observer);
      checkpointer.emplace(population.index, model, *optimizer, *recorder, head.train.checkpoint_every);
      // Resuming: continue from the population's checkpoint; without one it starts afresh
      // (the epochs it recorded are recorded again, and reads keep the newest).
      if (options.resume)
        if (const auto checkpoint = store->get_artefact(run, checkpoint_label(population.index))) {
          const std::string source = fmt::format("{}: run {} population {} checkpoint", store->file().string(), run, population.index);
          resume_state = restore_checkpoint(checkpoint->content, source, model, *optimizer);
          check_checkpoint_fits_plan(*resume_state, static_cast<Index>(seeds.size()), head.train.epochs, source);
        }
    }
    const auto start = std::chrono::steady_clock::now();
    std::vector<Tensor> prune_masks;  // train.prune's final masks, stored with the weights
    std::vector<MemberResult> results = trainer.fit(
        training, FitOptions{.observer = recorder ? &*recorder : options.observer, .checkpointer = checkpointer ? &*checkpointer : nullptr,
                             .resume = resume_state ? &*resume_state : nullptr, .prune_masks = &prune_masks});
    summary.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!options.save_model.empty()) {
      std::filesystem::path file = options.save_model;
      if (plan.populations.size() > 1)  // one file per population: name.p<index>.safetensors
        file.replace_filename(fmt::format("{}.p{}{}", file.stem().string(), population.index, file.extension().string()));
      try {
        save_weights(model, file);
      } catch (const InputError& error) {
        summary.unsaved.push_back(error.what());  // training goes on: the run's status is about training
      }
    }
    if (store && data.test) {
      const std::vector<PictureMember> pictured = pictured_members(population.trials, member_trial, results, first_member);
      const Index layers = static_cast<Index>(specs.front().layers.size());
      record_test_pictures(*store, run, model, *data.test, pictured, head.report.tsne_layer.value_or(default_tsne_layer(layers)));
      record_augmented_samples(*store, run, head.train, data.train, pictured, seeds);
      if (head.train.adversarial) record_adversarial_pictures(*store, run, model, *loss, *head.train.adversarial, data.train, *data.test, pictured);
    }
    if (store)
      store->put_artefact(run, ArtefactLabel{.member = std::nullopt, .kind = "weights", .name = fmt::format("population-{}", population.index),
                                             .epoch = head.train.epochs},
                          weights_bytes(model));
    if (store && !prune_masks.empty())
      store->put_artefact(run, ArtefactLabel{.member = std::nullopt, .kind = "prune_masks", .name = fmt::format("population-{}", population.index),
                                             .epoch = head.train.epochs},
                          prune_mask_bytes(model, prune_masks));

    summary.parameters_per_member = model.parameter_count();
    summary.has_test = data.test.has_value();
    summary.has_validation = data.validation.has_value();
    const bool mirror = is_mirror_network(head, specs.front());
    const std::vector<ParameterRef<float>> parameters = model.parameters();
    for (std::size_t m = 0; m < results.size(); ++m) {
      const Index t = member_trial[m];
      const PlannedTrial trial = plan.trials[static_cast<std::size_t>(t)];
      const ExperimentConfig config = plan.trial_config(t);
      MemberSummary member{.member = static_cast<Index>(summary.members.size()), .trial = t, .population = population.index,
                           .seed = seeds[m], .hyperparameters = hyperparameters_of(config), .result = std::move(results[m]),
                           .solution = std::nullopt, .data_init = data_init.empty() ? std::vector<DataInitLayer>{} : data_init[m]};
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
      trial_summary.epochs = config.train.epochs;
      trial_summary.boolean_task = config.data.train && has_outcome_classes(config.data.train->source);
      trial_summary.members.push_back(member.member);
      summary.members.push_back(std::move(member));
    }
  }
  } catch (...) {
    if (store) store->finish_run(run, RunStatus::failed, "");
    throw;
  }
  if (store) {
    const nlohmann::json document = nlohmann::json::parse(to_json(summary));
    std::vector<MemberOutcome> outcomes;
    for (const auto& entry : document["members"])
      outcomes.push_back(MemberOutcome{.member = entry["member"].get<Index>(), .result_json = entry.dump(), .status = RunStatus::finished});
    store->set_member_results(run, outcomes);
    store->finish_run(run, RunStatus::finished, document.dump());
  }
  return summary;
}

RunSummary run_experiment(const ExperimentConfig& config, const RunOptions& options) {
  return run_plan(single_trial_plan(config), options);
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

std::string member_hyperparameters_json(const Plan& plan, Index trial) {
  return hyperparameters_json(hyperparameters_of(plan.trial_config(trial)), plan.trials[static_cast<std::size_t>(trial)]);
}

}  // namespace nnlab
