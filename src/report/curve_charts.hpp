// Charts of curves over a shared x: training curves, replicate bands, metric versus swept value and
// curves coloured by a hyper-parameter. Each returns a Figure to save (render.hpp) or put in a report.
#pragma once

#include <optional>
#include <span>
#include <string>

#include "report/chart_data.hpp"
#include "report/figure.hpp"

namespace nnlab {

struct LineChartOptions {
  std::string title;
  std::string x_label = "epoch";
  std::string y_label;
  ScaleKind x_scale = ScaleKind::linear;
  ScaleKind y_scale = ScaleKind::linear;  // log for losses spanning decades
  int width = 800;
  int height = 500;
};

// One line per series (train vs validation vs test), coloured by palette, named in the legend.
// Past the palette's eight colours, lines with automatic colours repeat them dashed.
Figure line_chart(std::span<const Series> series, const LineChartOptions& options = {});

struct BandChartOptions {
  std::string title;
  std::string x_label = "epoch";
  std::string y_label;
  ScaleKind x_scale = ScaleKind::linear;
  ScaleKind y_scale = ScaleKind::linear;
  std::string band_label = "25\u201375 %";  // legend text for the band; say what low/high are
  std::string runs_label = "individual runs";
  int max_runs = 100;  // per band, evenly chosen: a thousand faint lines show no more, and bloat the SVG
  double band_opacity = 0.3;  // lower when many bands overlap
  int width = 800;
  int height = 500;
};

// Per band: faint individual runs (at most max_runs), the low–high band, and the middle line on top
// (dashed when the band asks, e.g. validation beside train).
Figure band_chart(std::span<const Band> bands, const BandChartOptions& options = {});

struct SweepChartOptions {
  std::string title;
  std::string x_label;               // the swept hyper-parameter
  std::string y_label;               // the final metric
  std::optional<ScaleKind> x_scale;  // unset: log when all values are > 0 and span at least two decades
  ScaleKind y_scale = ScaleKind::linear;
  std::string runs_label = "individual runs";
  int width = 800;
  int height = 500;
};

// Final metric versus swept value: each band's `mid` as points joined by a line, `low`..`high` as
// whiskers, and `runs` (one value per x per replicate) as faint dots.
Figure sweep_chart(std::span<const Band> groups, const SweepChartOptions& options = {});

// The scale sweep_chart uses when none is given: log when values are all > 0 and max / min >= 100.
ScaleKind automatic_scale(std::span<const double> values);

struct ValueCurvesOptions {
  std::string title;
  std::string x_label = "epoch";
  std::string y_label;
  std::string value_label = "learning rate";
  ScaleKind y_scale = ScaleKind::linear;
  std::optional<ScaleKind> value_scale;  // unset: automatic_scale of the values
  ColorMap map = ColorMap::viridis;
  bool legend = false;  // a legend of values instead of a colour bar (for a few curves)
  int width = 800;
  int height = 500;
};

// Curves coloured by their value (a learning-rate sweep), with a colour bar or a legend.
Figure value_curves_chart(std::span<const ValuedCurve> curves, const ValueCurvesOptions& options = {});

}  // namespace nnlab
