// How much memory training a population needs, estimated from shapes alone before anything
// is allocated, so that a plan of 10^8 members or 10^9 units is refused in milliseconds
// (memory_limit.hpp) instead of failing with bad_alloc minutes and gigabytes later.
// The aim is the right size within about a factor 2 of the peak resident size; every
// quantity is a double, so no product of members, units and examples can overflow.
#pragma once

#include <string>
#include <vector>

#include "core/tensor.hpp"
#include "data/dataset.hpp"
#include "nn/spec.hpp"
#include "optim/options.hpp"

namespace nnlab {

struct Plan;
struct PlannedPopulation;
class PlanData;

// What the estimate reads of one population. Counts are doubles: P x units may exceed 2^63.
struct PopulationShape {
  ModelSpec model;                // inputs resolved (the data's features when model.inputs is 0)
  double members = 1;             // P
  int optimizer_buffers = 0;      // state buffers per parameter (optimizer_buffer_count)
  int kept_weights = 0;           // more copies of the weights: early stopping's best, snapshot ensembles' M + 1
  double examples = 0;            // training examples
  double batch = 0;               // rows per step; 0 = full batch (= examples)
  bool shared_inputs = true;      // Q = 1: full batch, fixed order or one seed (train/trainer.cpp)
  double evaluated_examples = 0;  // the largest set evaluate() runs over; 0 = none
  bool recorded = false;          // a run store records the members
};

// Bytes, by what they are for (4-byte floats throughout):
struct MemoryEstimate {
  // per-member parameters x (value + gradient + optimiser buffers) x P x 4
  double parameters = 0;
  // Σ layer units x (2 x rows + 2 x B) x P x 4: the dense and activation outputs of the largest
  // forward (rows = the largest of the batch, the evaluation chunk and the probe set of up to
  // 1,000 rows; tensors keep their capacity) and the two input gradients of a training batch
  double activations = 0;
  // the gathered training batch, Q x B x (features + outputs + label) x 4, evaluation's chunk
  // of up to 64 Mi floats of the widest layer (train/evaluate.cpp) and the probe set, each
  // 1 x rows x (same) x 4
  double batches = 0;
  // per member: its setup, specs, results and metrics (measured, about 2 KiB + 0.75 KiB a layer)
  // and, with a store, the recorder's columns and the summary document (about 4 KiB a layer + 4 KiB)
  double records = 0;
  // the data sets: examples x (features + label + targets) x 4 (estimate_plan_memory fills it)
  double data = 0;
  double total() const { return parameters + activations + batches + records + data; }
};

// State buffers the optimiser keeps per parameter: sgd 1 with momentum, else 0; adam/adamw 2
// (+1 amsgrad); radam 2; rmsprop 1 (+1 momentum, +1 centered); adagrad 1; adadelta 2.
int optimizer_buffer_count(const OptimizerOptions& options);
// Parameters of one member: Σ inputs x units (+ units with a bias).
double parameters_per_member(const ModelSpec& model);
// Everything but `data`.
MemoryEstimate estimate_population_memory(const PopulationShape& shape);
// One data set as the runner and trainer hold it, with `outputs` encoded target columns.
double dataset_bytes(const Dataset& set, Index outputs);

struct PopulationMemory {
  Index population = 0;
  std::string description;  // as the run store records it: "784-300-10 relu/identity, batch 64, 3 epochs"
  MemoryEstimate estimate;
};

// Each population's estimate, in plan order (loads the data sets into `data`, each once). A
// population's `data` counts every distinct data set up to it and its `records` every member
// up to it, since the runner keeps both until the run ends.
std::vector<PopulationMemory> estimate_plan_memory(const Plan& plan, PlanData& data, bool recorded);

// "512 bytes", "1.5 KiB", "3.1 TiB" (powers of 1024).
std::string format_bytes(double bytes);
// " (parameters 1.0 KiB, activations ..., batches ..., member records ..., data ...)"
std::string describe_parts(const MemoryEstimate& estimate);

}  // namespace nnlab
