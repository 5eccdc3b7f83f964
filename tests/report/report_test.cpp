// The HTML report: a self-contained page whose every image and link points at a file next to it,
// and the HTML helpers it is made of.
#include "report/report.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <stdexcept>
#include <string>

#include "core/error.hpp"
#include "report/tsne.hpp"
#include "report_test_support.hpp"
#include "sample_charts.hpp"

namespace nnlab {
namespace {

using testing::ScratchDir;

// Every attribute value of `attribute` in the page (src="..." or href="...").
std::vector<std::string> attribute_values(const std::string& html, const std::string& attribute) {
  std::vector<std::string> values;
  const std::regex pattern(attribute + "=\"([^\"]*)\"");
  for (auto match = std::sregex_iterator(html.begin(), html.end(), pattern); match != std::sregex_iterator(); ++match) {
    values.push_back((*match)[1]);
  }
  return values;
}

// The three-cluster t-SNE map as a class scatter: the embedding the report layer is for.
Figure tsne_figure() {
  Matrix points{.rows = 90, .columns = 20};
  ClassPoints classes;
  CounterRng rng(8, RngPurpose::data);
  for (std::size_t i = 0; i < points.rows; ++i) {
    const int label = static_cast<int>(i % 3);
    for (std::size_t f = 0; f < points.columns; ++f)
      points.values.push_back((f == static_cast<std::size_t>(label) ? 8.0 : 0.0) + rng.normal());
    classes.label.push_back(label);
  }
  const TsneResult map = tsne(points, {.perplexity = 15, .iterations = 400});
  for (std::size_t i = 0; i < points.rows; ++i) {
    classes.x.push_back(map.embedding.at(i, 0));
    classes.y.push_back(map.embedding.at(i, 1));
  }
  return class_scatter(classes, {.title = "t-SNE of three Gaussian clusters in 20-D", .class_names = {"A", "B", "C"}});
}

ReportContent sample_report() {
  ReportContent content{.title = "Mirror symmetry <6-2-1> & friends", .subtitle = "experiments/mirror.yaml, seed 1"};
  Table rates{.caption = "Success rate by activation (95 % Wilson intervals)",
              .header = {"activation", "replicates", "success rate"},
              .rows = {{"sigmoid", "1000", format_rate(0.873, 0.851, 0.892)},
                       {"tanh", "1000", format_rate(0.941, 0.925, 0.954)}}};
  content.sections.push_back(
      {.heading = "Training",
       .blocks = {
           Paragraph{"Loss and accuracy per epoch.\n\nReplicates differ only in their seed."},
           ReportFigure{.name = "loss", .figure = testing::sample_line_chart(), .caption = "Loss per epoch"},
           ReportFigure{.name = "accuracy", .figure = testing::sample_band_chart(), .caption = "Median and quartiles"},
           ReportFigure{
               .name = "learning rate", .figure = testing::sample_value_curves(), .caption = "By learning rate"},
           ReportFigure{.name = "sweep", .figure = testing::sample_sweep_chart(), .caption = "Final accuracy"}}});
  content.sections.push_back(
      {.heading = "Outcomes",
       .blocks = {
           rates, ReportFigure{.name = "outcomes", .figure = testing::sample_bar_chart(), .caption = "Outcomes"},
           ReportFigure{.name = "outcomes", .figure = testing::sample_grouped_bar_chart(), .caption = "By activation"},
           ReportFigure{.name = "final-loss", .figure = testing::sample_histogram(), .caption = "Final losses"}}});
  content.sections.push_back(
      {.heading = "Inside the network",
       .blocks = {
           ReportFigure{.name = "confusion", .figure = testing::sample_heatmap(), .caption = "Confusion matrix"},
           ReportFigure{.name = "weights", .figure = testing::sample_image_grid(), .caption = "First-layer weights"},
           ReportFigure{.name = "hinton", .figure = testing::sample_hinton(), .caption = "Hinton diagram"},
           ReportFigure{.name = "weight-histograms", .figure = testing::sample_histogram_outlines(), .caption = "Weights by epoch"},
           ReportFigure{.name = "tsne", .figure = testing::sample_class_scatter(), .caption = "Ten classes"},
           ReportFigure{.name = "tsne-clusters", .figure = tsne_figure(), .caption = "t-SNE of three clusters"},
           Preformatted{"model:\n  layers:\n    - {type: dense, units: 2}\n"}}});
  return content;
}

TEST(Report, EveryReferencedFileExistsAndEveryFigureHasPngAndSvg) {
  ScratchDir scratch;
  const auto directory = testing::sample_directory(scratch.path()) / "report";
  const auto index = write_report(directory, sample_report());
  ASSERT_EQ(index, directory / "index.html");
  const std::string html = testing::read_text(index);
  ASSERT_TRUE(html.starts_with("<!DOCTYPE html>"));
  EXPECT_NE(html.find("</html>"), std::string::npos);

  const std::vector<std::string> images = attribute_values(html, "src");
  EXPECT_EQ(images.size(), 13u);
  for (const std::string& image : images) {
    EXPECT_TRUE(image.ends_with(".png")) << image;
    EXPECT_TRUE(std::filesystem::exists(directory / image)) << image;
    const std::string svg = image.substr(0, image.size() - 4) + ".svg";
    EXPECT_TRUE(std::filesystem::exists(directory / svg)) << svg;
    EXPECT_NE(html.find("href=\"" + svg + "\""), std::string::npos) << svg;
    EXPECT_GT(testing::PngProbe(directory / image).width(), 0) << image;
  }
  for (const std::string& link : attribute_values(html, "href")) {
    if (link.starts_with("#")) {
      EXPECT_NE(html.find("id=\"" + link.substr(1) + "\""), std::string::npos) << link;
    } else {
      EXPECT_TRUE(std::filesystem::exists(directory / link)) << link;
    }
  }
  // Names made file-safe and unique.
  EXPECT_TRUE(std::filesystem::exists(directory / "learning-rate.png"));
  EXPECT_TRUE(std::filesystem::exists(directory / "outcomes.png"));
  EXPECT_TRUE(std::filesystem::exists(directory / "outcomes-2.png"));
}

TEST(Report, SelfContainedAndEscaped) {
  ScratchDir scratch;
  const std::string html = testing::read_text(write_report(scratch / "report", sample_report()));
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);  // the stylesheet is inline
  EXPECT_NE(html.find("<style>"), std::string::npos);
  EXPECT_NE(html.find("<h1>Mirror symmetry &lt;6-2-1&gt; &amp; friends</h1>"), std::string::npos);
  EXPECT_NE(html.find("<p>Loss and accuracy per epoch.</p>\n<p>Replicates differ only in their seed.</p>"),
            std::string::npos);
  EXPECT_NE(html.find("<pre>model:\n  layers:\n    - {type: dense, units: 2}\n</pre>"), std::string::npos);
  EXPECT_NE(html.find("<caption>Success rate by activation"), std::string::npos);
  EXPECT_NE(html.find("<a href=\"#section-3\">Inside the network</a>"), std::string::npos);
  EXPECT_NE(html.find("<figcaption>Loss per epoch"), std::string::npos);
}

TEST(Report, UnwritableDirectoryIsAnInputError) {
  ScratchDir scratch;
  std::ofstream(scratch / "a-file") << "x";
  EXPECT_THROW(write_report(scratch / "a-file" / "report", ReportContent{}), InputError);
}

TEST(Html, Escape) {
  EXPECT_EQ(html_escape("<a href=\"x\">Tom's & co</a>"), "&lt;a href=&quot;x&quot;&gt;Tom&#39;s &amp; co&lt;/a&gt;");
}

TEST(Html, TableAlignsNumericColumnsRight) {
  const Table table{.header = {"optimizer", "lr", "rate"},
                    .rows = {{"sgd", "0.1", "87.3 % [85.1, 89.2]"}, {"adam", "\u22121e-3", "-"}}};
  EXPECT_EQ(html_table(table),
            "<table>\n<thead><tr><th scope=\"col\">optimizer</th><th scope=\"col\" class=\"num\">lr</th>"
            "<th scope=\"col\">rate</th></tr></thead>\n<tbody>\n"
            "<tr><td>sgd</td><td class=\"num\">0.1</td><td>87.3 % [85.1, 89.2]</td></tr>\n"
            "<tr><td>adam</td><td class=\"num\">\u22121e-3</td><td>-</td></tr>\n</tbody>\n</table>\n");
  const Table ragged{.header = {"a", "b"}, .rows = {{"1"}}};
  EXPECT_THROW(html_table(ragged), std::invalid_argument);
}

TEST(Html, FormatRate) {
  EXPECT_EQ(format_rate(0.875, 0.8, 0.93), "87.5 % [80.0, 93.0]");
  EXPECT_EQ(format_rate(1, 0.9963, 1, 2), "100.00 % [99.63, 100.00]");
}

TEST(Html, FileStem) {
  EXPECT_EQ(file_stem("loss (log)"), "loss--log-");
  EXPECT_EQ(file_stem("layer_0-weights"), "layer_0-weights");
  EXPECT_EQ(file_stem("../../etc/passwd"), "------etc-passwd");
  EXPECT_EQ(file_stem(""), "figure");
}

}  // namespace
}  // namespace nnlab
