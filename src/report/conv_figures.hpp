// The run report's pictures of a convolutional model, per trial, for the trial's median member by
// final train loss (the member the runner stores the test pictures of): the first conv2d layer's
// filters as small images at initialisation and at the end of training, and the feature maps of the
// first test image (experiment/feature_maps.hpp), the image first, then a grid of channels per
// conv2d and pooling layer. A run without a conv2d layer (or without these artefacts) gets neither.
// Internal to the run report.
#pragma once

#include "report/report.hpp"
#include "report/trial_groups.hpp"

namespace nnlab {

void add_conv_figures(ReportSection& section, const RunView& view);

}  // namespace nnlab
