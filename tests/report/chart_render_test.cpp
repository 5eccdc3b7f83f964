// Every chart kind renders to a PNG of the right size that is not blank and shows its colours, and
// to an SVG with vector paths.
#include <gtest/gtest.h>

#include <cstdlib>
#include <functional>
#include <string>

#include "report/render.hpp"
#include "report_test_support.hpp"
#include "sample_charts.hpp"

namespace nnlab {
namespace {

using testing::PngProbe;
using testing::ScratchDir;

struct RenderedChart {
  PngProbe png;
  std::string svg;
};

RenderedChart render(const Figure& figure, const std::string& name, const ScratchDir& scratch) {
  const auto directory = testing::sample_directory(scratch.path());
  save_png(figure, directory / (name + ".png"));
  save_svg(figure, directory / (name + ".svg"));
  return {PngProbe(directory / (name + ".png")), testing::read_text(directory / (name + ".svg"))};
}

void expect_valid_svg(const std::string& svg) {
  EXPECT_TRUE(svg.starts_with("<?xml") || svg.starts_with("<svg")) << svg.substr(0, 40);
  EXPECT_NE(svg.find("<svg"), std::string::npos);
  EXPECT_NE(svg.find("<path"), std::string::npos);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
}

TEST(ChartRender, LineChartHasSizeContentAndSeriesColours) {
  ScratchDir scratch;
  const RenderedChart chart = render(testing::sample_line_chart(), "line", scratch);
  ASSERT_EQ(chart.png.width(), 800);
  ASSERT_EQ(chart.png.height(), 500);
  EXPECT_GT(chart.png.count_not(colors::white), 5000);
  EXPECT_GT(chart.png.count(palette_color(0)), 200);  // train, blue
  EXPECT_GT(chart.png.count(palette_color(1)), 200);  // validation, vermillion
  EXPECT_GT(chart.png.count(palette_color(2)), 100);  // test, bluish green, dashed
  expect_valid_svg(chart.svg);
}

TEST(ChartRender, BandChart) {
  ScratchDir scratch;
  const RenderedChart chart = render(testing::sample_band_chart(), "band", scratch);
  ASSERT_EQ(chart.png.width(), 800);
  EXPECT_GT(chart.png.count(palette_color(0)), 150);
  EXPECT_GT(chart.png.count(palette_color(1)), 150);
  expect_valid_svg(chart.svg);
}

TEST(ChartRender, SweepChart) {
  ScratchDir scratch;
  const RenderedChart chart = render(testing::sample_sweep_chart(), "sweep", scratch);
  EXPECT_GT(chart.png.count(palette_color(0)), 150);
  EXPECT_GT(chart.png.count(palette_color(1)), 150);
  expect_valid_svg(chart.svg);
}

TEST(ChartRender, ValueCurvesShowBothEndsOfTheColourMap) {
  ScratchDir scratch;
  const RenderedChart chart = render(testing::sample_value_curves(), "value_curves", scratch);
  EXPECT_GT(chart.png.count(sample(ColorMap::viridis, 0.0), 3), 50);  // lowest rate's curve and the bar's end
  EXPECT_GT(chart.png.count(sample(ColorMap::viridis, 1.0), 3), 50);
  expect_valid_svg(chart.svg);
}

TEST(ChartRender, BarCharts) {
  ScratchDir scratch;
  const RenderedChart bars = render(testing::sample_bar_chart(), "bars", scratch);
  EXPECT_GT(bars.png.count(palette_color(0)), 10000);  // three solid bars
  expect_valid_svg(bars.svg);
  const RenderedChart grouped = render(testing::sample_grouped_bar_chart(), "grouped_bars", scratch);
  for (int group = 0; group < 3; ++group) EXPECT_GT(grouped.png.count(palette_color(group)), 1000) << group;
  expect_valid_svg(grouped.svg);
}

TEST(ChartRender, Histogram) {
  ScratchDir scratch;
  const RenderedChart chart = render(testing::sample_histogram(), "histogram", scratch);
  EXPECT_GT(chart.png.count_not(colors::white), 20000);
  expect_valid_svg(chart.svg);
}

TEST(ChartRender, HeatmapWithColourScale) {
  ScratchDir scratch;
  const RenderedChart chart = render(testing::sample_heatmap(), "heatmap", scratch);
  ASSERT_EQ(chart.png.height(), 600);
  EXPECT_GT(chart.png.count(sample(ColorMap::viridis, 0.0), 3), 2000);  // most cells are near 0
  EXPECT_GT(chart.png.count(sample(ColorMap::viridis, 1.0), 3), 200);   // the largest diagonal cell
  expect_valid_svg(chart.svg);
}

TEST(ChartRender, ImageGridIsDivergingAroundWhite) {
  ScratchDir scratch;
  const RenderedChart chart = render(testing::sample_image_grid(), "image_grid", scratch);
  EXPECT_GT(chart.png.count(sample(ColorMap::diverging, 0.0), 6), 20);     // strongest negative: dark blue
  EXPECT_GT(chart.png.count(sample(ColorMap::diverging, 1.0), 6), 20);     // strongest positive: dark red
  EXPECT_GT(chart.png.count(sample(ColorMap::diverging, 0.5), 3), 10000);  // zero: near-white tile borders
  expect_valid_svg(chart.svg);
  EXPECT_NE(chart.svg.find("<image"), std::string::npos);
}

TEST(ChartRender, HintonHasWhiteAndBlackSquaresOnGrey) {
  ScratchDir scratch;
  const RenderedChart chart = render(testing::sample_hinton(), "hinton", scratch);
  EXPECT_GT(chart.png.count(colors::hinton_background, 1), 10000);
  EXPECT_GT(chart.png.count(colors::black, 0), 1000);
  EXPECT_GT(chart.png.count(colors::white, 0), 100000);  // the page, and the positive squares
  expect_valid_svg(chart.svg);
}

TEST(ChartRender, ClassScatterUsesOneColourPerClass) {
  ScratchDir scratch;
  const RenderedChart chart = render(testing::sample_class_scatter(), "class_scatter", scratch);
  // Markers are 80 % opaque over white, so look for the blend rather than the pure colour.
  for (int label = 0; label < 10; ++label) {
    const Color pure = class_color(label);
    const Color blended{0.8 * pure.red + 0.2, 0.8 * pure.green + 0.2, 0.8 * pure.blue + 0.2};
    EXPECT_GT(chart.png.count(blended, 3), 40) << label;
  }
  expect_valid_svg(chart.svg);
}

TEST(ChartRender, HistogramOutlinesThreePanelsInOneRow) {
  ScratchDir scratch;
  const RenderedChart chart = render(testing::sample_histogram_outlines(), "histogram_outlines", scratch);
  ASSERT_EQ(chart.png.width(), 800);
  ASSERT_EQ(chart.png.height(), 500);
  for (int epoch = 0; epoch < 3; ++epoch) EXPECT_GT(chart.png.count(palette_color(epoch), 3), 300) << epoch;
  // Each third of the figure (a panel) has epoch 10's outline in it.
  const testing::Rgb8 second = testing::to_rgb8(palette_color(1));
  for (int panel = 0; panel < 3; ++panel) {
    int drawn = 0;
    for (int x = panel * 266; x < (panel + 1) * 266; ++x) {
      for (int y = 0; y < 500; ++y) {
        const testing::Rgb8 pixel = chart.png.at(x, y);
        drawn += std::abs(pixel.red - second.red) <= 3 && std::abs(pixel.green - second.green) <= 3 && std::abs(pixel.blue - second.blue) <= 3;
      }
    }
    EXPECT_GT(drawn, 100) << panel;
  }
  expect_valid_svg(chart.svg);
}

}  // namespace
}  // namespace nnlab
