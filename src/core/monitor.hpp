// The per-epoch metrics a rule can watch: early stopping's criterion (train/stopping_criteria.hpp)
// and the reduce_on_plateau schedule (optim/plateau.hpp) name the same six.
#pragma once

#include <string_view>

namespace nnlab {

enum class MonitorKind { validation_loss, validation_accuracy, test_loss, test_accuracy, train_loss, train_accuracy };

constexpr std::string_view monitor_name(MonitorKind monitor) {
  switch (monitor) {
    case MonitorKind::validation_loss: return "validation_loss";
    case MonitorKind::validation_accuracy: return "validation_accuracy";
    case MonitorKind::test_loss: return "test_loss";
    case MonitorKind::test_accuracy: return "test_accuracy";
    case MonitorKind::train_loss: return "train_loss";
    case MonitorKind::train_accuracy: return "train_accuracy";
  }
  return "?";
}

constexpr bool is_accuracy(MonitorKind monitor) {
  return monitor == MonitorKind::validation_accuracy || monitor == MonitorKind::test_accuracy || monitor == MonitorKind::train_accuracy;
}

}  // namespace nnlab
