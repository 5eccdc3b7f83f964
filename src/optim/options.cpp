#include "optim/options.hpp"

#include <array>
#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>

#include <fmt/format.h>

namespace nnlab {
namespace {

constexpr std::array<std::pair<OptimizerKind, std::string_view>, 7> kind_names{{
    {OptimizerKind::sgd, "sgd"},
    {OptimizerKind::adagrad, "adagrad"},
    {OptimizerKind::adadelta, "adadelta"},
    {OptimizerKind::rmsprop, "rmsprop"},
    {OptimizerKind::adam, "adam"},
    {OptimizerKind::adamw, "adamw"},
    {OptimizerKind::radam, "radam"},
}};

void require(bool condition, std::string_view key, std::string_view rule, double value) {
  if (!condition) throw std::invalid_argument(fmt::format("{}: must be {}, got {}", key, rule, value));
}

bool is_adam_family(OptimizerKind kind) {
  return kind == OptimizerKind::adam || kind == OptimizerKind::adamw || kind == OptimizerKind::radam;
}

}  // namespace

OptimizerOptions defaults_for(OptimizerKind kind) {
  OptimizerOptions options{.kind = kind};
  switch (kind) {
    case OptimizerKind::sgd: options.lr = 1e-3; break;
    case OptimizerKind::adagrad:
      options.lr = 1e-2;
      options.eps = 1e-10;
      break;
    case OptimizerKind::adadelta:
      options.lr = 1.0;
      options.eps = 1e-6;
      options.rho = 0.9;
      break;
    case OptimizerKind::rmsprop:
      options.lr = 1e-2;
      options.eps = 1e-8;
      options.alpha = 0.99;
      break;
    case OptimizerKind::adam:
      options.lr = 1e-3;
      options.eps = 1e-8;
      break;
    case OptimizerKind::adamw:
      options.lr = 1e-3;
      options.eps = 1e-8;
      options.weight_decay = 1e-2;
      break;
    case OptimizerKind::radam:
      options.lr = 1e-3;
      options.eps = 1e-8;
      break;
  }
  return options;
}

// The same checks torch.optim's constructors make, plus finiteness.
void validate(const OptimizerOptions& options) {
  require(std::isfinite(options.lr) && options.lr >= 0, "lr", ">= 0", options.lr);
  require(std::isfinite(options.weight_decay) && options.weight_decay >= 0, "weight_decay", ">= 0",
          options.weight_decay);
  require(std::isfinite(options.eps) && options.eps >= 0, "eps", ">= 0", options.eps);
  switch (options.kind) {
    case OptimizerKind::sgd:
      require(std::isfinite(options.momentum) && options.momentum >= 0, "momentum", ">= 0", options.momentum);
      require(std::isfinite(options.dampening), "dampening", "finite", options.dampening);
      if (options.nesterov && (options.momentum <= 0 || options.dampening != 0))
        throw std::invalid_argument("nesterov: requires momentum > 0 and dampening = 0");
      break;
    case OptimizerKind::adagrad:
      require(std::isfinite(options.lr_decay) && options.lr_decay >= 0, "lr_decay", ">= 0", options.lr_decay);
      require(std::isfinite(options.initial_accumulator_value) && options.initial_accumulator_value >= 0,
              "initial_accumulator_value", ">= 0", options.initial_accumulator_value);
      break;
    case OptimizerKind::adadelta: require(options.rho >= 0 && options.rho <= 1, "rho", "in [0, 1]", options.rho); break;
    case OptimizerKind::rmsprop:
      require(std::isfinite(options.alpha) && options.alpha >= 0, "alpha", ">= 0", options.alpha);
      require(std::isfinite(options.momentum) && options.momentum >= 0, "momentum", ">= 0", options.momentum);
      break;
    case OptimizerKind::adam:
    case OptimizerKind::adamw:
    case OptimizerKind::radam: break;
  }
  if (is_adam_family(options.kind)) {
    require(options.beta1 >= 0 && options.beta1 < 1, "beta1", "in [0, 1)", options.beta1);
    require(options.beta2 >= 0 && options.beta2 < 1, "beta2", "in [0, 1)", options.beta2);
  }
  if (options.wrapper != OptimizerWrapper::none) {
    if (options.lookahead_k < 1)
      throw std::invalid_argument(fmt::format("k: must be >= 1, got {}", options.lookahead_k));
    require(options.lookahead_alpha > 0 && options.lookahead_alpha <= 1, "alpha", "in (0, 1]", options.lookahead_alpha);
    if (options.wrapper == OptimizerWrapper::ranger && options.kind != OptimizerKind::radam)
      throw std::invalid_argument("type: ranger wraps radam");
  }
  for (std::size_t layer = 0; layer < options.layer_lr_multipliers.size(); ++layer) {
    const double multiplier = options.layer_lr_multipliers[layer];
    require(std::isfinite(multiplier) && multiplier >= 0, fmt::format("layer_lr_multipliers[{}]", layer), ">= 0",
            multiplier);
  }
}

double layer_lr_multiplier(const OptimizerOptions& options, int layer_index) {
  if (layer_index < 0)
    throw std::invalid_argument(fmt::format("layer_lr_multiplier: negative layer index {}", layer_index));
  const auto layer = static_cast<std::size_t>(layer_index);
  return layer < options.layer_lr_multipliers.size() ? options.layer_lr_multipliers[layer] : 1.0;
}

std::string_view optimizer_kind_name(OptimizerKind kind) {
  for (const auto& [candidate, name] : kind_names)
    if (candidate == kind) return name;
  throw std::logic_error("optimizer_kind_name: unknown kind");
}

std::string optimizer_name(const OptimizerOptions& options) {
  switch (options.wrapper) {
    case OptimizerWrapper::none: break;
    case OptimizerWrapper::lookahead: return fmt::format("lookahead({})", optimizer_kind_name(options.kind));
    case OptimizerWrapper::ranger: return "ranger";
  }
  return std::string(optimizer_kind_name(options.kind));
}

std::optional<OptimizerKind> parse_optimizer_kind(std::string_view name) {
  for (const auto& [kind, candidate] : kind_names)
    if (candidate == name) return kind;
  return std::nullopt;
}

}  // namespace nnlab
