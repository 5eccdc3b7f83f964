#include "experiment/resume.hpp"

#include <fmt/format.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "core/error.hpp"
#include "core/text.hpp"
#include "experiment/prune_control.hpp"

namespace nnlab {

PlanSource decode_plan_source(std::string_view content, const std::string& where) {
  // nlohmann's parser ends the text at a NUL byte; what came after it would be ignored.
  if (const std::size_t nul = content.find('\0'); nul != std::string_view::npos)
    throw InputError(fmt::format("{}: malformed plan source: byte {}: a NUL byte", where, nul));
  // nlohmann quotes what it last read, which may be the whole text: cut as every quoted value is.
  const auto malformed = [&](std::string_view key, const nlohmann::json::exception& error) {
    return InputError(fmt::format("{}: malformed plan source: {}{}", where, key, shown_value(error.what(), 2 * shown_value_limit)));
  };
  nlohmann::json document;
  try {
    document = nlohmann::json::parse(content);
  } catch (const nlohmann::json::exception& error) {
    throw malformed("", error);
  }
  const auto field = [&]<typename T>(const char* key, T& value) {
    try {
      value = document.at(key).get<T>();
    } catch (const nlohmann::json::exception& error) {
      throw malformed(std::string(key) + ": ", error);
    }
  };
  PlanSource source;
  field("text", source.text);
  field("origin", source.origin);
  field("overrides", source.overrides);
  field("force", source.force);
  return source;
}

Plan stored_plan(const RunStore& store, RunId run) {
  const auto artefact = store.get_artefact(run, plan_source_label());
  if (!artefact)
    throw InputError(fmt::format("{}: run {} kept no plan to resume from (it was recorded by an older nnlab or by a program)",
                                 store.file().string(), run));
  const PlanSource source = decode_plan_source(bytes_text(artefact->content), fmt::format("{}: run {}", store.file().string(), run));
  Plan plan = plan_experiment_text(source.text, source.origin, source.overrides, source.force);
  plan.file = source.origin;
  return plan;
}

namespace {

// Compares the run's population and member rows with the plan: member m of population p has
// the planned index and seed (members are numbered population by population, trial-major).
void check_stored_members(const RunStore& store, RunId run, const Plan& plan) {
  const std::string where = fmt::format("{}: run {}", store.file().string(), run);
  struct Planned {
    Index population;
    std::uint64_t seed;
  };
  std::map<Index, Planned> planned;         // by member
  std::map<Index, Index> planned_members;   // by population
  for (const PlannedPopulation& population : plan.populations) {
    std::vector<std::uint64_t> seeds;
    for (const Index t : population.trials) {
      const std::uint64_t trial_seed = plan.trial_config(t).seed;
      for (Index r = 0; r < plan.replicates; ++r) seeds.push_back(trial_seed + static_cast<std::uint64_t>(r));
    }
    std::vector<MemberSetup> setups(seeds.size());
    pair_prune_controls(plan, population, seeds, setups);  // a random-reinit control trains with its own seed
    for (const std::uint64_t seed : seeds) planned.emplace(static_cast<Index>(planned.size()), Planned{.population = population.index, .seed = seed});
    planned_members[population.index] = static_cast<Index>(population.trials.size()) * plan.replicates;
  }
  const RunRecord record = store.get_run(run);
  std::set<Index> populations;
  for (const PopulationInfo& population : record.populations) {
    if (!planned_members.contains(population.population))
      throw InputError(fmt::format("{}: population {} is stored, but the run's stored plan makes populations 0..{}; the store is damaged",
                                   where, population.population, plan.populations.size() - 1));
    populations.insert(population.population);
  }
  std::map<Index, Index> stored_members;  // by population
  for (const MemberInfo& member : record.members) {
    const auto expected = planned.find(member.member);
    if (expected == planned.end() || expected->second.population != member.population || expected->second.seed != member.seed)
      throw InputError(fmt::format("{}: member {} (population {}, seed {}) is not one the run's stored plan makes; the store is damaged",
                                   where, member.member, member.population, member.seed));
    if (!populations.contains(member.population))
      throw InputError(fmt::format("{}: member {} belongs to population {}, which has no populations row; the store is damaged", where,
                                   member.member, member.population));
    ++stored_members[member.population];
  }
  for (const auto& [population, count] : stored_members)
    if (count != planned_members.at(population))
      throw InputError(fmt::format("{}: population {} has {} of its {} member rows; the store is damaged", where, population, count,
                                   planned_members.at(population)));
}

}  // namespace

void check_checkpoint_fits_plan(const TrainerState& state, Index members, std::int64_t epochs, const std::string& source) {
  const auto count = [](const auto& values) { return static_cast<Index>(values.size()); };
  if (count(state.active) != members || count(state.results) != members || count(state.current) != members ||
      count(state.last_gradient_norm) != members || count(state.last_step_rate) != members ||
      (!state.stopping.empty() && count(state.stopping) != members))
    throw InputError(fmt::format("{} holds records of {} member(s), but the run's stored plan makes {}", source, count(state.active), members));
  if (state.epochs_done < 0 || state.epochs_done > epochs || state.step < 0)
    throw InputError(fmt::format("{} is after epoch {} (step {}), but the run's stored plan trains {} epoch(s)", source, state.epochs_done,
                                 state.step, epochs));
}

Plan prepare_resume(RunStore& store, RunId run, RunOptions& options) {
  store.mark_abandoned_runs();
  Plan plan = stored_plan(store, run);
  check_stored_members(store, run, plan);
  options.store = &store;
  options.resume = run;
  return plan;
}

RunSummary resume_run(RunStore& store, RunId run, RunOptions options) {
  const Plan plan = prepare_resume(store, run, options);
  return run_plan(plan, options);
}

}  // namespace nnlab
