// Chart inputs: tensors to matrices, rows to images, histograms and the automatic log scale.
#include "report/chart_data.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>

#include "report/bar_chart.hpp"
#include "report/curve_charts.hpp"

namespace nnlab {
namespace {

TEST(ChartData, MatrixFromAPopulationTensor) {
  const Tensor weights({2, 2, 3}, {1, 2, 3, 4, 5, 6, 10, 20, 30, 40, 50, 60});
  const Matrix second = to_matrix(weights, 1);
  EXPECT_EQ(second.rows, 2u);
  EXPECT_EQ(second.columns, 3u);
  EXPECT_EQ(second.values, (std::vector<double>{10, 20, 30, 40, 50, 60}));
  EXPECT_EQ(second.at(1, 2), 60);
  EXPECT_EQ(to_matrix(Tensor({2, 2}, {1, 2, 3, 4})).values, (std::vector<double>{1, 2, 3, 4}));
  EXPECT_THROW(to_matrix(weights, 2), std::invalid_argument);
  EXPECT_THROW(to_matrix(Tensor({4}, {1, 2, 3, 4})), std::invalid_argument);
}

TEST(ChartData, RowsAsImages) {
  const Matrix weights{.rows = 2, .columns = 4, .values = {1, 2, 3, 4, 5, 6, 7, 8}};
  const std::vector<Matrix> images = rows_as_images(weights, 2, 2);
  ASSERT_EQ(images.size(), 2u);
  EXPECT_EQ(images[1].values, (std::vector<double>{5, 6, 7, 8}));
  EXPECT_EQ(images[1].at(1, 0), 7);
  EXPECT_THROW(rows_as_images(weights, 3, 2), std::invalid_argument);
}

TEST(SampleHistogram, GivenBinsCountByHand) {
  const std::vector<double> values = {0,   0.5, 1, 1.5,          2,
                                      2.5, 3,   4, std::nan(""), std::numeric_limits<double>::infinity()};
  const SampleHistogram histogram = make_sample_histogram(values, 4);
  EXPECT_EQ(histogram.edges, (std::vector<double>{0, 1, 2, 3, 4}));
  // [0,1): 0, 0.5   [1,2): 1, 1.5   [2,3): 2, 2.5   [3,4]: 3, 4 (the last bin holds its right edge)
  EXPECT_EQ(histogram.counts, (std::vector<double>{2, 2, 2, 2}));
  EXPECT_EQ(histogram.non_finite, 2u);
}

TEST(SampleHistogram, FreedmanDiaconisBinCount) {
  // 0..99: IQR = 74.25 - 24.75 = 49.5, width = 2 * 49.5 / 100^(1/3) = 21.33, bins = ceil(99 / 21.33) = 5.
  std::vector<double> values;
  for (int i = 0; i < 100; ++i) values.push_back(i);
  EXPECT_EQ(make_sample_histogram(values).counts.size(), 5u);
  // Quartiles equal (mostly one value): Sturges, ceil(log2 10) + 1 = 5.
  const std::vector<double> spiky = {1, 1, 1, 1, 1, 1, 1, 1, 2, 9};
  EXPECT_EQ(make_sample_histogram(spiky).counts.size(), 5u);
}

TEST(SampleHistogram, DegenerateSamples) {
  const std::vector<double> same = {3, 3, 3};
  const SampleHistogram one_bin = make_sample_histogram(same);
  EXPECT_EQ(one_bin.edges, (std::vector<double>{2.5, 3.5}));
  EXPECT_EQ(one_bin.counts, (std::vector<double>{3}));
  EXPECT_TRUE(make_sample_histogram(std::vector<double>{}).counts.empty());
  EXPECT_THROW(make_sample_histogram(same, -1), std::invalid_argument);
}

TEST(AutomaticScale, LogFromTwoDecades) {
  EXPECT_EQ(automatic_scale(std::vector<double>{0.001, 0.01, 0.1}), ScaleKind::log);
  EXPECT_EQ(automatic_scale(std::vector<double>{0.01, 0.5}), ScaleKind::linear);    // 50x: under two decades
  EXPECT_EQ(automatic_scale(std::vector<double>{0, 0.01, 10}), ScaleKind::linear);  // 0 cannot be shown on log
  EXPECT_EQ(automatic_scale(std::vector<double>{}), ScaleKind::linear);
}

}  // namespace
}  // namespace nnlab
