#include "report/member_bands.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "core/statistics.hpp"

namespace nnlab {

double finite_quantile(std::vector<double> values, double q) {
  std::erase_if(values, [](double v) { return !std::isfinite(v); });
  if (values.empty()) return std::nan("");
  std::sort(values.begin(), values.end());
  return quantile_of_sorted(values, q);
}

Band band_of(const RunStore& store, RunId run, std::span<const Index> members, const std::string& metric, bool keep_runs) {
  Band band;
  std::map<Epoch, std::size_t> column;
  std::vector<MetricSeries> all;
  all.reserve(members.size());
  for (const Index member : members) {
    all.push_back(store.read_series(run, member, metric));
    for (const Epoch e : all.back().epochs) column.emplace(e, 0);
  }
  std::size_t index = 0;
  for (auto& [epoch, position] : column) {
    position = index++;
    band.x.push_back(static_cast<double>(epoch));
  }
  std::vector<std::vector<double>> by_epoch(band.x.size());
  for (const MetricSeries& series : all) {
    std::vector<double> values(band.x.size(), std::nan(""));
    for (std::size_t i = 0; i < series.epochs.size(); ++i) {
      const std::size_t c = column[series.epochs[i]];
      values[c] = series.values[i];
      by_epoch[c].push_back(series.values[i]);
    }
    if (keep_runs && members.size() > 1) band.runs.push_back(std::move(values));
  }
  for (const auto& values : by_epoch) {
    band.mid.push_back(finite_quantile(values, 0.5));
    if (members.size() > 1) {
      band.low.push_back(finite_quantile(values, 0.25));
      band.high.push_back(finite_quantile(values, 0.75));
    }
  }
  return band;
}

Band band_by_epoch(const std::map<Epoch, std::vector<double>>& values, bool spread) {
  Band band;
  for (const auto& [epoch, at_epoch] : values) {
    band.x.push_back(static_cast<double>(epoch));
    band.mid.push_back(finite_quantile(at_epoch, 0.5));
    if (spread) {
      band.low.push_back(finite_quantile(at_epoch, 0.25));
      band.high.push_back(finite_quantile(at_epoch, 0.75));
    }
  }
  return band;
}

bool spans_decades(std::span<const Band> bands) {
  double low = INFINITY, high = 0;
  for (const Band& band : bands)
    for (const double v : band.mid)
      if (std::isfinite(v) && v > 0) low = std::min(low, v), high = std::max(high, v);
  return high > 0 && high / low >= 100;
}

namespace {

// The values a panel's marks reach along one axis (those its scale can show).
struct Extent {
  bool vertical;
  ScaleKind kind;
  double low = std::numeric_limits<double>::infinity();
  double high = -std::numeric_limits<double>::infinity();
  void add(double v) {
    if (plottable(v, kind)) low = std::min(low, v), high = std::max(high, v);
  }
  void add(const std::vector<double>& values) {
    for (const double v : values) add(v);
  }
  void operator()(const LineMark& mark) { add(vertical ? mark.y : mark.x); }
  void operator()(const BandMark& mark) { vertical ? (add(mark.low), add(mark.high)) : add(mark.x); }
  void operator()(const AreaMark& mark) { add(vertical ? mark.y : mark.x); }
  void operator()(const PointMark& mark) { add(vertical ? mark.y : mark.x); }
  void operator()(const ErrorBarMark& mark) { vertical ? (add(mark.low), add(mark.high)) : add(mark.x); }
  void operator()(const RectMark& mark) { vertical ? (add(mark.y0), add(mark.y1)) : (add(mark.x0), add(mark.x1)); }
  void operator()(const TextMark& mark) { add(vertical ? mark.y : mark.x); }
  void operator()(const ImageMark& mark) { vertical ? (add(mark.y0), add(mark.y1)) : (add(mark.x0), add(mark.x1)); }
};

// Fixes the unset limits of every panel's axis to the union of their data.
void share(std::vector<Panel>& panels, bool vertical) {
  const Axis& first = vertical ? panels.front().y : panels.front().x;
  if (!first.categories.empty()) return;
  Extent extent{.vertical = vertical, .kind = first.scale};
  for (const Panel& panel : panels)
    for (const Mark& mark : panel.marks) std::visit(extent, mark);
  if (!(extent.low <= extent.high)) return;
  const Range range = padded_range(extent.low, extent.high, first.padding, extent.kind);
  for (Panel& panel : panels) {
    Axis& axis = vertical ? panel.y : panel.x;
    if (!axis.min) axis.min = range.low;
    if (!axis.max) axis.max = range.high;
  }
}

}  // namespace

Figure panel_grid(std::vector<Panel> panels, const GridOptions& options) {
  Figure figure{.width = options.width, .title = options.title};
  const int count = std::max<int>(1, static_cast<int>(panels.size()));
  figure.columns = std::clamp(options.columns, 1, count);
  const int rows = (count + figure.columns - 1) / figure.columns;
  figure.height = rows * options.panel_height + (options.title.empty() ? 0 : 34);
  if (options.share_y && panels.size() > 1) share(panels, true);
  if (options.share_x && panels.size() > 1) share(panels, false);
  // Several panels: the first one's legend serves them all, beside the grid.
  if (panels.size() > 1) {
    figure.legend = std::move(panels.front().legend);
    figure.legend_title = std::move(panels.front().legend_title);
    for (Panel& panel : panels) {
      panel.legend.clear();
      panel.legend_title.clear();
    }
  }
  figure.panels = std::move(panels);
  return figure;
}

}  // namespace nnlab
