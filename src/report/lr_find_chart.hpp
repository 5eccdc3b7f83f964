// The LR range test's figure (`nnlab lr-find`): smoothed loss against the learning rate on a log
// axis, one curve per trial (the median over its members with their min–max band and each
// member's own curve when it has several), and each trial's two suggested rates marked on it.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "report/figure.hpp"

namespace nnlab {

struct LrFindTrialCurve {
  std::string name;                         // legend text, e.g. "trial 0: optimizer.type=sgd"
  std::vector<double> rates;                // the rate of each step (shared by the trial's members)
  std::vector<std::vector<double>> members;  // each member's smoothed loss per step; shorter once it stopped
  double steepest = 0.0;                    // suggested rates (NaN: none)
  double minimum_over_10 = 0.0;
};

// One panel; the y axis ends a little above the highest starting loss, so that a diverging
// tail does not flatten the rest of the curve. `legend_title` names what the trial names are
// values of (a swept key), "" for none.
Figure lr_find_chart(std::span<const LrFindTrialCurve> trials, const std::string& title, const std::string& legend_title = "");

}  // namespace nnlab
