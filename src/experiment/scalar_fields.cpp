#include "experiment/scalar_fields.hpp"

#include <array>
#include <charconv>
#include <stdexcept>
#include <string_view>
#include <utility>

namespace nnlab {
namespace {

// Keys read by one `number` each into one double, untouched by any other key. They are all
// among the keys structure_key strips, so trials differing in them share a population.
constexpr std::array<std::pair<std::string_view, double OptimizerOptions::*>, 9> optimizer_numbers{{
    {"lr", &OptimizerOptions::lr},
    {"weight_decay", &OptimizerOptions::weight_decay},
    {"momentum", &OptimizerOptions::momentum},
    {"dampening", &OptimizerOptions::dampening},
    {"eps", &OptimizerOptions::eps},
    {"alpha", &OptimizerOptions::alpha},
    {"rho", &OptimizerOptions::rho},
    {"lr_decay", &OptimizerOptions::lr_decay},
    {"initial_accumulator_value", &OptimizerOptions::initial_accumulator_value},
}};
// A warm-up's inner schedule (`schedule.then.eta_min`) is the same field as `schedule.eta_min`;
// reduce_on_plateau's constants live in the spec's PlateauRule.
using ScheduleNumber = double& (*)(ScheduleSpec&);
constexpr std::array<std::pair<std::string_view, ScheduleNumber>, 15> schedule_numbers{{
    {"gamma", [](ScheduleSpec& s) -> double& { return s.gamma; }},
    {"decay", [](ScheduleSpec& s) -> double& { return s.decay; }},
    {"eta_min", [](ScheduleSpec& s) -> double& { return s.eta_min; }},
    {"base_lr", [](ScheduleSpec& s) -> double& { return s.base_lr; }},
    {"max_lr", [](ScheduleSpec& s) -> double& { return s.max_lr; }},
    {"pct_start", [](ScheduleSpec& s) -> double& { return s.pct_start; }},
    {"div_factor", [](ScheduleSpec& s) -> double& { return s.div_factor; }},
    {"final_div_factor", [](ScheduleSpec& s) -> double& { return s.final_div_factor; }},
    {"warmup.start_factor", [](ScheduleSpec& s) -> double& { return s.warmup_start_factor; }},
    {"base_momentum", [](ScheduleSpec& s) -> double& { return s.base_momentum; }},
    {"max_momentum", [](ScheduleSpec& s) -> double& { return s.max_momentum; }},
    {"factor", [](ScheduleSpec& s) -> double& { return s.plateau.factor; }},
    {"threshold", [](ScheduleSpec& s) -> double& { return s.plateau.threshold; }},
    {"min_lr", [](ScheduleSpec& s) -> double& { return s.plateau.min_lr; }},
    {"eps", [](ScheduleSpec& s) -> double& { return s.plateau.eps; }},
}};
constexpr std::array<std::pair<std::string_view, double TrainConfig::*>, 2> train_numbers{{
    {"clip_norm", &TrainConfig::clip_norm},
    {"clip_value", &TrainConfig::clip_value},
}};
constexpr std::array<std::pair<std::string_view, double LossSpec::*>, 2> loss_numbers{{
    {"l1", &LossSpec::l1},
    {"l2", &LossSpec::l2},
}};
using LayerNumber = double& (*)(LayerSpec&);
constexpr std::array<std::pair<std::string_view, LayerNumber>, 7> layer_numbers{{
    {"steepness", [](LayerSpec& layer) -> double& { return layer.activation.steepness; }},
    {"slope", [](LayerSpec& layer) -> double& { return layer.activation.slope; }},
    {"alpha", [](LayerSpec& layer) -> double& { return layer.activation.alpha; }},
    {"rate", [](LayerSpec& layer) -> double& { return layer.rate; }},
    {"std", [](LayerSpec& layer) -> double& { return layer.std; }},
    {"momentum", [](LayerSpec& layer) -> double& { return layer.momentum; }},
    {"eps", [](LayerSpec& layer) -> double& { return layer.eps; }},
}};

template <typename Table>
auto member_of(const Table& table, std::string_view name) -> decltype(table.front().second) {
  for (const auto& [key, member] : table)
    if (key == name) return member;
  return nullptr;
}

std::string_view after(std::string_view name, std::string_view prefix) { return name.substr(prefix.size()); }

// optimizer.inner.<key> (the rule Lookahead wraps) is optimizer.<key> of the flat options,
// except that optimizer.alpha of a wrapper is Lookahead's α and optimizer.inner.alpha RMSprop's.
std::string_view optimizer_key(std::string_view name) {
  return name.starts_with("optimizer.inner.") ? after(name, "optimizer.inner.") : after(name, "optimizer.");
}

double& optimizer_number(std::string_view name, OptimizerOptions& options) {
  if (name == "optimizer.alpha" && options.wrapper != OptimizerWrapper::none) return options.lookahead_alpha;
  return options.*member_of(optimizer_numbers, optimizer_key(name));
}

}  // namespace

std::optional<ScalarField> scalar_field(const std::string& key) {
  constexpr std::string_view inner = "schedule.then.";
  if (key.starts_with(inner)) {
    const auto field = scalar_field("schedule." + key.substr(inner.size()));
    return field && field->name != "schedule.warmup.start_factor" ? field : std::nullopt;
  }
  const std::string_view text(key);
  const auto in = [&](std::string_view prefix, const auto& table) {
    return text.starts_with(prefix) && member_of(table, after(text, prefix)) != nullptr;
  };
  if (in("optimizer.inner.", optimizer_numbers) || key == "optimizer.inner.betas" || key == "optimizer.inner.layer_lr" ||
      key == "optimizer.k")
    return ScalarField{.name = key};
  if (in("optimizer.", optimizer_numbers) || in("schedule.", schedule_numbers) || in("train.", train_numbers) || in("loss.", loss_numbers) ||
      key == "optimizer.betas" || key == "optimizer.layer_lr" || key == "loss.class_weights" || key == "prune.reinit")
    return ScalarField{.name = key};
  constexpr std::string_view layers = "model.layers.";
  if (!text.starts_with(layers)) return std::nullopt;
  const std::string_view rest = after(text, layers);
  const std::size_t dot = rest.find('.');
  if (dot == std::string_view::npos || member_of(layer_numbers, rest.substr(dot + 1)) == nullptr) return std::nullopt;
  const std::string_view segment = rest.substr(0, dot);
  std::size_t layer = 0;
  const auto [end, error] = std::from_chars(segment.data(), segment.data() + segment.size(), layer);
  if (segment != "*" && (error != std::errc() || end != segment.data() + segment.size())) return std::nullopt;
  return ScalarField{.name = "layers." + std::string(rest.substr(dot + 1))};
}

bool overlap(const ScalarField& a, const ScalarField& b) { return a.name == b.name; }

std::vector<double> read_field(const ScalarField& field, const ExperimentConfig& config) {
  const std::string_view name(field.name);
  if (name == "optimizer.k") return {static_cast<double>(config.optimizer.lookahead_k)};
  if (name.starts_with("optimizer.") && optimizer_key(name) == "betas") return {config.optimizer.beta1, config.optimizer.beta2};
  if (name.starts_with("optimizer.") && optimizer_key(name) == "layer_lr") return config.optimizer.layer_lr_multipliers;
  if (name == "loss.class_weights") return config.loss.class_weights;
  if (name == "prune.reinit") return {config.train.prune && config.train.prune->reinit ? 1.0 : 0.0};
  if (name.starts_with("optimizer.")) {
    OptimizerOptions options = config.optimizer;
    return {optimizer_number(name, options)};
  }
  if (name.starts_with("schedule.")) {
    ScheduleSpec schedule = config.schedule;
    return {member_of(schedule_numbers, after(name, "schedule."))(schedule)};
  }
  if (name.starts_with("train.")) return {config.train.*member_of(train_numbers, after(name, "train."))};
  if (name.starts_with("loss.")) return {config.loss.*member_of(loss_numbers, after(name, "loss."))};
  const auto member = member_of(layer_numbers, after(name, "layers."));
  std::vector<double> values;
  for (LayerSpec layer : config.model.layers) values.push_back(member(layer));
  return values;
}

void write_field(const ScalarField& field, const std::vector<double>& values, ExperimentConfig& config) {
  const std::string_view name(field.name);
  if (name == "optimizer.k") {
    config.optimizer.lookahead_k = static_cast<std::int64_t>(values.at(0));
  } else if (name.starts_with("optimizer.") && optimizer_key(name) == "betas") {
    config.optimizer.beta1 = values.at(0);
    config.optimizer.beta2 = values.at(1);
  } else if (name.starts_with("optimizer.") && optimizer_key(name) == "layer_lr") {
    config.optimizer.layer_lr_multipliers = values;
  } else if (name == "loss.class_weights") {
    config.loss.class_weights = values;
  } else if (name == "prune.reinit") {
    if (!config.train.prune) throw std::logic_error("write_field: prune.reinit into a config without prune");
    config.train.prune->reinit = values.at(0) != 0.0;
  } else if (name.starts_with("optimizer.")) {
    optimizer_number(name, config.optimizer) = values.at(0);
  } else if (name.starts_with("schedule.")) {
    member_of(schedule_numbers, after(name, "schedule."))(config.schedule) = values.at(0);
  } else if (name.starts_with("train.")) {
    config.train.*member_of(train_numbers, after(name, "train.")) = values.at(0);
  } else if (name.starts_with("loss.")) {
    config.loss.*member_of(loss_numbers, after(name, "loss.")) = values.at(0);
  } else {
    const auto member = member_of(layer_numbers, after(name, "layers."));
    if (values.size() != config.model.layers.size())
      throw std::logic_error("write_field: " + field.name + " read from a config with other layers");
    for (std::size_t i = 0; i < values.size(); ++i) member(config.model.layers[i]) = values[i];
  }
}

}  // namespace nnlab
