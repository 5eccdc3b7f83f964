// The chart engine: figure sizes, multi-panel layout, legends that keep off the data, awkward data
// (NaN, one point, no data), and errors that name the file.
#include "report/render.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <string>

#include "core/error.hpp"
#include "report/curve_charts.hpp"
#include "report_test_support.hpp"

namespace nnlab {
namespace {

using testing::PngProbe;
using testing::Rgb8;
using testing::ScratchDir;

Figure two_lines(bool named) {
  // A falling line and a flat low line leave the top-right corner empty.
  const std::vector<Series> series = {{.name = named ? "falling" : "", .x = {0, 1, 2, 3, 4}, .y = {4, 3, 2, 1, 0}},
                                      {.name = named ? "flat" : "", .x = {0, 4}, .y = {0.2, 0.2}}};
  return line_chart(series, {.title = "two lines", .x_label = "x", .y_label = "y"});
}

TEST(Render, PixelRatioScalesThePng) {
  ScratchDir scratch;
  save_png(two_lines(true), scratch / "sharp.png", 2.0);
  const PngProbe png(scratch / "sharp.png");
  EXPECT_EQ(png.width(), 1600);
  EXPECT_EQ(png.height(), 1000);
}

TEST(Render, CustomSizeAndSvgDimensionsInPixels) {
  ScratchDir scratch;
  Figure figure = two_lines(true);
  figure.width = 640;
  figure.height = 360;
  save_png(figure, scratch / "small.png");
  save_svg(figure, scratch / "small.svg");
  const PngProbe png(scratch / "small.png");
  EXPECT_EQ(png.width(), 640);
  EXPECT_EQ(png.height(), 360);
  const std::string svg = testing::read_text(scratch / "small.svg");
  EXPECT_NE(svg.find("width=\"640px\""), std::string::npos) << svg.substr(0, 300);
  EXPECT_NE(svg.find("height=\"360px\""), std::string::npos);
}

TEST(Render, LegendKeepsOffTheLines) {
  // Every line pixel visible without a legend stays visible with one: the legend found an empty corner.
  ScratchDir scratch;
  save_png(two_lines(false), scratch / "bare.png");
  save_png(two_lines(true), scratch / "legend.png");
  const PngProbe bare(scratch / "bare.png");
  const PngProbe with_legend(scratch / "legend.png");
  const int bare_pixels = bare.count(palette_color(0), 0);
  ASSERT_GT(bare_pixels, 300);
  EXPECT_GE(with_legend.count(palette_color(0), 0), bare_pixels - 5);  // the legend's own line sample adds some
  EXPECT_GT(with_legend.count(palette_color(0), 0), bare_pixels);
}

TEST(Render, MultiPanelFigure) {
  ScratchDir scratch;
  Figure left = two_lines(true);
  Figure figure{.title = "two panels", .columns = 2};
  figure.panels.push_back(left.panels.front());
  Panel right = left.panels.front();
  right.title = "log y";
  right.y.scale = ScaleKind::log;  // the falling line's 0 cannot be shown and breaks the line
  figure.panels.push_back(right);
  save_png(figure, scratch / "panels.png");
  const PngProbe png(scratch / "panels.png");
  // Both halves hold lines.
  int left_blue = 0;
  int right_blue = 0;
  const Rgb8 blue = testing::to_rgb8(palette_color(0));
  for (int y = 0; y < png.height(); ++y) {
    for (int x = 0; x < png.width(); ++x) {
      const Rgb8 pixel = png.at(x, y);
      if (pixel.red == blue.red && pixel.green == blue.green && pixel.blue == blue.blue)
        (x < 400 ? left_blue : right_blue)++;
    }
  }
  EXPECT_GT(left_blue, 200);
  EXPECT_GT(right_blue, 100);
}

TEST(Render, AwkwardDataStillRenders) {
  ScratchDir scratch;
  const double nan = std::nan("");
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<Series> series = {{.name = "diverged", .x = {1, 2, 3, 4, 5}, .y = {1, 0.5, nan, inf, 1e30}},
                                      {.name = "one point", .x = {3}, .y = {0.7}},
                                      {.name = "nothing", .x = {}, .y = {}}};
  save_png(line_chart(series), scratch / "awkward.png");
  const PngProbe png(scratch / "awkward.png");
  EXPECT_EQ(png.width(), 800);
  EXPECT_GT(png.count(palette_color(1), 0), 5);  // the lone point is drawn as a dot
  const std::vector<Series> only_nan = {{.name = "lost", .x = {1, 2}, .y = {nan, nan}}};
  EXPECT_NO_THROW(save_png(line_chart(only_nan, {.y_scale = ScaleKind::log}), scratch / "nan.png"));
  EXPECT_NO_THROW(save_svg(Figure{}, scratch / "empty.svg"));
  const PngProbe empty((save_png(Figure{}, scratch / "empty.png"), scratch / "empty.png"));
  EXPECT_EQ(empty.count_not(colors::white), 0);
}

TEST(Render, UnwritablePathIsAnInputErrorNamingIt) {
  ScratchDir scratch;
  const auto missing = scratch / "no-such-dir" / "chart.png";
  try {
    save_png(two_lines(true), missing);
    FAIL() << "expected InputError";
  } catch (const InputError& error) {
    EXPECT_TRUE(std::string(error.what()).starts_with(missing.string() + ": cannot write PNG")) << error.what();
  }
  EXPECT_THROW(save_svg(two_lines(true), scratch / "no-such-dir" / "chart.svg"), InputError);
}

TEST(Render, ProgrammingErrorsAreInvalidArguments) {
  ScratchDir scratch;
  Figure mismatched = two_lines(true);
  mismatched.panels.front().marks.push_back(LineMark{.x = {1, 2, 3}, .y = {1}});
  EXPECT_THROW(save_png(mismatched, scratch / "bad.png"), std::invalid_argument);
  EXPECT_THROW(save_png(Figure{.width = 0}, scratch / "bad.png"), std::invalid_argument);
  Figure bad_limits = two_lines(true);
  bad_limits.panels.front().y.scale = ScaleKind::log;
  bad_limits.panels.front().y.min = 0.0;
  EXPECT_THROW(save_png(bad_limits, scratch / "bad.png"), std::invalid_argument);
  EXPECT_THROW(save_svg(bad_limits, scratch / "bad.svg"), std::invalid_argument);
  EXPECT_FALSE(std::filesystem::exists(scratch / "bad.svg"));  // no half-written file left
  const std::vector<Series> ragged = {{.name = "ragged", .x = {1, 2}, .y = {1}}};
  EXPECT_THROW(line_chart(ragged), std::invalid_argument);
}

// An AreaMark is a filled polygon (a violin): its inside takes the fill, its corners set the axes'
// range, and an area with a corner that cannot be shown (NaN) is left out, not drawn wrong.
TEST(Render, AreaMarksAreFilledPolygons) {
  ScratchDir scratch;
  Figure figure{.width = 400, .height = 300};
  Panel panel;
  panel.marks.push_back(AreaMark{.x = {0, 2, 2, 0}, .y = {0, 0, 2, 2}, .fill = palette_color(2)});
  figure.panels.push_back(panel);
  save_png(figure, scratch / "area.png");
  const int filled = PngProbe(scratch / "area.png").count(palette_color(2), 0);
  EXPECT_GT(filled, 150 * 100);  // nearly the whole plot: the square spans the data
  std::get<AreaMark>(figure.panels[0].marks[0]).y[2] = std::nan("");
  figure.panels[0].marks.push_back(PointMark{.x = {0, 2}, .y = {0, 2}, .color = colors::text});  // keeps the axes up
  save_png(figure, scratch / "broken.png");
  EXPECT_EQ(PngProbe(scratch / "broken.png").count(palette_color(2), 0), 0);
  figure.panels[0].marks[0] = AreaMark{.x = {0, 1}, .y = {0}, .fill = palette_color(2)};
  EXPECT_THROW(save_png(figure, scratch / "bad.png"), std::invalid_argument);
}

}  // namespace
}  // namespace nnlab
