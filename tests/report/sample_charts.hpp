// One small, realistic figure of every chart kind, from deterministic synthetic data: the render
// tests check them pixel by pixel and the report test puts them all into one sample report.
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <string>
#include <vector>

#include "core/rng.hpp"
#include "report/bar_chart.hpp"
#include "report/class_scatter.hpp"
#include "report/curve_charts.hpp"
#include "report/heatmap.hpp"
#include "report/histogram_outlines.hpp"
#include "report/hinton.hpp"
#include "report/image_grid.hpp"

namespace nnlab::testing {

inline std::vector<double> epochs(int count) {
  std::vector<double> x;
  for (int epoch = 1; epoch <= count; ++epoch) x.push_back(epoch);
  return x;
}

inline double quantile_of(std::vector<double> values, double q) {
  std::sort(values.begin(), values.end());
  const double position = q * static_cast<double>(values.size() - 1);
  const auto below = static_cast<std::size_t>(position);
  const std::size_t above = std::min(below + 1, values.size() - 1);
  return values[below] + (values[above] - values[below]) * (position - static_cast<double>(below));
}

// Loss curves falling over three decades: train, validation, and a dashed test curve.
inline Figure sample_line_chart() {
  const std::vector<double> x = epochs(120);
  Series train{.name = "train", .x = x};
  Series validation{.name = "validation", .x = x};
  Series test{.name = "test", .x = x, .dashed = true};
  for (const double epoch : x) {
    train.y.push_back(2.0 * std::exp(-epoch / 12) + 0.002 * std::exp(-epoch / 200));
    validation.y.push_back(2.0 * std::exp(-epoch / 12) + 0.03 + 0.0002 * epoch);
    test.y.push_back(2.0 * std::exp(-epoch / 12) + 0.035 + 0.0002 * epoch);
  }
  const std::vector<Series> series = {train, validation, test};
  return line_chart(series, {.title = "Loss (log scale)", .y_label = "cross-entropy loss", .y_scale = ScaleKind::log});
}

// Accuracy of 20 replicates each for two optimisers: runs, quartile band and median.
inline std::vector<Band> sample_bands() {
  std::vector<Band> bands;
  const std::vector<double> x = epochs(60);
  for (int optimiser = 0; optimiser < 2; ++optimiser) {
    Band band{.name = optimiser == 0 ? "SGD" : "Adam", .x = x};
    CounterRng rng(7 + optimiser, RngPurpose::data);
    for (int run = 0; run < 20; ++run) {
      const double rate = (optimiser == 0 ? 0.06 : 0.15) * (0.6 + 0.8 * rng.uniform());
      std::vector<double> y;
      for (const double epoch : x) y.push_back(0.5 + 0.48 * (1 - std::exp(-rate * epoch)) + 0.01 * rng.normal());
      band.runs.push_back(y);
    }
    for (std::size_t i = 0; i < x.size(); ++i) {
      std::vector<double> column;
      for (const auto& run : band.runs) column.push_back(run[i]);
      band.low.push_back(quantile_of(column, 0.25));
      band.mid.push_back(quantile_of(column, 0.5));
      band.high.push_back(quantile_of(column, 0.75));
    }
    bands.push_back(band);
  }
  return bands;
}

inline Figure sample_band_chart() {
  return band_chart(sample_bands(), {.title = "Training accuracy over 20 replicates", .y_label = "accuracy"});
}

// Final accuracy versus learning rate over four decades: log x chosen automatically.
inline Figure sample_sweep_chart() {
  std::vector<Band> groups;
  for (int optimiser = 0; optimiser < 2; ++optimiser) {
    Band group{.name = optimiser == 0 ? "SGD" : "Adam"};
    CounterRng rng(3 + optimiser, RngPurpose::sweep);
    std::vector<std::vector<double>> runs(10);
    for (int step = 0; step <= 8; ++step) {
      const double learning_rate = std::pow(10.0, -4 + step * 0.5);
      group.x.push_back(learning_rate);
      const double best = optimiser == 0 ? -1.0 : -2.5;  // log10 of the best rate
      const double centre = 0.97 - 0.1 * std::pow(std::log10(learning_rate) - best, 2);
      std::vector<double> finals;
      for (auto& run : runs) {
        run.push_back(std::clamp(centre + 0.03 * rng.normal(), 0.1, 1.0));
        finals.push_back(run.back());
      }
      group.low.push_back(quantile_of(finals, 0.25));
      group.mid.push_back(quantile_of(finals, 0.5));
      group.high.push_back(quantile_of(finals, 0.75));
    }
    group.runs = runs;
    groups.push_back(group);
  }
  return sweep_chart(
      groups,
      {.title = "Final test accuracy by learning rate", .x_label = "learning rate", .y_label = "test accuracy"});
}

// Loss curves for eight learning rates, coloured on a log scale.
inline Figure sample_value_curves() {
  std::vector<ValuedCurve> curves;
  const std::vector<double> x = epochs(50);
  for (int i = 0; i < 8; ++i) {
    ValuedCurve curve{.value = std::pow(10.0, -3.5 + i * 0.5), .x = x};
    const double speed = std::min(curve.value * 30, 2.0);
    for (const double epoch : x) {
      const double loss = 2.3 * std::exp(-speed * epoch / 10) + 0.05;
      curve.y.push_back(i == 7 && epoch > 20 ? std::nan("") : loss);  // the largest rate diverges
    }
    curves.push_back(curve);
  }
  return value_curves_chart(curves,
                            {.title = "Learning-rate sweep", .y_label = "training loss", .y_scale = ScaleKind::log});
}

inline Figure sample_bar_chart() {
  const std::vector<LabelledValue> outcomes = {
      {"reached 100 %", 873}, {"stuck in a local minimum", 92}, {"diverged", 35}};
  return bar_chart(outcomes, {.title = "Outcomes of 1000 replicates", .y_label = "replicates"});
}

inline Figure sample_grouped_bar_chart() {
  const std::vector<std::string> categories = {"reached 100 %", "stuck", "diverged"};
  const std::vector<BarGroup> groups = {{.name = "sigmoid", .values = {873, 92, 35}},
                                        {.name = "tanh", .values = {941, 51, 8}},
                                        {.name = "SiLU", .values = {902, 90, 8}}};
  return grouped_bar_chart(categories, groups, {.title = "Outcomes by activation", .y_label = "replicates"});
}

inline std::vector<double> sample_final_losses() {
  CounterRng rng(11, RngPurpose::data);
  std::vector<double> losses;
  for (int i = 0; i < 1000; ++i) losses.push_back(std::exp(-3 + 0.6 * rng.normal()));
  losses.push_back(std::nan(""));  // two diverged replicates
  losses.push_back(std::numeric_limits<double>::infinity());
  return losses;
}

inline Figure sample_histogram() {
  return histogram_chart(sample_final_losses(),
                         {.title = "Final training loss of 1002 replicates", .x_label = "final loss"});
}

// A 6-8-4-1 network's weights at epochs 0, 10 and 100: uniform at first, then spreading wider and
// heavier-tailed in every layer; three panels, three outlines each.
inline Figure sample_histogram_outlines() {
  std::vector<OutlinePanel> panels;
  for (int layer = 0; layer < 3; ++layer) {
    OutlinePanel panel{.title = "layer " + std::to_string(layer)};
    int color = 0;
    for (const int epoch : {0, 10, 100}) {
      const double spread = 0.3 * (1 + epoch / (10.0 + layer));
      BinnedCounts bins{.low = -spread, .high = spread};
      for (int b = 0; b < 40; ++b) {
        const double centre = -spread + (b + 0.5) * spread / 20;
        bins.counts.push_back(epoch == 0 ? 12 : std::round(100 * std::exp(-centre * centre / (0.2 * spread * spread))));
      }
      panel.outlines.push_back({.name = "epoch " + std::to_string(epoch), .bins = bins, .color = color++});
    }
    panels.push_back(panel);
  }
  return histogram_outlines(panels, {.title = "Weights per layer", .x_label = "weight"});
}

inline const std::vector<std::string>& fashion_classes() {
  static const std::vector<std::string> names = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                                 "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
  return names;
}

inline Matrix sample_confusion() {
  Matrix matrix{.rows = 10, .columns = 10, .values = std::vector<double>(100, 0.0)};
  CounterRng rng(5, RngPurpose::data);
  for (std::size_t truth = 0; truth < 10; ++truth) {
    double remaining = 1000;
    for (std::size_t predicted = 0; predicted < 10; ++predicted) {
      if (predicted == truth) continue;
      const double confused = std::floor(rng.uniform() * (truth == 6 || truth == 4 ? 60 : 12));
      matrix.values[truth * 10 + predicted] = confused;
      remaining -= confused;
    }
    matrix.values[truth * 10 + truth] = remaining;
  }
  return matrix;
}

inline Figure sample_heatmap() {
  return heatmap_chart(sample_confusion(), {.title = "Confusion matrix (test set)",
                                            .x_label = "predicted",
                                            .y_label = "true class",
                                            .value_label = "images",
                                            .row_labels = fashion_classes(),
                                            .column_labels = fashion_classes(),
                                            .width = 800,
                                            .height = 600});
}

// 24 first-layer weight vectors as 28 x 28 tiles: oriented stripes of both signs.
inline std::vector<Matrix> sample_weight_tiles() {
  std::vector<Matrix> tiles;
  for (int unit = 0; unit < 24; ++unit) {
    Matrix tile{.rows = 28, .columns = 28};
    const double angle = unit * std::numbers::pi / 12;
    for (int y = 0; y < 28; ++y) {
      for (int x = 0; x < 28; ++x) {
        const double u = (x - 13.5) * std::cos(angle) + (y - 13.5) * std::sin(angle);
        const double envelope = std::exp(-((x - 13.5) * (x - 13.5) + (y - 13.5) * (y - 13.5)) / 60);
        tile.values.push_back(0.3 * envelope * std::cos(u * 0.7) * (unit % 2 == 0 ? 1 : 0.5));
      }
    }
    tiles.push_back(tile);
  }
  return tiles;
}

inline Figure sample_image_grid() {
  return image_grid(sample_weight_tiles(), {.title = "First-layer weights (24 of 300 units)"});
}

// The 6-2-1 mirror-symmetry network of Rumelhart et al. (1986), with its characteristic weights.
inline std::vector<HintonLayer> sample_hinton_layers() {
  HintonLayer hidden{.name = "layer 0 (6 \u2192 2)", .bias = {-1.4, -1.4}};
  hidden.weights = Matrix{.rows = 2, .columns = 6};
  hidden.weights.values = {-14.2, 7.1, -3.6, 3.6, -7.1, 14.2, 14.3, -7.2, 3.5, -3.5, 7.2, -14.3};
  HintonLayer output{.name = "layer 1 (2 \u2192 1)", .bias = {6.1}};
  output.weights = Matrix{.rows = 1, .columns = 2};
  output.weights.values = {-9.4, -9.4};
  return {hidden, output};
}

inline Figure sample_hinton() {
  return hinton_diagram(sample_hinton_layers(), {.title = "Weights of the mirror network"});
}

// Ten classes in 2-D, as a t-SNE of test images would give (ten colours).
inline ClassPoints sample_class_points() {
  ClassPoints points;
  CounterRng rng(9, RngPurpose::data);
  for (int label = 0; label < 10; ++label) {
    const double angle = label * 2 * std::numbers::pi / 10;
    for (int i = 0; i < 40; ++i) {
      points.x.push_back(30 * std::cos(angle) + 4 * rng.normal());
      points.y.push_back(30 * std::sin(angle) + 4 * rng.normal());
      points.label.push_back(label);
    }
  }
  return points;
}

inline Figure sample_class_scatter() {
  return class_scatter(sample_class_points(), {.title = "t-SNE of the last hidden layer",
                                               .x_label = "t-SNE 1",
                                               .y_label = "t-SNE 2",
                                               .class_names = fashion_classes()});
}

}  // namespace nnlab::testing
