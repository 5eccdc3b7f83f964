// Runs an experiment: builds the population the config asks for, trains it and
// returns the summary. The one place where config meets nn, optim, data and train.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "experiment/config.hpp"
#include "experiment/plan.hpp"
#include "experiment/summary.hpp"
#include "store/records.hpp"
#include "train/data_init.hpp"
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

// Trains every population of the plan, one after another; populations of small networks on
// several threads train as concurrent work items instead (experiment/item_threads.hpp).
RunSummary run_plan(const Plan& plan, const RunOptions& options = {});
// One config without a sweep: its replicates as one population.
RunSummary run_experiment(const ExperimentConfig& config, const RunOptions& options = {});

// A population as the run store and the memory check name it: "784-300-10 relu/identity,
// batch 64, 3 epochs; varies optimizer.lr" (spec: its model with the inputs resolved).
std::string describe_population(const ExperimentConfig& config, const ModelSpec& spec, const PlannedPopulation& population);

// One population's members as run_plan trains them: trial-major, then replicate r with seed
// `trial seed + r`, each with its trial's model (inputs from `train`, checked: InputError naming
// the file and key), loss, optimiser, schedule and clipping.
struct PopulationMembers {
  std::vector<std::uint64_t> seeds;
  std::vector<ModelSpec> specs;
  std::vector<LossSpec> losses;
  std::vector<OptimizerOptions> optimizers;
  std::vector<MemberSetup> setups;
  std::vector<Index> member_trial;  // the plan's trial of each member
};
PopulationMembers population_members(const Plan& plan, const PlannedPopulation& population, const Dataset& train);
// Their model: built from the specs and seeds, then given the file's weights (`model_from`) or
// completed from the training data (lsuv / pca, train/data_init.hpp; each member's layer
// variances into *data_init when given). A spec the layers refuse: InputError naming the file.
std::unique_ptr<Sequential<float>> population_model(const ExperimentConfig& head, const PopulationMembers& members, bool logits,
                                                    const Dataset& train, std::vector<std::vector<DataInitLayer>>* data_init = nullptr);

// The model table of `nnlab summary`: layers, output shapes, parameter counts.
std::string describe_model(const ExperimentConfig& config);

}  // namespace nnlab
