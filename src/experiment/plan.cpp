#include "experiment/plan.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <numeric>
#include <optional>
#include <set>
#include <unordered_map>

#include "core/error.hpp"
#include "experiment/overrides.hpp"
#include "experiment/prune_control.hpp"
#include "experiment/scalar_fields.hpp"
#include "experiment/sweep.hpp"

namespace nnlab {
namespace {

// Keys members of one population may differ in: the scalar hyper-parameters.
const std::set<std::string> scalar_optimizer_keys = {"lr",  "momentum", "dampening", "weight_decay", "betas",   "eps",
                                                     "alpha", "rho",    "lr_decay",  "initial_accumulator_value", "layer_lr", "k"};
const std::set<std::string> scalar_schedule_keys = {"gamma",        "step_size",      "decay",       "period",    "eta_min",
                                                    "period_mult",  "base_lr",        "max_lr",      "step_size_up", "step_size_down",
                                                    "total_steps",  "pct_start",      "div_factor",  "final_div_factor",
                                                    "factor",       "patience",       "threshold",   "cooldown",  "min_lr", "eps",
                                                    "base_momentum", "max_momentum"};
const std::set<std::string> scalar_warmup_keys = {"steps", "start_factor"};
const std::set<std::string> scalar_layer_keys = {"steepness", "slope", "alpha", "rate", "std", "momentum", "eps"};

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

struct Assignment {
  std::string key;
  YAML::Node value;
  std::string origin_key;  // where the file sweeps it: sweep.parameters.KEY or sweep.zip.KEY
};
using Assignments = std::vector<Assignment>;

// Writes a trial's values into the tree. A key that holds another is written first (model.layers
// before model.layers.*.steepness), so that the inner value lands in the structure the outer one
// wrote. A --set key inside a swept structure is written again into each trial's structure right
// after it, and a swept key deeper down still wins over it.
void write_trial(YAML::Node tree, Index index, const Assignments& trial, const std::vector<Override>& set_keys, const YamlOrigin& where) {
  // Sorted by constructing in order, never by moving: assigning one YAML::Node to another
  // overwrites the node it refers to.
  std::vector<std::size_t> order(trial.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::ranges::stable_sort(order, {}, [&](std::size_t k) { return segments_of(trial[k].key).size(); });
  std::vector<Override> assignments;
  assignments.reserve(order.size());
  for (const std::size_t k : order) assignments.push_back(Override{.key = trial[k].key, .path = segments_of(trial[k].key), .value = trial[k].value});
  for (std::size_t i = 0; i < assignments.size(); ++i) {
    const Override& assignment = assignments[i];
    try {
      apply_override(tree, assignment, where);
    } catch (const InputError& error) {
      fail_at(where, trial[order[i]].origin_key, fmt::format("cannot be set: {}", error.what()));
    }
    for (const Override& set_key : set_keys) {
      if (!strictly_inside(set_key.path, assignment.path)) continue;
      try {
        apply_override(tree, set_key, where);
      } catch (const InputError& error) {
        throw InputError(fmt::format("sweep trial {} ({} swept): {}", index, assignment.key, error.what()));
      }
    }
  }
}

}  // namespace

std::string structure_key(const YAML::Node& tree) {
  YAML::Node copy = YAML::Clone(tree);
  for (const char* key : {"name", "seed", "replicates", "sweep"}) copy.remove(key);
  if (YAML::Node optimizer = copy["optimizer"]; optimizer && optimizer.IsMap()) {
    erase_keys(optimizer, scalar_optimizer_keys);
    if (optimizer["inner"]) erase_keys(optimizer["inner"], scalar_optimizer_keys);  // lookahead's rule
  }
  if (YAML::Node schedule = copy["schedule"]; schedule && schedule.IsMap()) {
    erase_keys(schedule, scalar_schedule_keys);
    if (schedule["then"]) erase_keys(schedule["then"], scalar_schedule_keys);
    if (schedule["warmup"]) erase_keys(schedule["warmup"], scalar_warmup_keys);
  }
  if (copy["loss"] && copy["loss"].IsMap()) erase_keys(copy["loss"], {"class_weights", "l1", "l2"});
  if (copy["train"] && copy["train"].IsMap()) erase_keys(copy["train"], {"clip_norm", "clip_value"});
  if (copy["prune"] && copy["prune"].IsMap()) erase_keys(copy["prune"], {"reinit"});
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

// The plan's trials are made from this: the resolved tree once, the sweep's values once, and
// per group of trials that agree on every swept key but the scalar ones (scalar_fields.hpp) the
// config of its first trial, parsed from its tree. A trial's config is its group's with its
// scalar values copied in, each read once per group from a config that parsed it.
struct PlanBasis {
  YAML::Node tree;  // without `sweep`; null for single_trial_plan
  YamlOrigin where;
  std::vector<Override> set_keys;                 // --set, written again inside swept structures
  SweepTable table;
  std::vector<std::optional<ScalarField>> scalar;  // per parameter: its field, when copied instead of parsed
  struct Group {
    Index first_trial = 0;
    Index population = 0;
    ExperimentConfig config;  // of its first trial
    // Per parameter: the field's values for each of the parameter's values used in the group.
    std::vector<std::unordered_map<std::size_t, std::vector<double>>> fields;
  };
  std::vector<Group> groups;
  std::vector<std::uint32_t> group_of_trial;  // empty: every trial is in group 0

  std::size_t group_of(Index t) const { return group_of_trial.empty() ? 0 : group_of_trial[static_cast<std::size_t>(t)]; }
  Assignments assignments(Index t) const {
    Assignments trial;
    for (std::size_t k = 0; k < table.parameters.size(); ++k)
      trial.push_back(Assignment{.key = table.parameters[k].key, .value = table.parameters[k].node(table.pick(t, k)),
                                 .origin_key = table.parameters[k].origin_key()});
    return trial;
  }
  // Trial t's tree: the resolved file with its values written in.
  YAML::Node tree_of(Index t) const {
    YAML::Node trial_tree = YAML::Clone(tree);
    write_trial(trial_tree, t, assignments(t), set_keys, where);
    return trial_tree;
  }
  // Trial t's config, parsed from its tree; an error names the trial and its values.
  ExperimentConfig parse(const YAML::Node& trial_tree, Index t) const {
    try {
      return experiment_from_tree(trial_tree, where);
    } catch (const InputError& error) {
      std::string values;
      for (std::size_t k = 0; k < table.parameters.size(); ++k)
        values += fmt::format("{}{}={}", values.empty() ? "" : ", ", table.parameters[k].key, table.parameters[k].texts[table.pick(t, k)]);
      throw InputError(fmt::format("sweep trial {} ({}): {}", t, values, error.what()));
    }
  }
};

std::size_t PlannedTrials::size() const { return basis_ ? static_cast<std::size_t>(basis_->table.trials) : 0; }

PlannedTrial PlannedTrials::operator[](std::size_t t) const {
  PlannedTrial trial{.index = static_cast<Index>(t), .values = {}};
  const SweepTable& table = basis_->table;
  for (std::size_t k = 0; k < table.parameters.size(); ++k)
    trial.values.emplace_back(table.parameters[k].key, table.parameters[k].texts[table.pick(static_cast<Index>(t), k)]);
  return trial;
}

ExperimentConfig Plan::trial_config(Index t) const {
  const PlanBasis::Group& group = basis->groups[basis->group_of(t)];
  ExperimentConfig config = group.config;
  for (std::size_t k = 0; k < basis->scalar.size(); ++k)
    if (basis->scalar[k]) write_field(*basis->scalar[k], group.fields[k].at(basis->table.pick(t, k)), config);
  config.file = file;
  const Index first_of_population = populations[static_cast<std::size_t>(group.population)].trials.front();
  if (t != first_of_population) config.resolved_yaml.clear();
  return config;
}

ExperimentConfig Plan::parsed_trial_config(Index t) const {
  if (!basis->tree) return trial_config(t);
  ExperimentConfig config = basis->parse(basis->tree_of(t), t);
  config.file = file;
  return config;
}

Plan plan_experiment_text(const std::string& yaml_text, const std::string& origin, const std::vector<std::string>& overrides, bool force) {
  auto basis = std::make_shared<PlanBasis>();
  basis->where = YamlOrigin{.file = origin, .overridden_keys = {}};
  const YamlOrigin& where = basis->where;
  const YAML::Node root = resolve_experiment_tree(yaml_text, basis->where, overrides);
  // The base config validates everything but the sweep first, with the file's own messages.
  const ExperimentConfig base = experiment_from_tree(root, where);
  SweepSpec sweep = read_sweep(root["sweep"], where);
  add_prune_control(base, root, sweep, where);
  basis->table = tabulate_trials(sweep, base.seed, force, where);
  basis->tree = YAML::Clone(root);
  basis->tree.remove("sweep");
  for (const std::string& text : overrides) basis->set_keys.push_back(parse_override(text, where));
  const SweepTable& table = basis->table;
  const std::size_t parameters = table.parameters.size();
  // Scalar keys are copied, unless two of them set the same field.
  for (const SweptValues& values : table.parameters) basis->scalar.push_back(scalar_field(values.key));
  for (std::size_t k = 0; k < parameters; ++k)
    for (std::size_t j = 0; j < parameters; ++j)
      if (j != k && basis->scalar[k] && basis->scalar[j] && overlap(*basis->scalar[k], *basis->scalar[j])) {
        basis->scalar[k].reset();
        basis->scalar[j].reset();
      }
  bool any_structural = false;
  for (const auto& field : basis->scalar) any_structural = any_structural || !field;

  Plan plan;
  plan.name = base.name;
  plan.source = PlanSource{.text = yaml_text, .origin = origin, .overrides = overrides, .force = force};
  plan.replicates = base.replicates;
  std::map<std::vector<std::size_t>, std::size_t> group_of_values;  // by the trial's non-scalar value indices
  std::map<std::string, Index> population_of_structure;
  std::vector<std::size_t> picks(parameters), structural;
  if (any_structural) basis->group_of_trial.resize(static_cast<std::size_t>(table.trials));
  for (Index t = 0; t < table.trials; ++t) {
    structural.clear();
    for (std::size_t k = 0; k < parameters; ++k) {
      picks[k] = table.pick(t, k);
      if (!basis->scalar[k]) structural.push_back(picks[k]);
    }
    const auto [found, new_group] = group_of_values.try_emplace(structural, basis->groups.size());
    const std::size_t g = found->second;
    if (any_structural) basis->group_of_trial[static_cast<std::size_t>(t)] = static_cast<std::uint32_t>(g);
    // A trial is parsed when it starts a group or brings a scalar value the group has not
    // parsed yet; value checks do not depend on other scalar values, so the others pass too.
    bool parse = new_group;
    for (std::size_t k = 0; k < parameters && !parse; ++k)
      parse = basis->scalar[k] && !basis->groups[g].fields[k].contains(picks[k]);
    if (parse) {
      const YAML::Node tree = basis->tree_of(t);
      ExperimentConfig config = basis->parse(tree, t);
      if (config.replicates != base.replicates) {
        const auto swept = std::ranges::find(table.parameters, std::string("replicates"), &SweptValues::key);
        fail_at(where, swept == table.parameters.end() ? "sweep.parameters.replicates" : swept->origin_key(),
                "replicates cannot be swept; it applies to every trial");
      }
      if (new_group) {
        const auto [it, inserted] = population_of_structure.emplace(structure_key(tree), static_cast<Index>(plan.populations.size()));
        if (inserted) plan.populations.push_back(PlannedPopulation{.index = it->second, .trials = {}, .varying = {}});
        basis->groups.push_back(PlanBasis::Group{.first_trial = t, .population = it->second, .config = {}, .fields = {}});
        basis->groups.back().fields.resize(parameters);
      }
      PlanBasis::Group& group = basis->groups[g];
      for (std::size_t k = 0; k < parameters; ++k)
        if (basis->scalar[k] && !group.fields[k].contains(picks[k])) group.fields[k].emplace(picks[k], read_field(*basis->scalar[k], config));
      if (new_group) group.config = std::move(config);
    }
    plan.populations[static_cast<std::size_t>(basis->groups[g].population)].trials.push_back(t);
  }
  for (auto& population : plan.populations) {
    for (std::size_t k = 0; k < parameters; ++k) {
      const std::vector<std::string>& texts = table.parameters[k].texts;
      const std::string& first = texts[table.pick(population.trials.front(), k)];
      if (std::ranges::any_of(population.trials, [&](Index t) { return texts[table.pick(t, k)] != first; }))
        population.varying.push_back(table.parameters[k].key);
    }
  }
  plan.basis = basis;
  plan.trials = PlannedTrials(basis);
  return plan;
}

Plan plan_experiment(const std::filesystem::path& file, const std::vector<std::string>& overrides, bool force) {
  Plan plan = plan_experiment_text(read_experiment_text(file), file.string(), overrides, force);
  plan.file = file;
  return plan;
}

Plan single_trial_plan(const ExperimentConfig& config) {
  auto basis = std::make_shared<PlanBasis>();
  basis->groups.push_back(PlanBasis::Group{.first_trial = 0, .population = 0, .config = config, .fields = {}});
  Plan plan;
  plan.name = config.name;
  plan.replicates = config.replicates;
  plan.file = config.file;
  plan.populations.push_back(PlannedPopulation{.index = 0, .trials = {0}, .varying = {}});
  plan.basis = basis;
  plan.trials = PlannedTrials(basis);
  return plan;
}

std::string describe_plan(const Plan& plan) {
  const ExperimentConfig head = plan.trial_config(0);
  if (!plan.swept())
    return fmt::format("{}: {} member(s) (seeds {}..{}), {} epoch(s)\n", plan.name, plan.members(), head.seed,
                       head.seed + static_cast<std::uint64_t>(plan.replicates) - 1, head.train.epochs);
  std::string text = fmt::format("{}: {} trial(s) x {} replicate(s) = {} member(s) in {} population(s)\n", plan.name, plan.trials.size(),
                                 plan.replicates, plan.members(), plan.populations.size());
  for (const auto& population : plan.populations) {
    const PlannedTrial first = plan.trials[static_cast<std::size_t>(population.trials.front())];
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
