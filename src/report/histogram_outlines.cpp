#include "report/histogram_outlines.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace nnlab {
namespace {

double total_of(const BinnedCounts& bins) {
  double total = 0;
  for (const double count : bins.counts) {
    if (!(std::isfinite(count) && count >= 0)) throw std::invalid_argument("histogram_outlines: counts must be finite and >= 0");
    total += count;
  }
  return total;
}

void validate(const HistogramOutline& outline) {
  const BinnedCounts& bins = outline.bins;
  if (!std::isfinite(bins.low) || !std::isfinite(bins.high) || bins.low > bins.high)
    throw std::invalid_argument("histogram_outlines: '" + outline.name + "' needs finite low <= high");
}

// The widest bin of the panel's outlines that have a spread; 1/bins when none has.
double widest_bin(const OutlinePanel& panel, std::size_t bins) {
  double widest = 0;
  for (const HistogramOutline& outline : panel.outlines)
    if (!outline.bins.counts.empty() && outline.bins.high > outline.bins.low)
      widest = std::max(widest, (outline.bins.high - outline.bins.low) / static_cast<double>(outline.bins.counts.size()));
  return widest > 0 ? widest : 1.0 / static_cast<double>(bins);
}

// The step line of one outline's shares: up at low, across each bin, down at high; a range
// narrower than `widest` is one bar that wide holding every value.
LineMark step_line(const BinnedCounts& bins, double total, double widest, const Color& color, bool dashed) {
  LineMark line{.x = {}, .y = {}, .color = color, .dashed = dashed};
  if (bins.high - bins.low < widest) {
    const double middle = bins.low + (bins.high - bins.low) / 2, left = middle - widest / 2, right = middle + widest / 2;
    line.x = {left, left, right, right};
    line.y = {0, 1, 1, 0};
    return line;
  }
  const auto count = static_cast<double>(bins.counts.size());
  const double width = (bins.high - bins.low) / count;
  line.x.push_back(bins.low);
  line.y.push_back(0);
  for (std::size_t b = 0; b < bins.counts.size(); ++b) {
    const double share = bins.counts[b] / total;
    const double left = bins.low + width * static_cast<double>(b);
    const double right = b + 1 == bins.counts.size() ? bins.high : left + width;
    line.x.insert(line.x.end(), {left, right});
    line.y.insert(line.y.end(), {share, share});
  }
  line.x.push_back(bins.high);
  line.y.push_back(0);
  return line;
}

}  // namespace

Figure histogram_outlines(std::span<const OutlinePanel> panels, const HistogramOutlinesOptions& options) {
  const int count = static_cast<int>(panels.size());
  Figure figure{.width = options.width, .height = options.height, .title = options.title};
  figure.columns = options.columns > 0 ? options.columns : std::clamp(count, 1, 3);
  const int rows = std::max(1, (count + figure.columns - 1) / figure.columns);
  if (figure.height == 0) figure.height = rows == 1 ? 500 : 320 * rows;
  for (const OutlinePanel& source : panels) {
    Panel panel;
    panel.title = source.title;
    panel.x = Axis{.label = options.x_label};
    panel.y = Axis{.label = options.y_label, .min = 0.0};
    panel.legend_placement = LegendPlacement::inside;
    for (std::size_t i = 0; i < source.outlines.size(); ++i) {
      const HistogramOutline& outline = source.outlines[i];
      validate(outline);
      const double total = total_of(outline.bins);
      if (total <= 0) continue;
      const int index = outline.color >= 0 ? outline.color : static_cast<int>(i);
      const Color color = palette_color(index);
      const bool dashed = (index / palette_size) % 2 == 1;
      panel.marks.push_back(step_line(outline.bins, total, widest_bin(source, outline.bins.counts.size()), color, dashed));
      if (figure.panels.empty() && !outline.name.empty())
        panel.legend.push_back({.label = outline.name, .color = color, .symbol = dashed ? LegendSymbol::dashed_line : LegendSymbol::line});
    }
    figure.panels.push_back(std::move(panel));
  }
  return figure;
}

}  // namespace nnlab
