// Matrices drawn as images (weights and updates on a scale centred at 0, values by row and epoch)
// and small multiples that share their axes and one legend beside them, checked against values
// worked out by hand, and the figure legend found in the rendered PNG.
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "report/matrix_image.hpp"
#include "report/member_bands.hpp"
#include "report/render.hpp"
#include "report_test_support.hpp"
#include "synthetic_runs.hpp"

namespace nnlab {
namespace {

using testing::marks_of_type;

TEST(MatrixImage, SignedMatrixIsCentredOnZero) {
  const Matrix matrix{.rows = 2, .columns = 2, .values = {-2, 0, 1, 3}};
  const Panel panel = signed_matrix_panel(matrix, {.title = "W", .value_label = "W"});
  ASSERT_TRUE(panel.color_bar.has_value());
  EXPECT_EQ(panel.color_bar->min, -3);  // ±max|value|
  EXPECT_EQ(panel.color_bar->max, 3);
  EXPECT_EQ(panel.color_bar->map, ColorMap::diverging);
  EXPECT_TRUE(panel.y.reversed);  // unit 0 at the top
  EXPECT_EQ(panel.x.categories, (std::vector<std::string>{"0", "1"}));
  const auto image = marks_of_type<ImageMark>(panel);
  ASSERT_EQ(image.size(), 1u);
  EXPECT_EQ(image[0].pixels[0], sample(ColorMap::diverging, 0.5 - 2.0 / 6));
  EXPECT_EQ(image[0].pixels[1], sample(ColorMap::diverging, 0.5));
  EXPECT_EQ(image[0].pixels[3], sample(ColorMap::diverging, 1.0));
  // All zero: a ±1 scale, every pixel white; many columns: numeric ticks instead of one per index.
  const Panel zeros = signed_matrix_panel(Matrix{.rows = 1, .columns = 20, .values = std::vector<double>(20, 0.0)});
  EXPECT_EQ(zeros.color_bar->max, 1);
  EXPECT_TRUE(zeros.x.categories.empty());
  EXPECT_EQ(marks_of_type<ImageMark>(zeros)[0].pixels[7], sample(ColorMap::diverging, 0.5));
  EXPECT_THROW(signed_matrix_panel(Matrix{.rows = 2, .columns = 2, .values = {1}}), std::invalid_argument);
}

TEST(MatrixImage, EpochHeatmapColumnsShowTheNearestEpoch) {
  // Epochs 0, 10, 20, 25: the mean step is 25/3, so the image spans -25/6 .. 25 + 25/6.
  const std::vector<double> epochs = {0, 10, 20, 25};
  const Matrix values{.rows = 1, .columns = 4, .values = {0, 1, 0.5, std::nan("")}};
  const Panel panel = epoch_heatmap_panel(epochs, values, {.value_label = "accuracy", .row_labels = {"Trouser"}, .min = 0.0, .max = 1.0});
  EXPECT_EQ(panel.y.categories, (std::vector<std::string>{"Trouser"}));
  const auto image = marks_of_type<ImageMark>(panel);
  ASSERT_EQ(image.size(), 1u);
  EXPECT_NEAR(image[0].x0, -25.0 / 6, 1e-12);
  EXPECT_NEAR(image[0].x1, 25 + 25.0 / 6, 1e-12);
  ASSERT_EQ(image[0].columns, 4);
  EXPECT_EQ(image[0].pixels[0], sample(ColorMap::viridis, 0));
  EXPECT_EQ(image[0].pixels[1], sample(ColorMap::viridis, 1));
  EXPECT_EQ(image[0].pixels[2], sample(ColorMap::viridis, 0.5));
  EXPECT_EQ(image[0].pixels[3], (Color{0.6, 0.6, 0.6}));  // not recorded: grey
  // Two columns over the same span: centres at 25/6 (nearest epoch 0) and 125/6 (nearest 20).
  const auto coarse = marks_of_type<ImageMark>(epoch_heatmap_panel(epochs, values, {.min = 0.0, .max = 1.0, .max_columns = 2}));
  ASSERT_EQ(coarse[0].columns, 2);
  EXPECT_EQ(coarse[0].pixels[0], sample(ColorMap::viridis, 0));
  EXPECT_EQ(coarse[0].pixels[1], sample(ColorMap::viridis, 0.5));
  const std::vector<double> descending = {2, 1, 0, 3};
  EXPECT_THROW(epoch_heatmap_panel(descending, values), std::invalid_argument);
  EXPECT_THROW(epoch_heatmap_panel(epochs, values, {.row_labels = {"a", "b"}}), std::invalid_argument);
}

Panel line_panel(double scale, const Color& color) {
  Panel panel;
  panel.marks.push_back(LineMark{.x = {0, 10 * scale}, .y = {1, 2 * scale}, .color = color});
  panel.legend.push_back({.label = "0.1", .color = color});
  panel.legend_title = "optimizer.lr";
  return panel;
}

TEST(PanelGrid, PanelsShareTheirAxesAndOneLegendBesideThem) {
  const Color colour = rgb_hex(0xD55E00);
  std::vector<Panel> panels = {line_panel(1, colour), line_panel(3, colour)};
  const Figure figure = panel_grid(panels, {.title = "two", .columns = 2, .width = 900, .panel_height = 400});
  EXPECT_EQ(figure.height, 434);
  EXPECT_EQ(figure.columns, 2);
  ASSERT_EQ(figure.legend.size(), 1u);
  EXPECT_EQ(figure.legend_title, "optimizer.lr");
  EXPECT_TRUE(figure.panels[0].legend.empty());
  // y: 1 .. 6 padded by 4 % of 5 on each side; x: 0 .. 30 likewise.
  EXPECT_DOUBLE_EQ(*figure.panels[0].y.min, 0.8);
  EXPECT_DOUBLE_EQ(*figure.panels[1].y.max, 6.2);
  EXPECT_DOUBLE_EQ(*figure.panels[0].x.max, 31.2);
  // The legend is drawn in the strip right of the panels, in the colour of its line.
  testing::ScratchDir scratch;
  const auto png_path = testing::sample_directory(scratch.path()) / "panel-grid.png";
  save_png(figure, png_path);
  const testing::PngProbe png(png_path);
  ASSERT_EQ(png.width(), 900);
  int legend_pixels = 0;
  const testing::Rgb8 target = testing::to_rgb8(colour);
  for (int y = 0; y < png.height(); ++y)
    for (int x = 770; x < png.width(); ++x) {  // right of the panels (756 px wide)
      const testing::Rgb8 pixel = png.at(x, y);
      legend_pixels += std::abs(pixel.red - target.red) <= 2 && std::abs(pixel.green - target.green) <= 2 && std::abs(pixel.blue - target.blue) <= 2;
    }
  EXPECT_GT(legend_pixels, 40);  // the swatch: 28 x 2.5 px
}

}  // namespace
}  // namespace nnlab
