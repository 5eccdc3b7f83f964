// Violins from binned counts: a distribution drawn at a position on x as its histogram mirrored
// about that position (values up the y axis), with its quartiles as a box and its median as a dot —
// seaborn's violinplot with inner="box", drawn from the stored bins instead of a density estimate.
#pragma once

#include <optional>
#include <vector>

#include "report/figure.hpp"
#include "report/histogram_outlines.hpp"

namespace nnlab {

// The q-quantile (0 <= q <= 1) of binned values, each bin's values spread evenly over the bin: the
// inverse of the histogram's piecewise-linear CDF. Every value equal (low == high): low. No count
// (or invalid bins, as histogram_outlines defines them): nullopt.
std::optional<double> binned_quantile(const BinnedCounts& bins, double q);

struct ViolinStyle {
  Color color = palette_color(0);
  double half_width = 0.4;  // x units each side at the fullest bin
  double box_half_width = 0.06;
  // Width by √count (Tukey's rootogram) instead of count: a thin tail stays visible beside a spike,
  // e.g. the ReLU outputs at 0.
  bool root_counts = false;
};

// One violin at x: the filled mirrored histogram and its step outline (every violin equally wide at
// its fullest bin, seaborn's scale="width"; all values equal: a flat line that wide), the box from
// the first to the third quartile and the median as a white dot. No count: no marks.
std::vector<Mark> violin_marks(const BinnedCounts& bins, double x, const ViolinStyle& style = {});

}  // namespace nnlab
