// The run report's adversarial-examples figure (adversarial.eval_eps): test accuracy against eps,
// one line per trial (the median over its replicates, their range as a band, each replicate's own
// line), and a table of the medians of accuracy and confidence per eps. Read from the summary;
// left out when no member carries an adversarial outcome. Internal to the run report.
#pragma once

#include "report/report.hpp"
#include "report/trial_groups.hpp"

namespace nnlab {

void add_adversarial_figures(ReportSection& section, const RunView& view);

}  // namespace nnlab
