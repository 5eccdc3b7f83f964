// The run report's adversarial-examples strip (experiment/adversarial_pictures.hpp): per trial, its
// pictured member's first test images at the largest eps in three rows — clean, the perturbation
// x' − x, adversarial — captioned with the predicted class and its confidence. Left out without the
// artefact or when it is malformed. Internal to the run report.
#pragma once

#include "report/report.hpp"
#include "report/trial_groups.hpp"

namespace nnlab {

void add_adversarial_strip(ReportSection& section, const RunView& view);

}  // namespace nnlab
