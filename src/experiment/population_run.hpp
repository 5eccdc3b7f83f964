// One work item trained (experiment/work.hpp): a population, or a range of its members trained
// as a population of their own, with everything it records while it trains (metrics,
// snapshots, checkpoints) going to a RunWriter. A whole population also records what needs all
// its members (the weights artefact, the test pictures of each trial's median member); for a
// range the caller does that once every range is in (experiment/population_parts.hpp).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "experiment/data_setup.hpp"
#include "experiment/plan.hpp"
#include "experiment/runner.hpp"
#include "experiment/summary.hpp"
#include "experiment/work.hpp"
#include "store/run_writer.hpp"

namespace nnlab {

struct ItemOutcome {
  WorkItem item;
  std::vector<MemberSummary> members;  // the item's, numbered in the run
  double seconds = 0.0;                // of training
  Index parameters_per_member = 0;
  bool has_test = false, has_validation = false;
  double majority_fraction = 0.0;      // share of the commonest training class
  std::vector<std::byte> weights;      // a range's final weights (safetensors, weights_bytes); a whole one's with send_weights
  std::vector<std::byte> prune_masks;  // a range's final train.prune masks; empty when whole or not pruned
  std::vector<std::string> unsaved;    // --save-model files that could not be written
};

struct ItemContext {
  RunWriter* writer = nullptr;          // null: record nothing
  RunId run = 0;
  Index first_member = 0;               // the run's number of the population's member 0
  bool resume = false;                  // continue from the item's checkpoint, when it has one
  TrainObserver* observer = nullptr;    // progress
  std::filesystem::path save_model;     // a whole population's final weights file ("" = none)
  bool send_weights = false;            // a whole population's final weights in the outcome too (another process saves them)
};

// The members of one item: those of population_members, [begin, end).
PopulationMembers item_members(const Plan& plan, const WorkItem& item, const Dataset& train);

// The label of an item's checkpoint: the population's own when whole.
ArtefactLabel item_checkpoint_label(const WorkItem& item);

// Trains the item. Errors in the config or data are InputErrors naming the file.
ItemOutcome train_item(const Plan& plan, const WorkItem& item, const ExperimentData& data, const ItemContext& context);

// The artefacts of a population's final weights and train.prune masks (safetensors, weights_file.hpp).
ArtefactLabel population_weights_label(Index population, std::int64_t epochs);
ArtefactLabel population_masks_label(Index population, std::int64_t epochs);

// --save-model's file of population `population`: name.p<index>.safetensors when the plan has several.
std::filesystem::path population_model_file(const std::filesystem::path& save_model, const Plan& plan, Index population);

}  // namespace nnlab
