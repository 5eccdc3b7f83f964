// The plan of one SmallNetworkKernel::run call (nn/small_network.cpp's only): where each
// stage's parameters, gradients and activations sit in a block's lane scratch, and the checks
// Loss::evaluate makes, done before any thread starts.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <span>
#include <stdexcept>
#include <vector>

#include "nn/small_network.hpp"

namespace nnlab::small_network {

// Examples in flight together. One example's forward pass is a chain of dependent operations
// (a sigmoid alone is ~80 cycles of latency); a group of independent examples fills the
// pipelines. Gradients still accumulate example by example, in ascending order, so the group
// size changes the schedule, never a result. Narrow networks take larger groups (a group's
// activations stay in L1).
inline Index group_size_for(Index widest) { return std::clamp<Index>(512 / widest, 4, 32); }

// Where a stage's data sits in a block's scratch, in lane vectors (L values each,
// lane l = the block's l-th member). Parameters are transposed member-minor: W [out][in][lane];
// activations of a group of examples are [example][unit][lane].
struct StageLayout {
  Index inputs = 0, outputs = 0;
  bool has_bias = false;
  ActivationSpec activation;  // its structure: kind, and a step's levels and estimator
  Index weight = 0, bias = 0, weight_grad = 0, bias_grad = 0;  // [out·in], [out]
  Index pre = 0, post = 0;                    // z = W x + b and a = f(z), [group][out]; post = pre for identity
  Index steepness = 0, slope = 0, alpha = 0;  // the lanes' activation scalars, one vector each
};

// Everything one call needs, shared read-only by the blocks (outputs are per member).
template <typename T>
struct Call {
  std::span<const typename SmallNetworkKernel<T>::Stage> stages;
  std::vector<StageLayout> layout;
  Index group_size = 0;  // examples in flight together
  Index input_lanes = 0, delta = 0, delta_previous = 0, output_lanes = 0, scratch_vectors = 0;
  Index population = 0, batch = 0, inputs = 0, outputs = 0;
  const TensorT<T>* input = nullptr;
  bool shared_input = true;
  const TensorT<T>* values = nullptr;  // [1 or P, B, C]
  bool shared_values = true;
  std::span<const std::int32_t> labels;  // read only with class weights
  bool shared_labels = true;
  std::span<const LossSpec> losses;
  Index weighted_classes = 0;  // longest class-weight list; 0 = every example weighs 1
  std::span<double> member_loss;
  TensorT<T>* output = nullptr;
};

// Scratch offsets for a batch of `batch` examples.
template <typename T>
Call<T> plan_call(std::span<const typename SmallNetworkKernel<T>::Stage> stages, Index population, Index batch) {
  Call<T> call;
  call.stages = stages;
  call.population = population;
  call.batch = batch;
  Index widest = stages.front().dense->inputs();
  for (const auto& stage : stages) widest = std::max(widest, stage.dense->outputs());
  const Index group_size = call.group_size = group_size_for(widest);
  Index next = 0;
  const auto take = [&next](Index vectors) {
    const Index offset = next;
    next += vectors;
    return offset;
  };
  for (const auto& stage : stages) {
    StageLayout layout;
    layout.inputs = stage.dense->inputs();
    layout.outputs = stage.dense->outputs();
    layout.has_bias = stage.dense->has_bias();
    layout.activation = stage.activation;
    layout.weight = take(layout.outputs * layout.inputs);
    layout.weight_grad = take(layout.outputs * layout.inputs);
    layout.bias = take(layout.has_bias ? layout.outputs : 0);
    layout.bias_grad = take(layout.has_bias ? layout.outputs : 0);
    layout.pre = take(group_size * layout.outputs);
    layout.post = stage.activation.kind == ActivationKind::identity ? layout.pre : take(group_size * layout.outputs);
    layout.steepness = take(1);
    layout.slope = take(1);
    layout.alpha = take(1);
    call.layout.push_back(layout);
  }
  call.inputs = call.layout.front().inputs;
  call.outputs = call.layout.back().outputs;
  call.input_lanes = take(group_size * call.inputs);
  call.delta = take(group_size * widest);
  call.delta_previous = take(group_size * widest);
  call.output_lanes = take(batch * call.outputs);
  call.scratch_vectors = next;
  return call;
}

// The checks of Loss::evaluate, made before any thread starts (nothing may throw inside).
template <typename T>
void check_call(const Call<T>& call, const Targets<T>& targets) {
  const TensorT<T>* values = targets.values;
  if (values == nullptr || values->rank() != 3 || (values->dim(0) != 1 && values->dim(0) != call.population) ||
      values->dim(1) != call.batch || values->dim(2) != call.outputs)
    throw std::invalid_argument(fmt::format("loss: targets {} do not match output [{}, {}, {}]",
                                            values ? to_string(values->shape()) : std::string("(none)"),
                                            call.population, call.batch, call.outputs));
  if (static_cast<Index>(call.member_loss.size()) != call.population)
    throw std::invalid_argument(
        fmt::format("loss: {} loss slots for {} members", call.member_loss.size(), call.population));
  if (static_cast<Index>(call.losses.size()) != call.population)
    throw std::invalid_argument(fmt::format("loss: {} loss specs for {} members", call.losses.size(), call.population));
  if (call.weighted_classes == 0) return;
  const auto label_count = static_cast<Index>(targets.labels.size());
  if (label_count != call.batch && label_count != call.population * call.batch)
    throw std::invalid_argument(
        fmt::format("loss: {} labels for {} members x {} examples", label_count, call.population, call.batch));
  // Every label a member sees must have a class weight: compare each member's weight count with
  // the largest label of its rows (one pass over shared labels).
  const auto largest_label = [&](Index m) {
    const std::int32_t* labels = targets.labels.data() + (call.shared_labels ? 0 : m * call.batch);
    std::int32_t largest = -1;
    for (Index b = 0; b < call.batch; ++b) {
      if (labels[b] < 0) throw std::invalid_argument(fmt::format("loss: label {} has no class weight", labels[b]));
      largest = std::max(largest, labels[b]);
    }
    return largest;
  };
  const std::int32_t shared_largest = call.shared_labels ? largest_label(0) : -1;
  for (Index m = 0; m < call.population; ++m) {
    const std::vector<double>& weights = call.losses[static_cast<std::size_t>(m)].class_weights;
    if (weights.empty()) continue;
    const std::int32_t largest = call.shared_labels ? shared_largest : largest_label(m);
    if (largest >= 0 && static_cast<std::size_t>(largest) >= weights.size())
      throw std::invalid_argument(
          fmt::format("loss: label {} has no class weight ({} given)", largest, weights.size()));
  }
}

}  // namespace nnlab::small_network
