#include "experiment/memory_estimate.hpp"

#include "experiment/member_schedule.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <set>
#include <stdexcept>

#include "experiment/plan.hpp"
#include "experiment/plan_data.hpp"
#include "experiment/runner.hpp"
#include "nn/layer_kinds.hpp"
#include "optim/update_rules.hpp"
#include "train/evaluate.hpp"

namespace nnlab {
namespace {

constexpr double float_bytes = 4;
// Per unit and row, forward: the dense and the activation output; backward (training batches
// only): the activation's and the next dense layer's input gradients (nn/dense.hpp, activation.hpp).
constexpr double forward_copies = 2, backward_copies = 2;
// The unit-activity probe forwards the first (up to) 1,000 training rows for every member
// (train/probe.cpp), as the test pictures do with 1,000 test rows.
constexpr double probe_rows = 1000;
// Per member, measured on xor and mirror populations of 10^5 to 10^6 members (peak resident
// size minus parameters and activations): setups, specs, results, metrics and summary...
constexpr double member_bytes = 2048, member_bytes_per_layer = 768;
// ... and with a run store, the recorder's columns (one per metric, ~8 metrics a layer) and
// the summary document.
constexpr double recorded_member_bytes = 4096, recorded_member_bytes_per_layer = 4096;

bool varies(const PlannedPopulation& population, const std::string& key) {
  return std::find(population.varying.begin(), population.varying.end(), key) != population.varying.end();
}

// The buffers of a population: one exists for every member when any member uses it, so a
// key that varies inside the population (e.g. momentum 0 and 0.9) counts as in use.
int population_buffers(OptimizerOptions options, const PlannedPopulation& population) {
  if (varies(population, "optimizer.momentum")) options.momentum = 1;
  if (varies(population, "optimizer.centered")) options.centered = true;
  if (varies(population, "optimizer.amsgrad")) options.amsgrad = true;
  return optimizer_buffer_count(options);
}

// The shape of one population from its first trial's config and its data.
PopulationShape shape_of(const Plan& plan, const PlannedPopulation& population, const ExperimentConfig& head, const ExperimentData& data,
                         bool recorded) {
  PopulationShape shape{.model = head.model};
  if (shape.model.inputs == 0) shape.model.inputs = data.train.features();
  if (shape.model.input_shape.empty()) shape.model.input_shape = default_input_shape(shape.model.inputs, data.train.example_shape);
  try {
    resolve_shapes(shape.model);
  } catch (const std::invalid_argument&) {  // the runner reports it; the estimate has no sizes to give
    shape.model.layers.clear();
  }
  shape.members = static_cast<double>(population.trials.size()) * static_cast<double>(plan.replicates);
  if (head.train.early_stopping && head.train.early_stopping->restore_best) shape.kept_weights += 1;
  if (head.train.snapshot_ensemble) shape.kept_weights += static_cast<int>(std::min<std::int64_t>(head.train.snapshot_ensemble->cycles, 1 << 20)) + 1;
  shape.optimizer_buffers = population_buffers(member_optimizer(head), population);  // a momentum cycle's buffer too
  shape.examples = static_cast<double>(data.train.size());
  const bool full_batch = head.train.batch == 0 || head.train.batch >= data.train.size();
  shape.batch = full_batch ? 0 : static_cast<double>(head.train.batch);
  const bool one_seed = plan.replicates == 1 && !varies(population, "seed");
  shape.shared_inputs = full_batch || head.train.order == OrderKind::fixed || one_seed;
  double evaluated = 0;
  if (!full_batch)  // train metrics by a forward-only pass (full batch: the training forward)
    evaluated = head.train.metrics_subset > 0 ? std::min(shape.examples, static_cast<double>(head.train.metrics_subset)) : shape.examples;
  if (data.validation) evaluated = std::max(evaluated, static_cast<double>(data.validation->size()));
  if (data.test) evaluated = std::max(evaluated, static_cast<double>(data.test->size()));
  shape.evaluated_examples = evaluated;
  shape.recorded = recorded;
  return shape;
}

}  // namespace

int optimizer_buffer_count(const OptimizerOptions& options) {
  int count = 0;
  for (int b = 0; b < max_state_buffers; ++b) count += uses_state_buffer(options, b) ? 1 : 0;
  if (options.wrapper != OptimizerWrapper::none) ++count;  // lookahead's slow weights
  return count;
}

double parameters_per_member(const ModelSpec& spec) {
  ModelSpec model = spec;
  try {
    resolve_shapes(model);
  } catch (const std::invalid_argument&) {
    return 0;
  }
  double count = 0;
  for (std::size_t i = 0; i < model.layers.size(); ++i)
    count += static_cast<double>(layer_parameter_count(model.layers[i], input_shape_of(model, i)));
  return count;
}

MemoryEstimate estimate_population_memory(const PopulationShape& shape) {
  const double members = std::max(shape.members, 1.0);
  const double features = static_cast<double>(shape.model.inputs);
  const double outputs = shape.model.layers.empty() ? 0 : static_cast<double>(shape.model.layers.back().units);
  const double layers = static_cast<double>(shape.model.layers.size());
  double units = 0;
  Index widest_units = 0;
  for (const LayerSpec& layer : shape.model.layers) {
    units += static_cast<double>(layer.units);
    widest_units = std::max(widest_units, layer.units);
  }

  const double batch = shape.batch > 0 ? std::min(shape.batch, shape.examples) : shape.examples;
  double chunk = 0;
  if (shape.evaluated_examples > 0)
    chunk = static_cast<double>(evaluation_chunk_rows(widest_units, static_cast<Index>(shape.evaluated_examples)));
  const double probe = std::min(shape.examples, probe_rows);
  const double rows = std::max({batch, chunk, probe});
  const double slices = shape.shared_inputs ? 1 : members;
  const double row_bytes = (features + outputs + 1) * float_bytes;  // inputs, targets, label

  MemoryEstimate estimate;
  estimate.parameters = parameters_per_member(shape.model) * (2.0 + shape.optimizer_buffers + shape.kept_weights) * members * float_bytes;
  estimate.activations = units * (forward_copies * rows + backward_copies * batch) * members * float_bytes;
  estimate.batches = (slices * batch + chunk + probe) * row_bytes;
  estimate.records = members * (member_bytes + member_bytes_per_layer * layers);
  if (shape.recorded) estimate.records += members * (recorded_member_bytes + recorded_member_bytes_per_layer * layers);
  return estimate;
}

double dataset_bytes(const Dataset& set, Index outputs) {
  const double encoded = static_cast<double>(set.size()) * static_cast<double>(outputs);  // Trainer's encode_targets
  return (static_cast<double>(set.inputs.size()) + static_cast<double>(set.labels.size()) + static_cast<double>(set.targets.size()) + encoded) *
         float_bytes;
}

std::vector<PopulationMemory> estimate_plan_memory(const Plan& plan, PlanData& data, bool recorded) {
  std::vector<PopulationMemory> estimates;
  std::set<std::string> counted;  // data sets already in `held`
  double held = 0, earlier_records = 0;
  for (const PlannedPopulation& population : plan.populations) {
    const ExperimentConfig head = plan.trial_config(population.trials.front());
    const ExperimentData& sets = data.of(plan, population);
    const PopulationShape shape = shape_of(plan, population, head, sets, recorded);
    const Index outputs = shape.model.layers.empty() ? 0 : shape.model.layers.back().units;
    if (counted.insert(PlanData::key(plan, population)).second) {
      held += dataset_bytes(sets.train, outputs);
      if (sets.validation) held += dataset_bytes(*sets.validation, outputs);
      if (sets.test) held += dataset_bytes(*sets.test, outputs);
    }
    MemoryEstimate estimate = estimate_population_memory(shape);
    estimate.data = held;
    const double own_records = estimate.records;
    estimate.records += earlier_records;
    earlier_records += own_records;
    estimates.push_back(PopulationMemory{.population = population.index, .description = describe_population(head, shape.model, population),
                                         .estimate = estimate});
  }
  return estimates;
}

std::string format_bytes(double bytes) {
  if (!(bytes >= 1024)) return fmt::format("{:.0f} bytes", std::max(bytes, 0.0));
  constexpr std::array<const char*, 6> units{"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  std::size_t unit = 0;
  bytes /= 1024;
  while (bytes >= 1024 && unit + 1 < units.size()) {
    bytes /= 1024;
    ++unit;
  }
  return fmt::format("{:.1f} {}", bytes, units[unit]);
}

std::string describe_parts(const MemoryEstimate& estimate) {
  return fmt::format(" (parameters and optimiser state {}, activations {}, batches {}, member records {}, data {})",
                     format_bytes(estimate.parameters), format_bytes(estimate.activations), format_bytes(estimate.batches),
                     format_bytes(estimate.records), format_bytes(estimate.data));
}

}  // namespace nnlab
