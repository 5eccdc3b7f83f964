#include "experiment/runner.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <numeric>

#include "core/error.hpp"
#include "core/threads.hpp"
#include "experiment/data_setup.hpp"
#include "experiment/item_threads.hpp"
#include "experiment/member_schedule.hpp"
#include "experiment/prune_control.hpp"
#include "experiment/run_book.hpp"
#include "experiment/weights_file.hpp"
#include "nn/activation.hpp"
#include "nn/layer_kinds.hpp"
#include "nn/model.hpp"
#include "store/store.hpp"
#include "train/data_init.hpp"

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
  const int threads = thread_count();
  RunBook book(plan, options, threads, RunBook::Workers::threads);
  if (book.concurrent()) return train_items_on_threads(book, plan, options, threads);
  try {
    for (const WorkItem& item : book.items()) {
      book.start(item);
      book.add(train_item(plan, item, book.data(item), book.context(item, options.store, options.observer)));
    }
  } catch (...) {
    book.fail();
    throw;
  }
  return book.finish();
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


}  // namespace nnlab
