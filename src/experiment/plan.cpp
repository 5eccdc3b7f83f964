#include "experiment/plan.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <numeric>
#include <set>

#include "core/error.hpp"
#include "experiment/overrides.hpp"
#include "experiment/sweep.hpp"

namespace nnlab {
namespace {

// Keys members of one population may differ in: the scalar hyper-parameters.
const std::set<std::string> scalar_optimizer_keys = {"lr",  "momentum", "dampening", "weight_decay", "betas",   "eps",
                                                     "alpha", "rho",    "lr_decay",  "initial_accumulator_value", "layer_lr"};
const std::set<std::string> scalar_schedule_keys = {"gamma", "step_size", "decay", "period", "eta_min"};
const std::set<std::string> scalar_layer_keys = {"steepness", "slope", "alpha"};

void erase_keys(YAML::Node map, const std::set<std::string>& keys) {
  if (!map.IsMap()) return;
  for (const auto& key : keys) map.remove(key);
}

// An init spec keeps its kind ("uniform") and loses its numbers.
YAML::Node init_kind(const YAML::Node& init) {
  if (init.IsMap() && init.size() == 1) return YAML::Node(init.begin()->first.as<std::string>());
  return init;
}

void strip_init(YAML::Node init) {
  if (!init.IsMap()) return;
  for (const char* part : {"weight", "bias"})
    if (init[part]) init[part] = init_kind(init[part]);
}

std::vector<std::string> segments_of(const std::string& key) {
  std::vector<std::string> path;
  std::size_t start = 0;
  for (std::size_t dot = key.find('.');; dot = key.find('.', start)) {
    path.push_back(key.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return path;
}

// `inner` lies strictly inside `outer` (model.layers.*.steepness inside model.layers); a `*`
// segment matches any one segment.
bool strictly_inside(const std::vector<std::string>& inner, const std::vector<std::string>& outer) {
  if (inner.size() <= outer.size()) return false;
  for (std::size_t i = 0; i < outer.size(); ++i)
    if (inner[i] != outer[i] && inner[i] != "*" && outer[i] != "*") return false;
  return true;
}

// Writes a trial's values into the tree. A key that holds another is written first (model.layers
// before model.layers.*.steepness), so that the inner value lands in the structure the outer one
// wrote. A --set key inside a swept structure is written again into each trial's structure right
// after it, and a swept key deeper down still wins over it.
void write_trial(YAML::Node tree, const Trial& trial, const std::vector<std::string>& overrides, const YamlOrigin& where) {
  // Sorted by constructing in order, never by moving: assigning one YAML::Node to another
  // overwrites the node it refers to.
  std::vector<std::size_t> order(trial.assignments.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::ranges::stable_sort(order, {}, [&](std::size_t k) { return segments_of(trial.assignments[k].first).size(); });
  std::vector<Override> assignments;
  assignments.reserve(order.size());
  for (const std::size_t k : order) {
    const auto& [key, value] = trial.assignments[k];
    assignments.push_back(Override{.key = key, .path = segments_of(key), .value = value});
  }
  std::vector<Override> set_keys;
  for (const std::string& text : overrides) set_keys.push_back(parse_override(text, where));
  for (const Override& assignment : assignments) {
    try {
      apply_override(tree, assignment, where);
    } catch (const InputError& error) {
      fail_at(where, "sweep.parameters." + assignment.key, fmt::format("cannot be set: {}", error.what()));
    }
    for (const Override& set_key : set_keys) {
      if (!strictly_inside(set_key.path, assignment.path)) continue;
      try {
        apply_override(tree, set_key, where);
      } catch (const InputError& error) {
        throw InputError(fmt::format("sweep trial {} ({} swept): {}", trial.index, assignment.key, error.what()));
      }
    }
  }
}

}  // namespace

std::string structure_key(const YAML::Node& tree) {
  YAML::Node copy = YAML::Clone(tree);
  for (const char* key : {"name", "seed", "replicates", "sweep"}) copy.remove(key);
  if (copy["optimizer"]) erase_keys(copy["optimizer"], scalar_optimizer_keys);
  if (copy["schedule"]) erase_keys(copy["schedule"], scalar_schedule_keys);
  if (copy["loss"] && copy["loss"].IsMap()) copy["loss"].remove("class_weights");
  if (copy["train"] && copy["train"].IsMap()) erase_keys(copy["train"], {"clip_norm", "clip_value"});
  if (YAML::Node model = copy["model"]; model && model.IsMap()) {
    if (model["init"]) strip_init(model["init"]);
    if (YAML::Node layers = model["layers"]; layers && layers.IsSequence())
      for (YAML::Node layer : layers) {
        erase_keys(layer, scalar_layer_keys);
        if (layer.IsMap() && layer["init"]) strip_init(layer["init"]);
      }
  }
  YAML::Emitter emitter;
  emitter << YAML::Flow << copy;
  return emitter.c_str();
}

Plan plan_experiment_text(const std::string& yaml_text, const std::string& origin, const std::vector<std::string>& overrides, bool force) {
  YamlOrigin where{.file = origin, .overridden_keys = {}};
  const YAML::Node root = resolve_experiment_tree(yaml_text, where, overrides);
  // The base config validates everything but the sweep first, with the file's own messages.
  const ExperimentConfig base = experiment_from_tree(root, where);
  const SweepSpec sweep = read_sweep(root["sweep"], where);
  const std::vector<Trial> trials = expand_trials(sweep, base.seed, force, where);

  Plan plan;
  plan.name = base.name;
  plan.source = PlanSource{.text = yaml_text, .origin = origin, .overrides = overrides, .force = force};
  plan.replicates = base.replicates;
  std::map<std::string, Index> population_of_structure;
  for (const Trial& trial : trials) {
    YAML::Node tree = YAML::Clone(root);
    tree.remove("sweep");
    PlannedTrial planned{.index = trial.index, .values = {}, .config = {}};
    write_trial(tree, trial, overrides, where);
    for (const auto& [key, value] : trial.assignments) planned.values.emplace_back(key, value_text(value));
    try {
      planned.config = experiment_from_tree(tree, where);
    } catch (const InputError& error) {
      std::string values;
      for (const auto& [key, value] : planned.values) values += fmt::format("{}{}={}", values.empty() ? "" : ", ", key, value);
      throw InputError(fmt::format("sweep trial {} ({}): {}", trial.index, values, error.what()));
    }
    if (planned.config.replicates != base.replicates)
      fail_at(where, "sweep.parameters.replicates", "replicates cannot be swept; it applies to every trial");
    planned.config.file = base.file;
    const std::string structure = structure_key(tree);
    const auto [it, inserted] = population_of_structure.emplace(structure, static_cast<Index>(plan.populations.size()));
    if (inserted) plan.populations.push_back(PlannedPopulation{.index = it->second, .trials = {}, .varying = {}});
    plan.populations[static_cast<std::size_t>(it->second)].trials.push_back(static_cast<Index>(plan.trials.size()));
    plan.trials.push_back(std::move(planned));
  }
  for (auto& population : plan.populations) {
    for (std::size_t k = 0; k < sweep.parameters.size(); ++k) {
      std::set<std::string> seen;
      for (const Index t : population.trials) seen.insert(plan.trials[static_cast<std::size_t>(t)].values[k].second);
      if (seen.size() > 1) population.varying.push_back(sweep.parameters[k].key);
    }
  }
  return plan;
}

Plan plan_experiment(const std::filesystem::path& file, const std::vector<std::string>& overrides, bool force) {
  Plan plan = plan_experiment_text(read_experiment_text(file), file.string(), overrides, force);
  for (auto& trial : plan.trials) trial.config.file = file;
  return plan;
}

std::string describe_plan(const Plan& plan) {
  const auto& head = plan.trials.front().config;
  if (!plan.swept())
    return fmt::format("{}: {} member(s) (seeds {}..{}), {} epoch(s)\n", plan.name, plan.members(), head.seed,
                       head.seed + static_cast<std::uint64_t>(plan.replicates) - 1, head.train.epochs);
  std::string text = fmt::format("{}: {} trial(s) x {} replicate(s) = {} member(s) in {} population(s)\n", plan.name, plan.trials.size(),
                                 plan.replicates, plan.members(), plan.populations.size());
  for (const auto& population : plan.populations) {
    const auto& first = plan.trials[static_cast<std::size_t>(population.trials.front())];
    text += fmt::format("  population {}: {} trial(s) x {} seed(s) = {} members", population.index, population.trials.size(), plan.replicates,
                        static_cast<Index>(population.trials.size()) * plan.replicates);
    if (!population.varying.empty()) {
      text += "; varies ";
      for (std::size_t i = 0; i < population.varying.size(); ++i) text += (i ? ", " : "") + population.varying[i];
    }
    std::string fixed;
    for (const auto& [key, value] : first.values)
      if (std::find(population.varying.begin(), population.varying.end(), key) == population.varying.end())
        fixed += fmt::format("{}{}={}", fixed.empty() ? "" : ", ", key, value);
    if (!fixed.empty()) text += "; " + fixed;
    text += "\n";
  }
  return text;
}

}  // namespace nnlab
