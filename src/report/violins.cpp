#include "report/violins.hpp"

#include <algorithm>
#include <cmath>

namespace nnlab {
namespace {

bool valid(const BinnedCounts& bins) {
  if (!std::isfinite(bins.low) || !std::isfinite(bins.high) || bins.low > bins.high) return false;
  return std::all_of(bins.counts.begin(), bins.counts.end(), [](double c) { return std::isfinite(c) && c >= 0; });
}

double total_of(const BinnedCounts& bins) {
  double total = 0;
  for (const double count : bins.counts) total += count;
  return total;
}

}  // namespace

std::optional<double> binned_quantile(const BinnedCounts& bins, double q) {
  if (!valid(bins) || !(q >= 0 && q <= 1)) return std::nullopt;
  const double total = total_of(bins);
  if (total <= 0) return std::nullopt;
  if (bins.low == bins.high) return bins.low;
  const double width = (bins.high - bins.low) / static_cast<double>(bins.counts.size());
  const double target = q * total;
  double below = 0;  // values in the bins before b
  for (std::size_t b = 0; b < bins.counts.size(); ++b) {
    const double count = bins.counts[b];
    if (count > 0 && below + count >= target) return bins.low + width * (static_cast<double>(b) + (target - below) / count);
    below += count;
  }
  return bins.high;  // rounding: q = 1 past the last count
}

std::vector<Mark> violin_marks(const BinnedCounts& bins, double x, const ViolinStyle& style) {
  std::vector<Mark> marks;
  if (!valid(bins) || bins.counts.empty() || total_of(bins) <= 0) return marks;
  const auto size = [&](double count) { return style.root_counts ? std::sqrt(count) : count; };
  const double fullest = size(*std::max_element(bins.counts.begin(), bins.counts.end()));
  // The right edge upwards, bin by bin, then the left edge mirrored downwards.
  std::vector<double> right_x, edge_y;
  if (bins.low == bins.high) {
    right_x = {x + style.half_width, x + style.half_width};
    edge_y = {bins.low, bins.low};
  } else {
    const double width = (bins.high - bins.low) / static_cast<double>(bins.counts.size());
    for (std::size_t b = 0; b < bins.counts.size(); ++b) {
      const double half = style.half_width * size(bins.counts[b]) / fullest;
      const double bottom = bins.low + width * static_cast<double>(b);
      const double top = b + 1 == bins.counts.size() ? bins.high : bottom + width;
      right_x.insert(right_x.end(), {x + half, x + half});
      edge_y.insert(edge_y.end(), {bottom, top});
    }
  }
  AreaMark area{.x = right_x, .y = edge_y, .fill = style.color.with_alpha(0.35)};
  for (std::size_t i = right_x.size(); i-- > 0;) {
    area.x.push_back(2 * x - right_x[i]);
    area.y.push_back(edge_y[i]);
  }
  LineMark outline{.x = area.x, .y = area.y, .color = style.color, .width = 1.2};
  outline.x.push_back(area.x.front());  // closed
  outline.y.push_back(area.y.front());
  marks.emplace_back(std::move(area));
  marks.emplace_back(std::move(outline));
  const double q1 = *binned_quantile(bins, 0.25), median = *binned_quantile(bins, 0.5), q3 = *binned_quantile(bins, 0.75);
  marks.emplace_back(RectMark{.x0 = x - style.box_half_width, .y0 = q1, .x1 = x + style.box_half_width, .y1 = q3, .fill = colors::text});
  marks.emplace_back(PointMark{.x = {x}, .y = {median}, .color = colors::white, .radius = 2.5});
  return marks;
}

}  // namespace nnlab
