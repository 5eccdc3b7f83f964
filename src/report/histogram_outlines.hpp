// Small multiples of binned histograms drawn as step outlines, several to a panel: how the
// weights or activations of each layer spread as training goes on (one outline per epoch).
#pragma once

#include <span>
#include <string>
#include <vector>

#include "report/figure.hpp"

namespace nnlab {

// Counts in equal-width bins over [low, high] (core/histogram.hpp's layout, as the store keeps it).
// low == high: every value was the same (core puts them all in one bin).
struct BinnedCounts {
  double low = 0.0;
  double high = 0.0;
  std::vector<double> counts;
};

struct HistogramOutline {
  std::string name;  // legend text, e.g. "epoch 10"
  BinnedCounts bins;
  int color = -1;    // palette index; -1 = position in its panel. Past the palette's 8 colours, dashed
};

struct OutlinePanel {
  std::string title;  // e.g. "layer 0"
  std::vector<HistogramOutline> outlines;
};

struct HistogramOutlinesOptions {
  std::string title;
  std::string x_label;
  std::string y_label = "share of values";
  int columns = 0;  // panels per row; 0 = up to 3
  int width = 800;
  int height = 0;   // 0 = 500 for one row, 320 a row for more
};

// Each outline as its bins' shares of the values (count / total) in a step line from (low, 0) to
// (high, 0). The panel's widest bin sets what can be seen: an outline whose whole range is narrower
// (every value equal, or nearly) is one bar of that width and height 1 centred on its range (1/bins
// wide when no outline has a spread). Outlines with no count are left out. The legend (the outline
// names) sits inside the first panel only.
// Counts that are negative or non-finite, low > high, or non-finite edges -> std::invalid_argument.
Figure histogram_outlines(std::span<const OutlinePanel> panels, const HistogramOutlinesOptions& options = {});

}  // namespace nnlab
