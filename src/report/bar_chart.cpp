#include "report/bar_chart.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace nnlab {

namespace {

constexpr double group_width = 0.8;     // of the unit slot each category gets
constexpr double label_offset = -10.0;  // px: value labels sit just above their bar
constexpr int max_bins = 200;

Panel bar_panel(const BarChartOptions& options, std::vector<std::string> categories) {
  Panel panel;
  panel.title = options.title;
  panel.x = Axis{.label = options.x_label, .categories = std::move(categories), .grid = false};
  // Bars grow from zero; the extra headroom keeps value labels inside the plot.
  panel.y = Axis{.label = options.y_label, .min = 0.0, .padding = options.value_labels ? 0.1 : 0.04};
  return panel;
}

void add_bar(Panel& panel, double left, double right, double value, Color color, bool value_label) {
  if (!std::isfinite(value)) return;
  panel.marks.push_back(RectMark{.x0 = left, .y0 = 0, .x1 = right, .y1 = value, .fill = color});
  if (value_label) {
    panel.marks.push_back(TextMark{.x = (left + right) / 2,
                                   .y = value,
                                   .text = format_number(value, 6),
                                   .dy = value >= 0 ? label_offset : -label_offset});
  }
}

// Freedman–Diaconis bin width 2 IQR n^(-1/3); quartiles by linear interpolation between order statistics.
int automatic_bin_count(std::vector<double> sorted) {
  const auto quantile = [&](double q) {
    const double position = q * static_cast<double>(sorted.size() - 1);
    const auto below = static_cast<std::size_t>(position);
    const std::size_t above = std::min(below + 1, sorted.size() - 1);
    return sorted[below] + (sorted[above] - sorted[below]) * (position - static_cast<double>(below));
  };
  const auto count = static_cast<double>(sorted.size());
  const double iqr = quantile(0.75) - quantile(0.25);
  const double span = sorted.back() - sorted.front();
  if (iqr > 0) return std::clamp(static_cast<int>(std::ceil(span / (2 * iqr * std::cbrt(1 / count)))), 1, max_bins);
  return std::clamp(static_cast<int>(std::ceil(std::log2(count))) + 1, 1, max_bins);  // Sturges
}

}  // namespace

Figure bar_chart(std::span<const LabelledValue> bars, const BarChartOptions& options) {
  std::vector<std::string> categories;
  for (const LabelledValue& bar : bars) categories.push_back(bar.label);
  Panel panel = bar_panel(options, categories);
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const auto center = static_cast<double>(i);
    add_bar(panel, center - group_width / 2, center + group_width / 2, bars[i].value, palette_color(0),
            options.value_labels);
  }
  Figure figure{.width = options.width, .height = options.height};
  figure.panels.push_back(std::move(panel));
  return figure;
}

Figure grouped_bar_chart(std::span<const std::string> categories, std::span<const BarGroup> groups,
                         const BarChartOptions& options) {
  Panel panel = bar_panel(options, {categories.begin(), categories.end()});
  const double bar_width = group_width / static_cast<double>(std::max<std::size_t>(groups.size(), 1));
  for (std::size_t g = 0; g < groups.size(); ++g) {
    const BarGroup& group = groups[g];
    if (group.values.size() != categories.size()) {
      throw std::invalid_argument("bar group '" + group.name + "': " + std::to_string(group.values.size()) +
                                  " values for " + std::to_string(categories.size()) + " categories");
    }
    const Color color = palette_color(group.color >= 0 ? group.color : static_cast<int>(g));
    for (std::size_t i = 0; i < categories.size(); ++i) {
      const double left = static_cast<double>(i) - group_width / 2 + static_cast<double>(g) * bar_width;
      add_bar(panel, left, left + bar_width, group.values[i], color, options.value_labels);
    }
    if (!group.name.empty())
      panel.legend.push_back({.label = group.name, .color = color, .symbol = LegendSymbol::patch});
  }
  Figure figure{.width = options.width, .height = options.height};
  figure.panels.push_back(std::move(panel));
  return figure;
}

SampleHistogram make_sample_histogram(std::span<const double> values, int bins) {
  if (bins < 0 || bins > max_bins)
    throw std::invalid_argument("make_sample_histogram: bins must be 0..200, got " + std::to_string(bins));
  SampleHistogram histogram;
  std::vector<double> finite;
  for (const double value : values) {
    if (std::isfinite(value)) {
      finite.push_back(value);
    } else {
      ++histogram.non_finite;
    }
  }
  if (finite.empty()) return histogram;
  std::sort(finite.begin(), finite.end());
  const double low = finite.front();
  const double high = finite.back();
  if (low == high) {
    histogram.edges = {low - 0.5, low + 0.5};
    histogram.counts = {static_cast<double>(finite.size())};
    return histogram;
  }
  const int count = bins > 0 ? bins : automatic_bin_count(finite);
  const double width = (high - low) / count;
  for (int edge = 0; edge <= count; ++edge) histogram.edges.push_back(edge == count ? high : low + width * edge);
  histogram.counts.assign(static_cast<std::size_t>(count), 0.0);
  for (const double value : finite) {
    const auto bin = std::min(static_cast<std::size_t>((value - low) / width), static_cast<std::size_t>(count - 1));
    histogram.counts[bin] += 1;
  }
  return histogram;
}

Figure histogram_chart(std::span<const double> values, const HistogramOptions& options) {
  const SampleHistogram histogram = make_sample_histogram(values, options.bins);
  Panel panel;
  panel.title = options.title;
  panel.x = Axis{.label = options.x_label};
  if (histogram.non_finite > 0) {
    panel.x.label += (panel.x.label.empty() ? "" : "  ") + std::string("(") + std::to_string(histogram.non_finite) +
                     " NaN/Inf not shown)";
  }
  panel.y = Axis{.label = options.y_label, .min = 0.0};
  for (std::size_t bin = 0; bin < histogram.counts.size(); ++bin) {
    panel.marks.push_back(RectMark{.x0 = histogram.edges[bin],
                                   .y0 = 0,
                                   .x1 = histogram.edges[bin + 1],
                                   .y1 = histogram.counts[bin],
                                   .fill = palette_color(0).with_alpha(0.85),
                                   .stroke = colors::white});
  }
  Figure figure{.width = options.width, .height = options.height};
  figure.panels.push_back(std::move(panel));
  return figure;
}

}  // namespace nnlab
