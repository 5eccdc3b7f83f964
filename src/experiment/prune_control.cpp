#include "experiment/prune_control.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "core/error.hpp"
#include "core/rng.hpp"

namespace nnlab {
namespace {

constexpr const char* reinit_key = "prune.reinit";

bool is_control(const ExperimentConfig& config) { return config.train.prune && config.train.prune->reinit; }

}  // namespace

void add_prune_control(const ExperimentConfig& base, const YAML::Node& root, SweepSpec& sweep, const YamlOrigin& where) {
  if (!base.train.prune || !base.train.prune->control) return;
  const auto swept = [&](const std::vector<SweepParameter>& parameters) {
    return std::any_of(parameters.begin(), parameters.end(), [](const SweepParameter& p) { return p.key == reinit_key; });
  };
  if (swept(sweep.parameters) || swept(sweep.zip))
    fail_at(where, "sweep.parameters.prune.reinit", "is what prune.control: random_reinit sweeps; give one of them");
  if (root["prune"] && root["prune"].IsMap() && root["prune"]["reinit"])
    fail_at(where, "prune.reinit", "is what prune.control: random_reinit sets per trial; remove it");
  if (sweep.method == SweepMethod::random)
    fail_at(where, "prune.control", "needs a grid sweep (or none): every random trial would need its own twin");
  sweep.parameters.push_back(SweepParameter{.key = reinit_key, .values = {YAML::Node(false), YAML::Node(true)}, .distribution = std::nullopt});
}

std::uint64_t control_seed(std::uint64_t seed) {
  CounterRng rng(seed, RngPurpose::prune_control);
  return rng.next_u64() >> 11;  // 53 bits: exact in JSON and in the store's signed integers
}

void pair_prune_controls(const Plan& plan, const PlannedPopulation& population, std::vector<std::uint64_t>& seeds,
                         std::vector<MemberSetup>& setups) {
  if (population.trials.empty() || !plan.trial_config(population.trials.front()).train.prune) return;  // prune is structural
  const auto values_but_reinit = [&](Index t) {
    std::vector<std::pair<std::string, std::string>> values = plan.trials[static_cast<std::size_t>(t)].values;
    std::erase_if(values, [](const auto& value) { return value.first == reinit_key; });
    return values;
  };
  // Each ticket trial by its values but prune.reinit; made once, so pairing is linear in the trials.
  std::map<std::vector<std::pair<std::string, std::string>>, std::size_t> tickets;
  std::vector<bool> control(population.trials.size());
  for (std::size_t i = 0; i < population.trials.size(); ++i) {
    control[i] = is_control(plan.trial_config(population.trials[i]));
    if (!control[i]) tickets.emplace(values_but_reinit(population.trials[i]), i);
  }
  const auto replicates = static_cast<std::size_t>(plan.replicates);
  for (std::size_t i = 0; i < population.trials.size(); ++i) {
    if (!control[i]) continue;
    const Index t = population.trials[i];
    const auto ticket = tickets.find(values_but_reinit(t));
    if (ticket == tickets.end())
      throw InputError(fmt::format("{}: prune.reinit: trial {} is a random-reinit control without a ticket trial of the same values; use "
                                   "prune.control: random_reinit", plan.file.string(), t));
    for (std::size_t r = 0; r < replicates; ++r) {
      const std::size_t member = i * replicates + r;
      setups[member].prune_mask_from = static_cast<Index>(ticket->second * replicates + r);
      seeds[member] = control_seed(seeds[member]);
      setups[member].seed = seeds[member];
    }
  }
}

}  // namespace nnlab
