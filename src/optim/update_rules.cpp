#include "optim/update_rules.hpp"

#include <stdexcept>

namespace nnlab {

bool uses_state_buffer(const OptimizerOptions& options, int buffer) {
  switch (options.kind) {
    case OptimizerKind::sgd: return buffer == 0 && options.momentum != 0;
    case OptimizerKind::adagrad: return buffer == 0;
    case OptimizerKind::adadelta: return buffer == 0 || buffer == 1;
    case OptimizerKind::rmsprop:
      return buffer == 0 || (buffer == 1 && options.momentum > 0) || (buffer == 2 && options.centered);
    case OptimizerKind::adam:
    case OptimizerKind::adamw: return buffer == 0 || buffer == 1 || (buffer == 2 && options.amsgrad);
    case OptimizerKind::radam: return buffer == 0 || buffer == 1;
  }
  return false;
}

float initial_state_value(const OptimizerOptions& options, int buffer) {
  if (options.kind == OptimizerKind::adagrad && buffer == 0)
    return static_cast<float>(options.initial_accumulator_value);
  return 0.0f;
}

const double* cycled_momentum(const OptimizerOptions& options) {
  switch (options.kind) {
    case OptimizerKind::sgd:
    case OptimizerKind::rmsprop: return &options.momentum;
    case OptimizerKind::adam:
    case OptimizerKind::adamw:
    case OptimizerKind::radam: return &options.beta1;
    case OptimizerKind::adagrad:
    case OptimizerKind::adadelta: return nullptr;
  }
  return nullptr;
}

double* cycled_momentum(OptimizerOptions& options) {
  return const_cast<double*>(cycled_momentum(static_cast<const OptimizerOptions&>(options)));
}

void apply_update(const MemberSlice& slice, const MemberStep& step) {
  switch (step.options.kind) {
    case OptimizerKind::sgd: sgd_update(slice, step); return;
    case OptimizerKind::adagrad: adagrad_update(slice, step); return;
    case OptimizerKind::adadelta: adadelta_update(slice, step); return;
    case OptimizerKind::rmsprop: rmsprop_update(slice, step); return;
    case OptimizerKind::adam:
    case OptimizerKind::adamw: adam_update(slice, step); return;
    case OptimizerKind::radam: radam_update(slice, step); return;
  }
  throw std::logic_error("apply_update: unknown optimizer kind");
}

}  // namespace nnlab
