// Metric series of a group of members summarised by epoch (median, quartiles, the members' own
// curves), and the small-multiple layout the report's per-trial figures share. Internal to the
// run report.
#pragma once

#include <map>
#include <span>
#include <string>
#include <vector>

#include "report/chart_data.hpp"
#include "report/figure.hpp"
#include "store/store.hpp"

namespace nnlab {

// The q-quantile of the finite values (NaN when there are none).
double finite_quantile(std::vector<double> values, double q);

// One metric of `members` by epoch: x = every epoch any of them recorded, mid = the median, low /
// high = the quartiles and runs = each member's values (NaN where it has none). With fewer than two
// members, or `keep_runs` false, no band / no runs. Empty x when no member has the metric.
Band band_of(const RunStore& store, RunId run, std::span<const Index> members, const std::string& metric, bool keep_runs = true);

// The median of the values gathered at each epoch, in epoch order, and with `spread` their
// quartiles as the band (no runs): a summary of per-member values computed by the caller.
Band band_by_epoch(const std::map<Epoch, std::vector<double>>& values, bool spread);

// True when the middle lines' positive values span at least two decades (a loss to show on a log axis).
bool spans_decades(std::span<const Band> bands);

struct GridOptions {
  std::string title;
  int columns = 3;          // panels per row (fewer when there are fewer panels)
  int width = 1000;         // px
  int panel_height = 320;   // px per row of panels
  bool share_y = true;      // one y range (the union of the panels' data) so that panels compare
  bool share_x = true;      // and one x range
};

// The panels in a grid. Several panels: the first one's legend (and title) becomes the figure's,
// drawn once beside the grid; the others' are dropped.
Figure panel_grid(std::vector<Panel> panels, const GridOptions& options);

}  // namespace nnlab
