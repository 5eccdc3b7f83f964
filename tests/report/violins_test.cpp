// Violins from 40-bin style histograms: quantiles read off the histogram's piecewise-linear CDF
// (checked against values worked out by hand), and the marks of one violin — a mirrored step
// outline as wide at its fullest bin as asked, the quartile box and the median dot.
#include "report/violins.hpp"

#include <gtest/gtest.h>

#include <variant>

namespace nnlab {
namespace {

// [0, 4] in four bins of width 1 holding 2, 4, 2 and 0 of 8 values.
const BinnedCounts skewed{.low = 0, .high = 4, .counts = {2, 4, 2, 0}};

TEST(Violins, QuartilesComeFromTheHistogramsCdf) {
  // Q1: 2 of 8 values are below 1 (bin 0 holds exactly 2) -> 1.
  EXPECT_DOUBLE_EQ(*binned_quantile(skewed, 0.25), 1.0);
  // Median: 4 values; bin 0 holds 2, the other 2 are half of bin 1's 4 -> 1 + 0.5.
  EXPECT_DOUBLE_EQ(*binned_quantile(skewed, 0.5), 1.5);
  // Q3: 6 values = bins 0 and 1 whole -> 2.
  EXPECT_DOUBLE_EQ(*binned_quantile(skewed, 0.75), 2.0);
  // 10 % = 0.8 values, 0.4 of bin 0's 2 -> 0.4; the ends are the first and last filled bins' edges.
  EXPECT_DOUBLE_EQ(*binned_quantile(skewed, 0.1), 0.4);
  EXPECT_DOUBLE_EQ(*binned_quantile(skewed, 0.0), 0.0);
  EXPECT_DOUBLE_EQ(*binned_quantile(skewed, 1.0), 3.0);
  // [-1, 1] in 40 bins with one value in each: uniform, so the quartiles are -0.5, 0, 0.5.
  const BinnedCounts uniform{.low = -1, .high = 1, .counts = std::vector<double>(40, 1.0)};
  EXPECT_NEAR(*binned_quantile(uniform, 0.25), -0.5, 1e-12);
  EXPECT_NEAR(*binned_quantile(uniform, 0.5), 0.0, 1e-12);
  EXPECT_NEAR(*binned_quantile(uniform, 0.75), 0.5, 1e-12);
}

TEST(Violins, DegenerateAndEmptyHistograms) {
  EXPECT_DOUBLE_EQ(*binned_quantile(BinnedCounts{.low = 0.25, .high = 0.25, .counts = {0, 7, 0}}, 0.75), 0.25);
  EXPECT_FALSE(binned_quantile(BinnedCounts{.low = 0, .high = 1, .counts = {0, 0}}, 0.5).has_value());
  EXPECT_FALSE(binned_quantile(BinnedCounts{.low = 1, .high = 0, .counts = {1}}, 0.5).has_value());
  EXPECT_FALSE(binned_quantile(skewed, 1.5).has_value());
  EXPECT_TRUE(violin_marks(BinnedCounts{.low = 0, .high = 1, .counts = {0, 0}}, 0).empty());
  // All values equal: a flat violin as wide as the fullest bin of any other, at that value.
  const auto flat = violin_marks(BinnedCounts{.low = 0.25, .high = 0.25, .counts = {0, 7, 0}}, 2, ViolinStyle{.half_width = 0.4});
  ASSERT_FALSE(flat.empty());
  const auto& area = std::get<AreaMark>(flat[0]);
  EXPECT_EQ(area.x, (std::vector<double>{2.4, 2.4, 1.6, 1.6}));
  EXPECT_EQ(area.y, (std::vector<double>{0.25, 0.25, 0.25, 0.25}));
}

TEST(Violins, AViolinIsTheMirroredHistogramWithItsQuartileBox) {
  const auto marks = violin_marks(skewed, 3, ViolinStyle{.color = palette_color(1), .half_width = 0.4, .box_half_width = 0.05});
  ASSERT_EQ(marks.size(), 4u);
  const auto& area = std::get<AreaMark>(marks[0]);
  // Up the right side bin by bin (half-widths 0.4 * count / 4), down the left side mirrored.
  EXPECT_EQ(area.x, (std::vector<double>{3.2, 3.2, 3.4, 3.4, 3.2, 3.2, 3, 3, 3, 3, 2.8, 2.8, 2.6, 2.6, 2.8, 2.8}));
  EXPECT_EQ(area.y, (std::vector<double>{0, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 2, 2, 1, 1, 0}));
  EXPECT_EQ(area.fill, palette_color(1).with_alpha(0.35));
  const auto& outline = std::get<LineMark>(marks[1]);
  ASSERT_EQ(outline.x.size(), area.x.size() + 1);  // closed
  EXPECT_EQ(outline.x.back(), area.x.front());
  EXPECT_EQ(outline.color, palette_color(1));
  const auto& box = std::get<RectMark>(marks[2]);
  EXPECT_DOUBLE_EQ(box.y0, 1.0);
  EXPECT_DOUBLE_EQ(box.y1, 2.0);
  EXPECT_DOUBLE_EQ(box.x0, 2.95);
  EXPECT_DOUBLE_EQ(box.x1, 3.05);
  const auto& median = std::get<PointMark>(marks[3]);
  EXPECT_EQ(median.x, (std::vector<double>{3}));
  EXPECT_EQ(median.y, (std::vector<double>{1.5}));
}

}  // namespace
}  // namespace nnlab
