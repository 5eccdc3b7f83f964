// One member's optimiser hyper-parameters. Names and defaults follow torch.optim;
// `defaults_for(kind)` gives PyTorch's defaults for that kind.
#pragma once

#include <vector>

namespace nnlab {

enum class OptimizerKind { sgd, adagrad, adadelta, rmsprop, adam, adamw, radam };

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
  bool amsgrad = false;
  // every adaptive method
  double eps = 1e-8;
  // rmsprop (alpha = smoothing constant), adadelta (rho)
  double alpha = 0.99;
  bool centered = false;
  double rho = 0.9;
  // adagrad
  double lr_decay = 0.0;
  double initial_accumulator_value = 0.0;
  // Per-layer learning-rate multipliers, indexed by the layer's place in model.layers;
  // missing entries are 1.
  std::vector<double> layer_lr_multipliers;
};

OptimizerOptions defaults_for(OptimizerKind kind);

}  // namespace nnlab
