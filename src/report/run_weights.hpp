// A run's stored weights as the report's figures read them: a member's final weights (its
// population's "weights" artefact) and a trial's snapshots and updates (the recorder's, kept for
// the trial's first member). A damaged or foreign artefact reads as absent. Internal to the run report.
#pragma once

#include <map>
#include <optional>
#include <vector>

#include "report/stored_weights.hpp"
#include "report/trial_groups.hpp"

namespace nnlab {

// One member's layers of a stored safetensors artefact (member_in_file: 0 for a snapshot).
std::optional<StoredLayers> read_layers(const RunView& view, const ArtefactLabel& label, Index member_in_file);

// The member's final weights: its slot in its population's "weights" / "population-{p}" file.
std::optional<StoredLayers> final_weights_of(const RunView& view, const std::vector<ArtefactInfo>& artefacts, Index member);

struct Snapshots {
  Index member = -1;  // -1: the trial has none
  std::map<Epoch, ArtefactLabel> weights;
  std::map<Epoch, ArtefactLabel> updates;
};

// The snapshots of the lowest member of the trial that has them (the runner keeps them for replicate 0).
Snapshots snapshots_of(const std::vector<ArtefactInfo>& artefacts, const TrialGroup& trial);

}  // namespace nnlab
