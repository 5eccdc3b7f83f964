// The run report's picture of data.augment and train.mixup, per trial, for the member the runner
// stored it for (experiment/augment_samples.hpp): the first training images clean, as that
// member's augmentation drew them in epoch 1, and mixed as a batch of them is mixed. Internal to
// the run report.
#pragma once

#include "report/report.hpp"
#include "report/trial_groups.hpp"

namespace nnlab {

void add_augment_figures(ReportSection& section, const RunView& view);

}  // namespace nnlab
