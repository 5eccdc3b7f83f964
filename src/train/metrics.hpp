// What is measured about a member at the end of an epoch.
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

namespace nnlab {

inline constexpr double not_measured = std::numeric_limits<double>::quiet_NaN();

// Per config layer (model.layers[i]) of one member.
struct LayerStats {
  double weight_norm = not_measured;         // ‖W‖_F after the epoch
  double gradient_norm = not_measured;       // ‖∂L/∂W‖_F of the epoch's last step
  double update_ratio = not_measured;        // ‖ΔW‖_F / ‖W‖_F of the epoch's last step
  double weight_l1 = not_measured;           // Σ|W| after the epoch (biases excluded)
  // Of the units' outputs on the probe set (train/unit_activity.hpp), on logged epochs:
  double dead_fraction = not_measured;       // ReLU family: units whose output is <= 0 on every probe example
  double saturated_fraction = not_measured;  // sigmoid/tanh family: outputs within 1 % of a bound
  double activation_mean = not_measured;     // mean of the layer's outputs over probe rows and units
  double activation_std = not_measured;      // their (population) standard deviation
};

struct EpochMetrics {
  std::int64_t epoch = 0;                    // 0 = before training, e = after e epochs
  // The network after the epoch, on the training set (or train.metrics_subset of it): a
  // forward-only pass for mini-batch training, the next sweep's forward for full batch.
  double train_loss = not_measured;
  double train_accuracy = not_measured;
  // Mini-batch only: the Keras-style average over the epoch's batches, each measured before its
  // step, so over weights that moved during the epoch.
  double train_loss_running = not_measured;
  double train_accuracy_running = not_measured;
  double validation_loss = not_measured;
  double validation_accuracy = not_measured;
  double test_loss = not_measured;
  double test_accuracy = not_measured;
  double learning_rate = not_measured;       // the member's base rate at the epoch's last step
  double gradient_norm = not_measured;       // global, the epoch's last step, before clipping
  double epoch_seconds = not_measured;       // wall time of the epoch's batches (not deterministic)
  double updates = not_measured;             // optimiser steps taken so far
  // λ1 Σ|w| + λ2/2 Σ w² of the member's LossSpec at the weights train_loss is measured at (not
  // part of train_loss, which stays the data loss); not_measured without a penalty.
  double penalty = not_measured;
  std::vector<LayerStats> layers;
  // Accuracy on the examples of each class (recall), on recorded epochs; empty otherwise or
  // when the task has no classes.
  std::vector<double> train_class_accuracy;
  std::vector<double> test_class_accuracy;
};

}  // namespace nnlab
