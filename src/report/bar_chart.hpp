// Bar charts of counts or values per category (outcome histograms: converged / stuck / diverged),
// grouped bars, and histograms of a sample of values (final losses of 1000 replicates).
#pragma once

#include <span>
#include <string>
#include <vector>

#include "report/chart_data.hpp"
#include "report/figure.hpp"

namespace nnlab {

struct BarChartOptions {
  std::string title;
  std::string x_label;
  std::string y_label = "count";
  bool value_labels = true;  // each bar's value printed above it
  int width = 800;
  int height = 500;
};

// One bar per labelled value, in the order given, all in the first palette colour.
Figure bar_chart(std::span<const LabelledValue> bars, const BarChartOptions& options = {});

// Side-by-side bars: for each category one bar per group, groups coloured and named in the legend.
Figure grouped_bar_chart(std::span<const std::string> categories, std::span<const BarGroup> groups,
                         const BarChartOptions& options = {});

// Counts of a sample's values in equal-width bins, for histogram_chart (core/histogram.hpp's Histogram
// is the fixed-bin one the recorder stores). `edges` has one more entry than `counts`; bins are [edge,
// next edge) except the last, which includes its right edge. NaN and Inf are counted in `non_finite`.
struct SampleHistogram {
  std::vector<double> edges;
  std::vector<double> counts;
  std::size_t non_finite = 0;
};

// `bins` = 0 chooses the count by the Freedman–Diaconis rule (Sturges' when the quartiles coincide), 1..200.
// All values equal -> one bin of width 1 centred on them; no finite values -> no bins.
SampleHistogram make_sample_histogram(std::span<const double> values, int bins = 0);

struct HistogramOptions {
  std::string title;
  std::string x_label;
  std::string y_label = "count";
  int bins = 0;  // 0 = automatic (make_sample_histogram)
  int width = 800;
  int height = 500;
};

// Bars over the value axis; non-finite values are mentioned under the x axis, not dropped silently.
Figure histogram_chart(std::span<const double> values, const HistogramOptions& options = {});

}  // namespace nnlab
