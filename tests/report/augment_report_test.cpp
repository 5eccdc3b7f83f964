// The run report's training samples (report/augment_figures.hpp), from stores written here by hand:
// one tile per stored image, clean / augmented / mixed rows, captions of the classes and of each
// mixed image's partner; no figure without the artefact, and a damaged one drops only its figure.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "report/run_report.hpp"
#include "report_test_support.hpp"
#include "synthetic_runs.hpp"

namespace nnlab {
namespace {

using nlohmann::json;
using testing::marks_of_type;
using testing::ScratchDir;
using testing::SyntheticRun;
using testing::SyntheticTrial;

json samples(bool mixed) {
  json images = json::array();
  for (int r = 0; r < 3; ++r) images.push_back(std::vector<double>(6, 0.1 * r));  // 2 × 3 images
  json document = {{"member", 0}, {"channels", 1}, {"height", 2}, {"width", 3}, {"labels", {0, 1, 2}}, {"clean", images}, {"augmented", images}};
  if (mixed) {
    document["mixed"] = images;
    document["lambda"] = 0.25;
    document["partners"] = {2, 0, 1};
  }
  return document;
}

ReportContent report_with(const std::string& name, const std::string& text) {
  static ScratchDir scratch;  // the store outlives nothing but this call's report
  RunStore store(scratch / (name + ".db"));
  const RunId run = testing::record_synthetic_run(store, SyntheticRun{.name = name, .trials = {SyntheticTrial{{}, 1}}, .epochs = 2});
  if (!text.empty()) store.put_artefact(run, ArtefactLabel{.member = 0, .kind = "augmented", .name = "train"}, text_bytes(text));
  const std::vector<RunId> runs{run};
  return run_report_content(store, runs);
}

TEST(AugmentReport, OneTilePerStoredImageWithClassesAndPartners) {
  const ReportContent content = report_with("mixed", samples(true).dump());
  const ReportFigure* figure = testing::find_report_figure(content, "mixed-augmented-trial-0");
  ASSERT_NE(figure, nullptr);
  ASSERT_EQ(figure->figure.panels.size(), 1u);
  EXPECT_EQ(marks_of_type<ImageMark>(figure->figure.panels[0]).size(), 9u);  // 3 rows of 3 images
  EXPECT_NE(figure->caption.find("λ = 0.25"), std::string::npos) << figure->caption;
  EXPECT_NE(figure->caption.find("rows: clean, augmented, mixed"), std::string::npos) << figure->caption;
  std::string texts;
  for (const TextMark& text : marks_of_type<TextMark>(figure->figure.panels[0])) texts += text.text + "|";
  EXPECT_NE(texts.find("0+2|"), std::string::npos) << texts;  // image 0 (class 0) mixed with image 2 (class 2)
  EXPECT_NE(texts.find("augmented|"), std::string::npos) << texts;
}

TEST(AugmentReport, NoArtefactNoFigureAndADamagedOneDropsOnlyIt) {
  EXPECT_TRUE(testing::figures_containing(report_with("none", ""), "augmented").empty());
  json broken = samples(false);
  broken["augmented"][1] = {1, 2};  // a tile of the wrong size
  const ReportContent content = report_with("broken", broken.dump());
  EXPECT_TRUE(testing::figures_containing(content, "augmented").empty());
  EXPECT_FALSE(content.sections.empty());
  EXPECT_TRUE(testing::figures_containing(report_with("garbled", "{not json"), "augmented").empty());
}

}  // namespace
}  // namespace nnlab
