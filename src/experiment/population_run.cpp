#include "experiment/population_run.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include "core/error.hpp"
#include "experiment/adversarial_pictures.hpp"
#include "experiment/augment_samples.hpp"
#include "experiment/checkpoint.hpp"
#include "experiment/checkpointer.hpp"
#include "experiment/hyperparameters.hpp"
#include "experiment/mirror_solution.hpp"
#include "experiment/recorder.hpp"
#include "experiment/resume.hpp"
#include "experiment/test_pictures.hpp"
#include "experiment/weights_file.hpp"
#include "nn/layer_kinds.hpp"
#include "nn/loss.hpp"
#include "optim/optimizer.hpp"
#include "train/evaluate.hpp"

namespace nnlab {
namespace {

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

// The item-local index of each trial's first member (replicate 0) that the item holds: members
// are trial-major, `replicates` per trial, so trial k's first is population member k * replicates.
std::vector<Index> first_member_of_each_trial(const PlannedPopulation& population, Index replicates, const WorkItem& item) {
  std::vector<Index> firsts;
  for (std::size_t k = 0; k < population.trials.size(); ++k)
    if (const Index first = static_cast<Index>(k) * replicates; first >= item.begin && first < item.end) firsts.push_back(first - item.begin);
  return firsts;
}

template <typename T>
std::vector<T> range_of(const std::vector<T>& values, Index begin, Index end) {
  return std::vector<T>(values.begin() + begin, values.begin() + end);
}

}  // namespace

PopulationMembers item_members(const Plan& plan, const WorkItem& item, const Dataset& train) {
  PopulationMembers all = population_members(plan, plan.populations[static_cast<std::size_t>(item.population)], train);
  if (item.whole()) return all;
  PopulationMembers members{.seeds = range_of(all.seeds, item.begin, item.end), .specs = range_of(all.specs, item.begin, item.end),
                            .losses = range_of(all.losses, item.begin, item.end), .optimizers = range_of(all.optimizers, item.begin, item.end),
                            .setups = range_of(all.setups, item.begin, item.end), .member_trial = range_of(all.member_trial, item.begin, item.end)};
  // A pruning control takes its ticket's mask: both must be in the item (work.hpp never cuts such a population).
  for (MemberSetup& setup : members.setups)
    if (setup.prune_mask_from >= 0) {
      if (setup.prune_mask_from < item.begin || setup.prune_mask_from >= item.end)
        throw std::logic_error("item_members: a pruning control and its ticket in different work items");
      setup.prune_mask_from -= item.begin;
    }
  return members;
}

ArtefactLabel item_checkpoint_label(const WorkItem& item) {
  return item.whole() ? checkpoint_label(item.population) : checkpoint_label(item.population, item.begin, item.end);
}

ArtefactLabel population_weights_label(Index population, std::int64_t epochs) {
  return ArtefactLabel{.member = std::nullopt, .kind = "weights", .name = fmt::format("population-{}", population), .epoch = epochs};
}

ArtefactLabel population_masks_label(Index population, std::int64_t epochs) {
  return ArtefactLabel{.member = std::nullopt, .kind = "prune_masks", .name = fmt::format("population-{}", population), .epoch = epochs};
}

std::filesystem::path population_model_file(const std::filesystem::path& save_model, const Plan& plan, Index population) {
  std::filesystem::path file = save_model;
  if (plan.populations.size() > 1)  // one file per population: name.p<index>.safetensors
    file.replace_filename(fmt::format("{}.p{}{}", file.stem().string(), population, file.extension().string()));
  return file;
}

ItemOutcome train_item(const Plan& plan, const WorkItem& item, const ExperimentData& data, const ItemContext& context) {
  const PlannedPopulation& population = plan.populations[static_cast<std::size_t>(item.population)];
  const ExperimentConfig head = plan.trial_config(population.trials.front());
  const PopulationMembers members = item_members(plan, item, data.train);
  const std::vector<ModelSpec>& specs = members.specs;
  const auto loss = make_loss<float>(members.losses);
  std::vector<std::vector<DataInitLayer>> data_init;  // lsuv / pca, from the training data
  const std::unique_ptr<Sequential<float>> built = population_model(head, members, loss->takes_logits(), data.train, &data_init);
  Sequential<float>& model = *built;
  const auto optimizer = make_optimizer(members.optimizers);
  // A range logs the epochs the whole population logs (log_every 0 resolves by population size),
  // and measures what is measured only on logged epochs (layer statistics, class accuracy) there.
  TrainConfig train = head.train;
  if (!item.whole() && train.log_every == 0) train.log_every = resolved_log_every(0, train.epochs, item.members);
  Trainer trainer(model, *loss, *optimizer, members.setups, train, head.success);
  const TrainingData training{&data.train, data.validation ? &*data.validation : nullptr, data.test ? &*data.test : nullptr};
  const Index first_member = context.first_member + item.begin;  // the run's number of the item's member 0
  RunWriter* const writer = context.writer;
  std::optional<RunRecorder> recorder;
  std::optional<StoreCheckpointer> checkpointer;
  std::optional<TrainerState> resume_state;
  if (writer) {
    recorder.emplace(*writer, context.run, first_member,
                     RecorderSetup{.layers = static_cast<int>(specs.front().layers.size()), .classes = per_class_count(data.train),
                                   .log_every = train.log_every, .snapshot_epochs = head.train.snapshot_epochs,
                                   .snapshot_members = first_member_of_each_trial(population, plan.replicates, item),
                                   .population_members = item.members, .member_offset = item.begin},
                     context.observer);
    checkpointer.emplace(item_checkpoint_label(item), model, *optimizer, *recorder, head.train.checkpoint_every);
    // Resuming: continue from the item's checkpoint; without one it starts afresh (the epochs it
    // recorded are recorded again, and reads keep the newest).
    if (context.resume)
      if (const auto checkpoint = writer->read_artefact(context.run, item_checkpoint_label(item))) {
        const std::string source = fmt::format("{}: run {} population {} checkpoint", writer->where(), context.run, item.population);
        resume_state = restore_checkpoint(checkpoint->content, source, model, *optimizer);
        check_checkpoint_fits_plan(*resume_state, item.size(), head.train.epochs, source);
      }
  }
  ItemOutcome outcome{.item = item};
  const auto start = std::chrono::steady_clock::now();
  std::vector<Tensor> prune_masks;  // train.prune's final masks, stored with the weights
  std::vector<MemberResult> results = trainer.fit(
      training, FitOptions{.observer = recorder ? &*recorder : context.observer, .checkpointer = checkpointer ? &*checkpointer : nullptr,
                           .resume = resume_state ? &*resume_state : nullptr, .prune_masks = &prune_masks});
  outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  if (item.whole()) {
    if (!context.save_model.empty()) {
      try {
        save_weights(model, population_model_file(context.save_model, plan, item.population));
      } catch (const InputError& error) {
        outcome.unsaved.push_back(error.what());  // training goes on: the run's status is about training
      }
    }
    if (writer && data.test) {
      const std::vector<PictureMember> pictured = pictured_members(population.trials, members.member_trial, results, first_member);
      const Index layers = static_cast<Index>(specs.front().layers.size());
      record_test_pictures(*writer, context.run, model, *data.test, pictured, head.report.tsne_layer.value_or(default_tsne_layer(layers)));
      record_augmented_samples(*writer, context.run, head.train, data.train, pictured, members.seeds);
      if (head.train.adversarial)
        record_adversarial_pictures(*writer, context.run, model, *loss, *head.train.adversarial, data.train, *data.test, pictured);
    }
    if (writer) writer->keep_artefact(context.run, population_weights_label(item.population, head.train.epochs), weights_bytes(model));
    if (writer && !prune_masks.empty())
      writer->keep_artefact(context.run, population_masks_label(item.population, head.train.epochs), prune_mask_bytes(model, prune_masks));
    if (context.send_weights) outcome.weights = weights_bytes(model);
  } else {
    outcome.weights = weights_bytes(model);
    if (!prune_masks.empty()) outcome.prune_masks = prune_mask_bytes(model, prune_masks);
  }

  outcome.parameters_per_member = model.parameter_count();
  outcome.has_test = data.test.has_value();
  outcome.has_validation = data.validation.has_value();
  outcome.majority_fraction = majority_fraction(data.train);
  const bool mirror = is_mirror_network(head, specs.front());
  const std::vector<ParameterRef<float>> parameters = model.parameters();
  for (std::size_t m = 0; m < results.size(); ++m) {
    const Index t = members.member_trial[m];
    MemberSummary member{.member = first_member + static_cast<Index>(m), .trial = t, .population = item.population, .seed = members.seeds[m],
                         .hyperparameters = hyperparameters_of(plan.trial_config(t)), .result = std::move(results[m]),
                         .solution = std::nullopt, .data_init = data_init.empty() ? std::vector<DataInitLayer>{} : data_init[m]};
    if (mirror) {
      const auto slice = [&](std::size_t p) {
        return std::span<const float>(parameters[p].value->slice(static_cast<Index>(m)), static_cast<std::size_t>(parameters[p].value->slice_size()));
      };
      member.solution = check_mirror_solution(slice(0), slice(1), slice(2), slice(3));
    }
    outcome.members.push_back(std::move(member));
  }
  return outcome;
}

}  // namespace nnlab
