// The run report's activations across depth, the lecture's "5-layer net at three init scales":
// for each trial, one violin per hidden layer of its first member's probe outputs (the recorder's
// "histograms" artefacts), side by side, at the first and the last recorded epoch. Vanishing,
// healthy and saturating signals read at a glance. Internal to the run report.
#pragma once

#include <optional>
#include <set>
#include <vector>

#include "report/report.hpp"
#include "report/stored_documents.hpp"
#include "report/trial_groups.hpp"

namespace nnlab {

// A histogram document's hidden layers as the figure draws them, in layer order: the output layer
// (the highest index) is left out, and so is a layer whose outputs bin exactly as the layer
// before's (dropout and noise layers, the identity in evaluation); their indices go to `repeated`.
std::vector<const StoredHistograms::Entry*> drawn_hidden_layers(const StoredHistograms& document, std::set<std::size_t>& repeated);

// One figure per epoch (the first and the last any trial recorded): a panel per trial with at least
// one hidden layer, in rows by the second swept key when trial_layout makes panels of it. Nothing
// without histograms, when no panel has two hidden layers, or for more than 12 trials.
void add_depth_figures(ReportSection& section, const RunView& view);

}  // namespace nnlab
