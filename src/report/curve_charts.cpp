#include "report/curve_charts.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace nnlab {

namespace {

Panel make_panel(std::string title, std::string x_label, std::string y_label, ScaleKind x_scale, ScaleKind y_scale) {
  Panel panel;
  panel.title = std::move(title);
  panel.x = Axis{.label = std::move(x_label), .scale = x_scale};
  panel.y = Axis{.label = std::move(y_label), .scale = y_scale};
  return panel;
}

Figure single_panel(int width, int height, Panel panel) {
  Figure figure{.width = width, .height = height};
  figure.panels.push_back(std::move(panel));
  return figure;
}

Color series_color(int requested, std::size_t position) {
  return palette_color(requested >= 0 ? requested : static_cast<int>(position));
}
Color series_color(const Series& series, std::size_t position) {
  return series.exact_color.value_or(series_color(series.color, position));
}
Color series_color(const Band& band, std::size_t position) {
  return band.exact_color.value_or(series_color(band.color, position));
}

// Faint enough that many overlapping runs still show where most of them go.
double run_alpha(std::size_t runs) { return std::clamp(1.5 / std::sqrt(static_cast<double>(runs)), 0.04, 0.35); }

void require_length(const std::string& what, std::size_t expected, std::size_t got) {
  if (expected != got) {
    throw std::invalid_argument(what + ": has " + std::to_string(got) + " values for " + std::to_string(expected) +
                                " x values");
  }
}

void validate(const Band& band) {
  require_length("band '" + band.name + "' mid", band.x.size(), band.mid.size());
  if (!band.low.empty() || !band.high.empty()) {
    require_length("band '" + band.name + "' low", band.x.size(), band.low.size());
    require_length("band '" + band.name + "' high", band.x.size(), band.high.size());
  }
  for (const auto& run : band.runs) require_length("band '" + band.name + "' run", band.x.size(), run.size());
}

}  // namespace

ScaleKind automatic_scale(std::span<const double> values) {
  double low = std::numeric_limits<double>::infinity();
  double high = 0;
  for (const double value : values) {
    if (!std::isfinite(value)) continue;
    if (value <= 0) return ScaleKind::linear;
    low = std::min(low, value);
    high = std::max(high, value);
  }
  return high >= 100 * low ? ScaleKind::log : ScaleKind::linear;
}

Figure line_chart(std::span<const Series> series, const LineChartOptions& options) {
  Panel panel = make_panel(options.title, options.x_label, options.y_label, options.x_scale, options.y_scale);
  for (std::size_t i = 0; i < series.size(); ++i) {
    const Series& line = series[i];
    require_length("series '" + line.name + "' y", line.x.size(), line.y.size());
    const Color color = series_color(line, i);
    const bool second_round = line.color < 0 && !line.exact_color && (i / palette_size) % 2 == 1;
    const bool dashed = line.dashed || second_round;
    panel.marks.push_back(LineMark{.x = line.x, .y = line.y, .color = color, .dashed = dashed});
    if (!line.name.empty()) {
      panel.legend.push_back(
          {.label = line.name, .color = color, .symbol = dashed ? LegendSymbol::dashed_line : LegendSymbol::line});
    }
  }
  return single_panel(options.width, options.height, std::move(panel));
}

Figure band_chart(std::span<const Band> bands, const BandChartOptions& options) {
  Panel panel = make_panel(options.title, options.x_label, options.y_label, options.x_scale, options.y_scale);
  if (options.max_runs < 0) throw std::invalid_argument("band_chart: max_runs must be >= 0");
  const auto max_runs = static_cast<std::size_t>(options.max_runs);
  std::size_t runs_given = 0;
  std::size_t runs_drawn = 0;
  // Runs first, then bands, then middle lines: each layer stays visible over the one below.
  for (std::size_t i = 0; i < bands.size(); ++i) {
    validate(bands[i]);
    const std::size_t count = bands[i].runs.size();
    const std::size_t drawn = std::min(count, max_runs);
    const Color color = series_color(bands[i], i).with_alpha(run_alpha(drawn));
    for (std::size_t k = 0; k < drawn; ++k) {
      const auto& run = bands[i].runs[k * count / drawn];  // evenly spread over the given runs
      panel.marks.push_back(LineMark{.x = bands[i].x, .y = run, .color = color, .width = 1.0});
    }
    runs_given += count;
    runs_drawn += drawn;
  }
  bool any_band = false;
  for (std::size_t i = 0; i < bands.size(); ++i) {
    if (bands[i].low.empty()) continue;
    panel.marks.push_back(BandMark{.x = bands[i].x,
                                   .low = bands[i].low,
                                   .high = bands[i].high,
                                   .fill = series_color(bands[i], i).with_alpha(options.band_opacity)});
    any_band = true;
  }
  for (std::size_t i = 0; i < bands.size(); ++i) {
    const Color color = series_color(bands[i], i);
    panel.marks.push_back(LineMark{.x = bands[i].x, .y = bands[i].mid, .color = color, .width = 2.5, .dashed = bands[i].dashed});
    if (!bands[i].name.empty())
      panel.legend.push_back({.label = bands[i].name, .color = color, .symbol = bands[i].dashed ? LegendSymbol::dashed_line : LegendSymbol::line});
  }
  // Neutral entries explain the band and the thin lines once for all colours.
  const Color neutral{0.45, 0.45, 0.45};
  if (any_band)
    panel.legend.push_back(
        {.label = options.band_label, .color = neutral.with_alpha(0.35), .symbol = LegendSymbol::patch});
  if (runs_drawn > 0) {
    const std::string shown =
        runs_drawn < runs_given ? " (" + std::to_string(runs_drawn) + " of " + std::to_string(runs_given) + ")" : "";
    panel.legend.push_back({.label = options.runs_label + shown, .color = neutral.with_alpha(0.5)});
  }
  return single_panel(options.width, options.height, std::move(panel));
}

Figure sweep_chart(std::span<const Band> groups, const SweepChartOptions& options) {
  std::vector<double> all_x;
  for (const Band& group : groups) all_x.insert(all_x.end(), group.x.begin(), group.x.end());
  const ScaleKind x_scale = options.x_scale.value_or(automatic_scale(all_x));
  Panel panel = make_panel(options.title, options.x_label, options.y_label, x_scale, options.y_scale);
  bool any_runs = false;
  for (std::size_t i = 0; i < groups.size(); ++i) {
    const Band& group = groups[i];
    validate(group);
    const Color color = series_color(group, i);
    for (const auto& run : group.runs) {
      panel.marks.push_back(
          PointMark{.x = group.x, .y = run, .color = color.with_alpha(run_alpha(group.runs.size())), .radius = 2.5});
    }
    any_runs = any_runs || !group.runs.empty();
    if (!group.low.empty()) {
      panel.marks.push_back(ErrorBarMark{.x = group.x, .low = group.low, .high = group.high, .color = color});
    }
    panel.marks.push_back(LineMark{.x = group.x, .y = group.mid, .color = color, .width = 1.5});
    panel.marks.push_back(
        PointMark{.x = group.x, .y = group.mid, .color = color, .shape = MarkerShape::circle, .radius = 4.5});
    if (!group.name.empty())
      panel.legend.push_back({.label = group.name, .color = color, .symbol = LegendSymbol::marker});
  }
  if (any_runs && !panel.legend.empty()) {
    panel.legend.push_back(
        {.label = options.runs_label, .color = Color{0.45, 0.45, 0.45, 0.6}, .symbol = LegendSymbol::marker});
  }
  return single_panel(options.width, options.height, std::move(panel));
}

Figure value_curves_chart(std::span<const ValuedCurve> curves, const ValueCurvesOptions& options) {
  std::vector<double> values;
  for (const ValuedCurve& curve : curves) values.push_back(curve.value);
  const ScaleKind value_scale = options.value_scale.value_or(automatic_scale(values));
  double low = std::numeric_limits<double>::infinity();
  double high = -std::numeric_limits<double>::infinity();
  for (const double value : values) {
    if (!plottable(value, value_scale)) continue;
    low = std::min(low, value);
    high = std::max(high, value);
  }
  const Range range = padded_range(low, high, 0, value_scale);
  const Scale scale(value_scale, range.low, range.high);

  Panel panel = make_panel(options.title, options.x_label, options.y_label, ScaleKind::linear, options.y_scale);
  for (const ValuedCurve& curve : curves) {
    require_length("curve for value " + format_number(curve.value) + " y", curve.x.size(), curve.y.size());
    const Color color =
        plottable(curve.value, value_scale) ? sample(options.map, scale.fraction(curve.value)) : colors::axis;
    panel.marks.push_back(LineMark{.x = curve.x, .y = curve.y, .color = color});
    if (options.legend) {
      panel.legend.push_back({.label = options.value_label + " = " + format_number(curve.value), .color = color});
    }
  }
  if (!options.legend) {
    panel.color_bar = ColorBar{
        .map = options.map, .min = range.low, .max = range.high, .scale = value_scale, .label = options.value_label};
  }
  return single_panel(options.width, options.height, std::move(panel));
}

}  // namespace nnlab
