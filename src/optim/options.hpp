// One member's optimiser hyper-parameters. Names and defaults follow torch.optim;
// `defaults_for(kind)` gives PyTorch's defaults for that kind.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nnlab {

enum class OptimizerKind { sgd, adagrad, adadelta, rmsprop, adam, adamw, radam };

// Lookahead (Zhang et al. 2019) around the rule of `kind`: every `lookahead_k` updates of a
// member, its slow weights move `lookahead_alpha` of the way to its parameters, which are
// reset to them. Ranger is Lookahead around RAdam (k 6, alpha 0.5 by default).
enum class OptimizerWrapper { none, lookahead, ranger };

struct OptimizerOptions {
  OptimizerKind kind = OptimizerKind::sgd;
  double lr = 0.01;
  double weight_decay = 0.0;  // coupled L2 (added to the gradient), except AdamW: decoupled
  // sgd
  double momentum = 0.0;
  double dampening = 0.0;
  bool nesterov = false;
  // adam, adamw, radam
  double beta1 = 0.9;
  double beta2 = 0.999;
  bool amsgrad = false;  // adam, adamw
  // every adaptive method
  double eps = 1e-8;
  // rmsprop (alpha = smoothing constant, momentum, centered), adadelta (rho)
  double alpha = 0.99;
  bool centered = false;
  double rho = 0.9;
  // adagrad
  double lr_decay = 0.0;
  double initial_accumulator_value = 0.0;
  // Per-layer learning-rate multipliers, indexed by the layer's place in model.layers;
  // missing entries are 1.
  std::vector<double> layer_lr_multipliers{};
  // lookahead and ranger (the rule they wrap is `kind`, its options the fields above)
  OptimizerWrapper wrapper = OptimizerWrapper::none;
  std::int64_t lookahead_k = 5;
  double lookahead_alpha = 0.5;

  bool operator==(const OptimizerOptions&) const = default;
};

// PyTorch 2.x defaults for `kind`: lr sgd 1e-3, adagrad 1e-2, adadelta 1.0, rmsprop 1e-2,
// adam/adamw/radam 1e-3; eps adagrad 1e-10, adadelta 1e-6, else 1e-8; adamw weight_decay 1e-2.
OptimizerOptions defaults_for(OptimizerKind kind);

// Throws std::invalid_argument "<key>: <reason>" (key = the field name, e.g. "beta2: must be
// in [0, 1), got 1") on values torch.optim rejects; callers add the file and key prefix.
void validate(const OptimizerOptions& options);

// options.layer_lr_multipliers[layer_index], or 1 when the list is shorter.
double layer_lr_multiplier(const OptimizerOptions& options, int layer_index);

std::string_view optimizer_kind_name(OptimizerKind kind);  // "sgd", "adagrad", ... as torch.optim names them
std::optional<OptimizerKind> parse_optimizer_kind(std::string_view name);
// "lookahead(adam)", "ranger", or the kind's name without a wrapper.
std::string optimizer_name(const OptimizerOptions& options);

}  // namespace nnlab
