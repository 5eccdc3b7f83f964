// What the chart functions put into a Figure: scales chosen, marks and legend entries, colours,
// Hinton square areas and annotation text, checked against values worked out by hand.
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "report/bar_chart.hpp"
#include "report/class_scatter.hpp"
#include "report/curve_charts.hpp"
#include "report/heatmap.hpp"
#include "report/histogram_outlines.hpp"
#include "report/hinton.hpp"
#include "report/image_grid.hpp"

namespace nnlab {
namespace {

template <typename MarkType>
std::vector<MarkType> marks_of(const Panel& panel) {
  std::vector<MarkType> found;
  for (const Mark& mark : panel.marks) {
    if (const auto* typed = std::get_if<MarkType>(&mark)) found.push_back(*typed);
  }
  return found;
}

TEST(ChartStructure, LineChartLegendAndDashesPastEightSeries) {
  std::vector<Series> series;
  for (int i = 0; i < 10; ++i) series.push_back({.name = std::to_string(i), .x = {0, 1}, .y = {0, 1}});
  const Figure figure = line_chart(series, {.y_scale = ScaleKind::log});
  ASSERT_EQ(figure.panels.size(), 1u);
  const Panel& panel = figure.panels.front();
  EXPECT_EQ(panel.y.scale, ScaleKind::log);
  EXPECT_EQ(panel.x.label, "epoch");
  const auto lines = marks_of<LineMark>(panel);
  ASSERT_EQ(lines.size(), 10u);
  EXPECT_EQ(lines[0].color, palette_color(0));
  EXPECT_FALSE(lines[7].dashed);
  EXPECT_EQ(lines[8].color, palette_color(0));
  EXPECT_TRUE(lines[8].dashed);  // same colour as the first, told apart by dashes
  ASSERT_EQ(panel.legend.size(), 10u);
  EXPECT_EQ(panel.legend[8].symbol, LegendSymbol::dashed_line);
}

TEST(ChartStructure, BandChartCapsTheRunsAndSaysSo) {
  Band band{.name = "replicates", .x = {1, 2}, .low = {0, 0}, .mid = {1, 1}, .high = {2, 2}};
  for (int run = 0; run < 250; ++run) band.runs.push_back({static_cast<double>(run), 0});
  const std::vector<Band> bands = {band};
  const Figure figure = band_chart(bands, {.max_runs = 50});
  const Panel& panel = figure.panels.front();
  const auto lines = marks_of<LineMark>(panel);
  ASSERT_EQ(lines.size(), 51u);      // 50 runs and the median
  EXPECT_EQ(lines[1].y.front(), 5);  // every fifth run: 0, 5, 10, ...
  EXPECT_EQ(lines.back().width, 2.5);
  EXPECT_EQ(marks_of<BandMark>(panel).size(), 1u);
  ASSERT_EQ(panel.legend.size(), 3u);
  EXPECT_EQ(panel.legend[2].label, "individual runs (50 of 250)");
  Band ragged = band;
  ragged.runs.push_back({1});
  const std::vector<Band> bad = {ragged};
  EXPECT_THROW(band_chart(bad), std::invalid_argument);
}

TEST(ChartStructure, SweepChartPicksLogXFromTwoDecades) {
  const std::vector<Band> wide = {
      {.name = "sgd", .x = {1e-3, 1e-2, 1e-1}, .low = {0, 0, 0}, .mid = {1, 2, 3}, .high = {2, 3, 4}}};
  const Figure log_figure = sweep_chart(wide, {.x_label = "lr"});
  EXPECT_EQ(log_figure.panels.front().x.scale, ScaleKind::log);
  EXPECT_EQ(marks_of<ErrorBarMark>(log_figure.panels.front()).size(), 1u);
  const std::vector<Band> narrow = {{.x = {0.1, 0.2, 0.5}, .mid = {1, 2, 3}}};
  const Figure linear_figure = sweep_chart(narrow);
  EXPECT_EQ(linear_figure.panels.front().x.scale, ScaleKind::linear);
  EXPECT_TRUE(linear_figure.panels.front().legend.empty());  // one unnamed group needs no legend
  EXPECT_EQ(sweep_chart(narrow, {.x_scale = ScaleKind::log}).panels.front().x.scale, ScaleKind::log);
}

TEST(ChartStructure, ValueCurvesColourByLogValue) {
  const std::vector<ValuedCurve> curves = {{.value = 1e-3, .x = {0, 1}, .y = {1, 1}},
                                           {.value = 1e-2, .x = {0, 1}, .y = {1, 1}},
                                           {.value = 1e-1, .x = {0, 1}, .y = {1, 1}}};
  const Figure figure = value_curves_chart(curves);
  const Panel& panel = figure.panels.front();
  ASSERT_TRUE(panel.color_bar.has_value());
  EXPECT_EQ(panel.color_bar->scale, ScaleKind::log);
  EXPECT_EQ(panel.color_bar->label, "learning rate");
  const auto lines = marks_of<LineMark>(panel);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0].color, sample(ColorMap::viridis, 0));
  EXPECT_EQ(to_hex(lines[1].color), to_hex(sample(ColorMap::viridis, 0.5)));  // 1e-2 is half-way in log10
  EXPECT_EQ(lines[2].color, sample(ColorMap::viridis, 1));
  const Figure with_legend = value_curves_chart(curves, {.legend = true});
  EXPECT_FALSE(with_legend.panels.front().color_bar.has_value());
  ASSERT_EQ(with_legend.panels.front().legend.size(), 3u);
  EXPECT_EQ(with_legend.panels.front().legend[1].label, "learning rate = 0.01");
}

TEST(ChartStructure, BarChartStartsAtZeroWithValueLabels) {
  const std::vector<LabelledValue> bars = {{"a", 3}, {"b", 7}};
  const Panel panel = bar_chart(bars).panels.front();
  EXPECT_EQ(panel.x.categories, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(panel.y.min, 0.0);
  const auto rects = marks_of<RectMark>(panel);
  ASSERT_EQ(rects.size(), 2u);
  EXPECT_DOUBLE_EQ(rects[1].x0, 0.6);
  EXPECT_DOUBLE_EQ(rects[1].x1, 1.4);
  EXPECT_EQ(rects[1].y1, 7);
  const auto labels = marks_of<TextMark>(panel);
  ASSERT_EQ(labels.size(), 2u);
  EXPECT_EQ(labels[1].text, "7");
  const std::vector<std::string> categories = {"x", "y"};
  const std::vector<BarGroup> groups = {{.name = "one", .values = {1, 2}}, {.name = "two", .values = {3}}};
  EXPECT_THROW(grouped_bar_chart(categories, groups), std::invalid_argument);
}

TEST(ChartStructure, HeatmapAnnotatesWithReadableInk) {
  const Matrix matrix{.rows = 2, .columns = 2, .values = {0, 10, 5, std::nan("")}};
  const Panel panel = heatmap_chart(matrix, {.row_labels = {"r0", "r1"}}).panels.front();
  EXPECT_TRUE(panel.y.reversed);  // row 0 at the top
  EXPECT_EQ(panel.x.categories, (std::vector<std::string>{"0", "1"}));
  const auto cells = marks_of<ImageMark>(panel);
  ASSERT_EQ(cells.size(), 1u);
  ASSERT_EQ(cells[0].pixels.size(), 4u);
  EXPECT_EQ(cells[0].pixels[0], sample(ColorMap::viridis, 0));
  EXPECT_EQ(cells[0].pixels[1], sample(ColorMap::viridis, 1));
  const auto texts = marks_of<TextMark>(panel);
  ASSERT_EQ(texts.size(), 3u);  // no number on the NaN cell
  EXPECT_EQ(texts[0].text, "0");
  EXPECT_EQ(texts[0].color, colors::white);  // on dark purple
  EXPECT_EQ(texts[1].text, "10");
  EXPECT_EQ(texts[1].color, colors::text);  // on yellow
  EXPECT_THROW(heatmap_chart(matrix, {.row_labels = {"only one"}}), std::invalid_argument);
  // Diverging: symmetric about zero.
  const Panel diverging =
      heatmap_chart(Matrix{.rows = 1, .columns = 2, .values = {-1, 3}}, {.map = ColorMap::diverging}).panels.front();
  EXPECT_EQ(diverging.color_bar->min, -3);
  EXPECT_EQ(diverging.color_bar->max, 3);
}

TEST(ChartStructure, HintonSquareAreaIsProportionalToMagnitude) {
  HintonLayer layer{.name = "l", .bias = {-1}};
  layer.weights = Matrix{.rows = 1, .columns = 2, .values = {4, -1}};
  const std::vector<HintonLayer> layers = {layer};
  const Figure figure = hinton_diagram(layers);
  const Panel& panel = figure.panels.front();
  const auto squares = marks_of<RectMark>(panel);
  ASSERT_EQ(squares.size(), 3u);
  const auto area = [](const RectMark& square) { return (square.x1 - square.x0) * (square.y1 - square.y0); };
  EXPECT_NEAR(area(squares[0]) / area(squares[1]), 4.0, 1e-12);  // |4| / |-1|
  EXPECT_NEAR(squares[0].x1 - squares[0].x0, 0.9, 1e-12);        // the largest fills 90 % of its cell
  EXPECT_EQ(squares[0].fill, colors::white);
  EXPECT_EQ(squares[1].fill, colors::black);
  EXPECT_DOUBLE_EQ((squares[2].x0 + squares[2].x1) / 2, 2.0);  // the bias, one column after the inputs
  EXPECT_EQ(panel.x.categories, (std::vector<std::string>{"0", "1", "bias"}));
  EXPECT_EQ(panel.background, colors::hinton_background);
}

TEST(ChartStructure, HintonPrintsTheValuesOfSmallLayers) {
  HintonLayer small{.name = "hidden", .bias = {-0.25, 0.5}};
  small.weights = Matrix{.rows = 2, .columns = 2, .values = {3.14159, -2, 0, 7.25}};
  const std::vector<HintonLayer> layers = {small};
  const auto texts = marks_of<TextMark>(hinton_diagram(layers).panels.front());
  ASSERT_EQ(texts.size(), 6u);  // four weights (0 included) and two biases
  EXPECT_EQ(texts[0].text, "3.1");
  EXPECT_EQ(texts[0].color, colors::black);  // on its white square
  EXPECT_EQ(texts[1].text, "\u22122");
  EXPECT_EQ(texts[1].color, colors::white);  // on its black square
  EXPECT_EQ(texts[2].text, "\u22120.25");     // row 0's bias, after the inputs
  EXPECT_DOUBLE_EQ(texts[2].x, 2.0);
  EXPECT_EQ(texts[5].text, "0.5");
  EXPECT_TRUE(marks_of<TextMark>(hinton_diagram(layers, {.values = false}).panels.front()).empty());
  // 13 inputs: too many cells to print into.
  HintonLayer wide{.name = "wide"};
  wide.weights = Matrix{.rows = 1, .columns = 13, .values = std::vector<double>(13, 1.0)};
  const std::vector<HintonLayer> wide_layers = {wide};
  EXPECT_TRUE(marks_of<TextMark>(hinton_diagram(wide_layers).panels.front()).empty());
}

TEST(ChartStructure, ImageGridMapsZeroToWhiteAndTheExtremesToTheEnds) {
  const std::vector<Matrix> tiles = {{.rows = 1, .columns = 3, .values = {-2, 0, 1}},
                                     {.rows = 1, .columns = 1, .values = {0.5}}};
  const Panel panel = image_grid(tiles, {.columns = 2}).panels.front();
  const auto images = marks_of<ImageMark>(panel);
  ASSERT_EQ(images.size(), 2u);
  EXPECT_EQ(images[0].pixels[0], sample(ColorMap::diverging, 0));     // -2 = -max|w|
  EXPECT_EQ(images[0].pixels[1], sample(ColorMap::diverging, 0.5));   // 0
  EXPECT_EQ(images[0].pixels[2], sample(ColorMap::diverging, 0.75));  // 1 = max/2
  EXPECT_EQ(panel.color_bar->min, -2);
  EXPECT_EQ(panel.color_bar->max, 2);
  // Each tile its own scale: the 0.5 of the second tile is its maximum.
  const auto own = marks_of<ImageMark>(image_grid(tiles, {.shared_scale = false}).panels.front());
  EXPECT_EQ(own[1].pixels[0], sample(ColorMap::diverging, 1));
  EXPECT_THROW(image_grid(tiles, {.captions = {"one"}}), std::invalid_argument);
}

TEST(ChartStructure, ClassScatterOneMarkAndEntryPerPresentClass) {
  const ClassPoints points{.x = {0, 1, 2, 3}, .y = {0, 1, 2, 3}, .label = {0, 2, 2, 9}};
  const Panel panel = class_scatter(points, {.class_names = {"zero", "one", "two"}}).panels.front();
  const auto marks = marks_of<PointMark>(panel);
  ASSERT_EQ(marks.size(), 3u);  // class 1 has no points
  EXPECT_EQ(marks[1].x, (std::vector<double>{1, 2}));
  ASSERT_EQ(panel.legend.size(), 3u);
  EXPECT_EQ(panel.legend[1].label, "two");
  EXPECT_EQ(panel.legend[2].label, "class 9");
  EXPECT_EQ(panel.legend[2].color, class_color(9));  // ten classes, ten colours
  EXPECT_EQ(panel.legend[2].shape, MarkerShape::circle);
  EXPECT_NE(class_color(9), class_color(1));
  // Eleven classes: the palette's eight colours, then squares.
  const Panel eleven = class_scatter(ClassPoints{.x = {0, 1}, .y = {0, 1}, .label = {0, 10}}).panels.front();
  ASSERT_EQ(eleven.legend.size(), 2u);
  EXPECT_EQ(eleven.legend[1].color, palette_color(10));
  EXPECT_EQ(eleven.legend[1].shape, MarkerShape::square);
  EXPECT_THROW(class_scatter(ClassPoints{.x = {0}, .y = {0}, .label = {-1}}), std::invalid_argument);
}

TEST(ChartStructure, HistogramOutlinesAreSharesWithBarsForNarrowRangesAndOneLegend) {
  // Panel 0: [0, 2] in 2 bins (1 and 3 of 4 values), every value at 5 (one bar as wide as the
  // panel's widest bin, 1), an empty outline (left out), and [7, 7.5] in 4 bins: narrower than
  // one bin of 1, so one bar too. Panel 1: only equal values, a bar 1/4 wide (its 4 bins).
  OutlinePanel spread{.title = "layer 0",
                      .outlines = {{.name = "epoch 0", .bins = {.low = 0, .high = 2, .counts = {1, 3}}},
                                   {.name = "epoch 1", .bins = {.low = 5, .high = 5, .counts = {0, 4}}},
                                   {.name = "epoch 2", .bins = {.low = 0, .high = 1, .counts = {0, 0}}},
                                   {.name = "epoch 3", .bins = {.low = 7, .high = 7.5, .counts = {1, 0, 0, 1}}}}};
  OutlinePanel alone{.title = "layer 1", .outlines = {{.name = "epoch 0", .bins = {.low = -1, .high = -1, .counts = {0, 0, 7, 0}}, .color = 9}}};
  const std::vector<OutlinePanel> panels{spread, alone};
  const Figure figure = histogram_outlines(panels, {.x_label = "weight"});
  EXPECT_EQ(figure.columns, 2);
  EXPECT_EQ(figure.height, 500);
  ASSERT_EQ(figure.panels.size(), 2u);
  const auto first = marks_of<LineMark>(figure.panels[0]);
  ASSERT_EQ(first.size(), 3u);
  EXPECT_EQ(first[0].x, (std::vector<double>{0, 0, 1, 1, 2, 2}));
  EXPECT_EQ(first[0].y, (std::vector<double>{0, 0.25, 0.25, 0.75, 0.75, 0}));
  EXPECT_EQ(first[1].x, (std::vector<double>{4.5, 4.5, 5.5, 5.5}));
  EXPECT_EQ(first[1].y, (std::vector<double>{0, 1, 1, 0}));
  EXPECT_EQ(first[1].color, palette_color(1));
  EXPECT_EQ(first[2].x, (std::vector<double>{6.75, 6.75, 7.75, 7.75}));
  EXPECT_EQ(first[2].color, palette_color(3));
  ASSERT_EQ(figure.panels[0].legend.size(), 3u);
  EXPECT_EQ(figure.panels[0].legend_placement, LegendPlacement::inside);
  EXPECT_EQ(figure.panels[0].legend[1].label, "epoch 1");
  EXPECT_EQ(figure.panels[0].y.min, 0.0);
  EXPECT_EQ(figure.panels[0].x.label, "weight");
  const auto second = marks_of<LineMark>(figure.panels[1]);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].x, (std::vector<double>{-1.125, -1.125, -0.875, -0.875}));
  EXPECT_EQ(second[0].y, (std::vector<double>{0, 1, 1, 0}));
  EXPECT_EQ(second[0].color, palette_color(9));
  EXPECT_TRUE(second[0].dashed);  // past the palette's eight colours
  EXPECT_TRUE(figure.panels[1].legend.empty());
  const std::vector<OutlinePanel> four(4, alone);
  const Figure grid = histogram_outlines(four);
  EXPECT_EQ(grid.columns, 3);
  EXPECT_EQ(grid.height, 640);  // two rows of 320 px
  const std::vector<OutlinePanel> negative{{.outlines = {{.bins = {.low = 0, .high = 1, .counts = {-1}}}}}};
  EXPECT_THROW(histogram_outlines(negative), std::invalid_argument);
  const std::vector<OutlinePanel> reversed{{.outlines = {{.bins = {.low = 1, .high = 0, .counts = {1}}}}}};
  EXPECT_THROW(histogram_outlines(reversed), std::invalid_argument);
}

}  // namespace
}  // namespace nnlab
