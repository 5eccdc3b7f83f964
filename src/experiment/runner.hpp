// Runs an experiment: builds the population the config asks for, trains it and
// returns the summary. The one place where config meets nn, optim, data and train.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "experiment/config.hpp"
#include "experiment/plan.hpp"
#include "experiment/summary.hpp"
#include "store/records.hpp"
#include "train/trainer.hpp"

namespace nnlab {

class RunStore;
class PlanData;

// The artefact a run keeps its plan's source in (PlanSource as JSON).
ArtefactLabel plan_source_label();

struct RunOptions {
  std::filesystem::path save_model;      // write every member's final weights here (safetensors)
  TrainObserver* observer = nullptr;     // progress
  RunStore* store = nullptr;             // record the run here (null: keep nothing)
  // Continue this killed or failed run of `store` (made from the same plan) from its
  // checkpoints instead of starting a new one; see resume.hpp.
  std::optional<RunId> resume;
  // The plan's data sets when the caller loaded them already (the memory check,
  // memory_estimate.hpp); null: run_plan loads them.
  PlanData* data = nullptr;
};

// Trains every population of the plan, one after another.
RunSummary run_plan(const Plan& plan, const RunOptions& options = {});
// One config without a sweep: its replicates as one population.
RunSummary run_experiment(const ExperimentConfig& config, const RunOptions& options = {});

// A population as the run store and the memory check name it: "784-300-10 relu/identity,
// batch 64, 3 epochs; varies optimizer.lr" (spec: its model with the inputs resolved).
std::string describe_population(const ExperimentConfig& config, const ModelSpec& spec, const PlannedPopulation& population);

// The model table of `nnlab summary`: layers, output shapes, parameter counts.
std::string describe_model(const ExperimentConfig& config);

}  // namespace nnlab
