#include "experiment/run_book.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/simd.hpp"
#include "experiment/adversarial_pictures.hpp"
#include "experiment/augment_samples.hpp"
#include "experiment/hyperparameters.hpp"
#include "experiment/memory_estimate.hpp"
#include "experiment/prune_control.hpp"
#include "experiment/test_pictures.hpp"
#include "experiment/weights_file.hpp"
#include "experiment/weights_merge.hpp"
#include "io/safetensors.hpp"
#include "nn/loss.hpp"
#include "nn/small_network.hpp"
#include "store/store.hpp"

namespace nnlab {
namespace {

Index population_size(const Plan& plan, const PlannedPopulation& population) {
  return static_cast<Index>(population.trials.size()) * plan.replicates;
}

// What the cut needs: sizes, whether members depend on each other, and (for a cut) the cost;
// with_fused: whether each population trains fused (for the threads' cut). The members are
// built only when one of the two is asked for: a run on one worker needs neither.
std::vector<PopulationWork> population_work(const Plan& plan, PlanData& data, bool with_costs, bool with_fused) {
  std::vector<PopulationWork> work;
  for (const PlannedPopulation& population : plan.populations) {
    PopulationWork entry{.members = population_size(plan, population)};
    std::vector<std::uint64_t> seeds(static_cast<std::size_t>(entry.members));
    std::vector<MemberSetup> setups(seeds.size());
    pair_prune_controls(plan, population, seeds, setups);
    entry.cuttable = std::none_of(setups.begin(), setups.end(), [](const MemberSetup& setup) { return setup.prune_mask_from >= 0; });
    if (with_costs || with_fused) {
      const Dataset& train = data.of(plan, population).train;
      const PopulationMembers members = population_members(plan, population, train);
      entry.fused = SmallNetworkKernel<float>::supports(members.specs.front()) &&
                    SmallNetworkKernel<float>::supports(members.losses.front().kind);
      if (with_costs) {
        const ExperimentConfig head = plan.trial_config(population.trials.front());
        entry.cost_per_member = parameters_per_member(members.specs.front()) * static_cast<double>(std::max<Index>(train.size(), 1)) *
                                static_cast<double>(std::max<std::int64_t>(head.train.epochs, 1));
      }
    }
    work.push_back(entry);
  }
  return work;
}

}  // namespace

std::vector<Index> first_members(const Plan& plan) {
  std::vector<Index> firsts;
  Index members = 0;
  for (const PlannedPopulation& population : plan.populations) {
    firsts.push_back(members);
    members += population_size(plan, population);
  }
  return firsts;
}

RunBook::RunBook(const Plan& plan, const RunOptions& options, int ranks, Workers workers)
    : plan_(plan), options_(options), data_(options.data ? *options.data : own_data_) {
  const ExperimentConfig first_config = plan.trial_config(0);
  summary_.name = plan.name;
  summary_.config_file = first_config.file.string();
  summary_.populations = static_cast<Index>(plan.populations.size());
  summary_.has_success_criterion = first_config.success.any();
  summary_.trials.resize(plan.trials.size());
  first_member_ = first_members(plan);
  Index members = 0;
  for (const PlannedPopulation& population : plan.populations) members += population_size(plan, population);
  members_.resize(static_cast<std::size_t>(members));

  RunStore* const store = options.store;
  if (options.resume && !store) throw std::invalid_argument("run_plan: resuming needs the store");
  std::optional<Artefact> stored_cut;
  if (options.resume) {
    run_ = *options.resume;
    store->reopen_run(run_);
    const RunRecord record = store->get_run(run_);
    for (const PopulationInfo& population : record.populations) stored_populations_.insert(population.population);
    for (const MemberInfo& member : record.members) populated_.insert(member.population);
    stored_cut = store->get_artefact(run_, work_label());
  } else if (store) {
    run_ = store->begin_run(RunStart{.name = plan.name, .config_path = first_config.file.string(),
                                     .resolved_config = first_config.resolved_yaml, .nnlab_version = "0.1.0", .config_git_commit = std::nullopt});
    const nlohmann::json source = {{"text", plan.source.text},
                                   {"origin", plan.source.origin.empty() ? std::string() : std::filesystem::absolute(plan.source.origin).string()},
                                   {"overrides", plan.source.overrides},
                                   {"force", plan.source.force}};
    store->put_artefact(run_, plan_source_label(), text_bytes(source.dump()));
  }
  summary_.run_id = run_;
  try {
    const bool on_threads = workers == Workers::threads && ranks > 1;
    const std::vector<PopulationWork> work = population_work(plan, data_, ranks > 1 && !stored_cut, on_threads);
    const bool all_fused =
        on_threads && std::all_of(work.begin(), work.end(), [](const PopulationWork& population) { return population.fused; });
    std::vector<PopulationWork> to_cut = work;
    if (workers == Workers::threads) {
      if (!all_fused || (options.resume && !stored_cut)) ranks = 1;
      // A range is worth a thread when it fills a few SIMD blocks (one member per lane).
      const Index enough = 2 * static_cast<Index>(simd_lanes(simd_target())) * ranks;
      for (PopulationWork& population : to_cut) population.cuttable = population.cuttable && population.members >= enough;
    }
    if (stored_cut) {
      items_ = decode_work(stored_cut->content, work, fmt::format("{}: run {}", store->file().string(), run_));
    } else {
      items_ = cut_work(to_cut, ranks);
      // A cut is kept with the run, so that a resume with any number of processes trains the same items.
      const bool cut = std::any_of(items_.begin(), items_.end(), [](const WorkItem& item) { return !item.whole(); });
      if (store && cut) store->put_artefact(run_, work_label(), encode_work(items_));
    }
    concurrent_ = all_fused && ranks > 1 && items_.size() > 1;
  } catch (...) {
    fail();
    throw;
  }
}

const ExperimentData& RunBook::data(const WorkItem& item) {
  return data_.of(plan_, plan_.populations[static_cast<std::size_t>(item.population)]);
}

ItemContext RunBook::context(const WorkItem& item, RunWriter* writer, TrainObserver* observer) const {
  return ItemContext{.writer = writer, .run = run_, .first_member = first_member_[static_cast<std::size_t>(item.population)],
                     .resume = options_.resume.has_value(), .observer = observer, .save_model = options_.save_model};
}

void RunBook::start(const WorkItem& item) {
  RunStore* const store = options_.store;
  if (!store || populated_.contains(item.population)) return;
  const PlannedPopulation& population = plan_.populations[static_cast<std::size_t>(item.population)];
  const ExperimentConfig head = plan_.trial_config(population.trials.front());
  const PopulationMembers members = population_members(plan_, population, data(item).train);
  std::vector<MemberStart> starts;
  const Index first = first_member_[static_cast<std::size_t>(item.population)];
  for (std::size_t m = 0; m < members.seeds.size(); ++m)
    starts.push_back(MemberStart{.member = first + static_cast<Index>(m), .population = population.index, .seed = members.seeds[m],
                                 .hyperparameters_json = member_hyperparameters_json(plan_, members.member_trial[m])});
  // A population row without members is what an nnlab that wrote them in two transactions
  // left when killed in between (before any checkpoint): its members are added from the plan.
  if (stored_populations_.contains(population.index)) {
    store->add_members(run_, starts);
  } else {
    store->add_population_with_members(
        run_, PopulationInfo{.population = population.index, .description = describe_population(head, members.specs.front(), population)}, starts);
  }
  populated_.insert(item.population);
}

void RunBook::add(ItemOutcome outcome) {
  summary_.seconds += outcome.seconds;
  for (std::string& message : outcome.unsaved) summary_.unsaved.push_back(std::move(message));
  if (outcome.item.population >= facts_from_) {
    facts_from_ = outcome.item.population;
    summary_.parameters_per_member = outcome.parameters_per_member;
    summary_.has_test = outcome.has_test;
    summary_.has_validation = outcome.has_validation;
  }
  for (MemberSummary& member : outcome.members) {
    const Index t = member.trial;
    const PlannedTrial& trial = plan_.trials[static_cast<std::size_t>(t)];
    const ExperimentConfig config = plan_.trial_config(t);
    TrialSummary& trial_summary = summary_.trials[static_cast<std::size_t>(t)];
    trial_summary.index = trial.index;
    trial_summary.population = member.population;
    trial_summary.values = trial.values;
    trial_summary.majority_fraction = outcome.majority_fraction;
    trial_summary.epochs = config.train.epochs;
    trial_summary.boolean_task = config.data.train && has_outcome_classes(config.data.train->source);
    trial_summary.members.push_back(member.member);
    const auto at = static_cast<std::size_t>(member.member);
    if (at >= members_.size()) throw std::logic_error("RunBook::add: a member the plan does not make");
    members_[at] = std::move(member);
  }
  if (outcome.item.whole()) {
    if (!outcome.weights.empty() && !options_.save_model.empty()) {  // trained by another process: saved here
      try {
        write_file_atomically(population_model_file(options_.save_model, plan_, outcome.item.population), outcome.weights);
      } catch (const InputError& error) {
        summary_.unsaved.push_back(error.what());
      }
    }
    return;
  }
  const Index p = outcome.item.population;
  outcome.members.clear();
  std::vector<ItemOutcome>& parts = parts_[p];
  parts.push_back(std::move(outcome));
  Index covered = 0;
  for (const ItemOutcome& part : parts) covered += part.item.size();
  if (covered == parts.front().item.members) join_population(p);
}

void RunBook::join_population(Index p) {
  std::vector<ItemOutcome>& parts = parts_[p];
  std::sort(parts.begin(), parts.end(), [](const ItemOutcome& a, const ItemOutcome& b) { return a.item.begin < b.item.begin; });
  const PlannedPopulation& population = plan_.populations[static_cast<std::size_t>(p)];
  const ExperimentConfig head = plan_.trial_config(population.trials.front());
  const std::string where = fmt::format("run {} population {}", run_, p);
  std::vector<std::vector<std::byte>> weights, masks;
  std::vector<Index> sizes;
  for (ItemOutcome& part : parts) {
    weights.push_back(std::move(part.weights));
    if (!part.prune_masks.empty()) masks.push_back(std::move(part.prune_masks));
    sizes.push_back(part.item.size());
  }
  parts_.erase(p);
  const std::vector<std::byte> joined = join_member_parts(weights, sizes, where);
  if (!options_.save_model.empty()) {
    try {
      write_file_atomically(population_model_file(options_.save_model, plan_, p), joined);
    } catch (const InputError& error) {
      summary_.unsaved.push_back(error.what());
    }
  }
  RunStore* const store = options_.store;
  if (!store) return;
  store->put_artefact(run_, population_weights_label(p, head.train.epochs), joined);
  if (!masks.empty()) store->put_artefact(run_, population_masks_label(p, head.train.epochs), join_member_parts(masks, sizes, where));
  const ExperimentData& data = data_.of(plan_, population);
  if (!data.test) return;
  // Each trial's median member, pictured from a population of just those members with their
  // final weights (by population invariance, the floats the whole population gives).
  const PopulationMembers all = population_members(plan_, population, data.train);
  const Index first = first_member_[static_cast<std::size_t>(p)];
  std::vector<MemberResult> results;
  for (std::size_t m = 0; m < all.seeds.size(); ++m) results.push_back(members_[static_cast<std::size_t>(first) + m]->result);
  const std::vector<PictureMember> chosen = pictured_members(population.trials, all.member_trial, results, first);
  PopulationMembers picked;
  std::vector<PictureMember> pictured;
  std::vector<Index> from;
  for (const PictureMember& member : chosen) {
    const auto m = static_cast<std::size_t>(member.member);
    pictured.push_back(PictureMember{.member = static_cast<Index>(from.size()), .run_member = member.run_member});
    from.push_back(member.member);
    picked.seeds.push_back(all.seeds[m]);
    picked.specs.push_back(all.specs[m]);
    picked.losses.push_back(all.losses[m]);
    picked.optimizers.push_back(all.optimizers[m]);
    picked.setups.push_back(all.setups[m]);
    picked.member_trial.push_back(all.member_trial[m]);
  }
  const auto loss = make_loss<float>(picked.losses);
  const std::unique_ptr<Sequential<float>> model = population_model(head, picked, loss->takes_logits(), data.train);
  load_population_members(*model, joined, from, where);
  const Index layers = static_cast<Index>(picked.specs.front().layers.size());
  record_test_pictures(*store, run_, *model, *data.test, pictured, head.report.tsne_layer.value_or(default_tsne_layer(layers)));
  record_augmented_samples(*store, run_, head.train, data.train, pictured, picked.seeds);
  if (head.train.adversarial) record_adversarial_pictures(*store, run_, *model, *loss, *head.train.adversarial, data.train, *data.test, pictured);
}

RunSummary RunBook::finish() {
  for (std::size_t m = 0; m < members_.size(); ++m)
    if (!members_[m]) throw std::logic_error(fmt::format("RunBook::finish: member {} has no outcome", m));
  for (auto& member : members_) summary_.members.push_back(std::move(*member));
  for (TrialSummary& trial : summary_.trials) std::sort(trial.members.begin(), trial.members.end());
  if (RunStore* const store = options_.store) {
    const nlohmann::json document = nlohmann::json::parse(to_json(summary_));
    std::vector<MemberOutcome> outcomes;
    for (const auto& entry : document["members"])
      outcomes.push_back(MemberOutcome{.member = entry["member"].get<Index>(), .result_json = entry.dump(), .status = RunStatus::finished});
    store->set_member_results(run_, outcomes);
    store->finish_run(run_, RunStatus::finished, document.dump());
  }
  finished_ = true;
  return std::move(summary_);
}

void RunBook::fail() {
  if (finished_) return;
  finished_ = true;
  if (RunStore* const store = options_.store) store->finish_run(run_, RunStatus::failed, "");
}

}  // namespace nnlab
