// The run report's histograms of each layer's weights and probe activations at the recorded epochs
// (the recorder's "histograms" artefacts, one outline per epoch); a layer with too few weights for
// a histogram (< 50) shows its values as points instead, read from the snapshot of the same epoch.
// Internal to the run report; damaged artefacts are left out.
#pragma once

#include <map>
#include <vector>

#include "report/report.hpp"
#include "report/stored_documents.hpp"
#include "report/trial_groups.hpp"

namespace nnlab {

// The run's "histograms" artefacts that decode, by member, each member's in epoch order.
std::map<Index, std::vector<StoredHistograms>> stored_histograms(const RunView& view);

void add_histograms(ReportSection& section, const RunView& view);

}  // namespace nnlab
