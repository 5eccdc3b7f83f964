// The cut of a run into work items (experiment/work.hpp) and its stored form.
#include "experiment/work.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace nnlab {
namespace {

TEST(Work, OneRankTrainsEveryPopulationWhole) {
  const std::vector<PopulationWork> populations{{.members = 300, .cost_per_member = 1.0}, {.members = 5, .cost_per_member = 2.0}};
  const std::vector<WorkItem> items = cut_work(populations, 1);
  ASSERT_EQ(items.size(), 2u);
  EXPECT_TRUE(items[0].whole());
  EXPECT_TRUE(items[1].whole());
  EXPECT_DOUBLE_EQ(items[1].cost, 10.0);
}

TEST(Work, APopulationAboveAnEqualShareIsCutIntoNearEqualRanges) {
  const std::vector<PopulationWork> populations{{.members = 300, .cost_per_member = 1.0}};
  const std::vector<WorkItem> items = cut_work(populations, 3);
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0].begin, 0);
  EXPECT_EQ(items[0].end, 100);
  EXPECT_EQ(items[1].begin, 100);
  EXPECT_EQ(items[2].end, 300);
  for (const WorkItem& item : items) EXPECT_FALSE(item.whole());
}

TEST(Work, SmallPopulationsStayWholeAndDependentMembersAreNeverCut) {
  // Total 120, share at 4 ranks 30: the 100-member one is cut into 4, the small ones stay whole,
  // and the pruning population (members depend on each other) stays whole however large.
  const std::vector<PopulationWork> populations{{.members = 100, .cost_per_member = 1.0},
                                                {.members = 10, .cost_per_member = 1.0},
                                                {.members = 10, .cost_per_member = 1.0, .cuttable = false}};
  const std::vector<WorkItem> items = cut_work(populations, 4);
  ASSERT_EQ(items.size(), 6u);
  EXPECT_EQ(items[3].end, 100);
  EXPECT_TRUE(items[4].whole());
  EXPECT_TRUE(items[5].whole());
  const std::vector<PopulationWork> pruned{{.members = 100, .cost_per_member = 1.0, .cuttable = false}};
  EXPECT_EQ(cut_work(pruned, 4).size(), 1u);
}

TEST(Work, NeverMoreRangesThanMembers) {
  const std::vector<PopulationWork> populations{{.members = 2, .cost_per_member = 1000.0}, {.members = 1, .cost_per_member = 1.0}};
  const std::vector<WorkItem> items = cut_work(populations, 8);
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0].size(), 1);
  EXPECT_EQ(items[1].size(), 1);
}

TEST(Work, TheStoredCutReadsBackAndAnotherPlansCutIsRefused) {
  const std::vector<PopulationWork> populations{{.members = 300, .cost_per_member = 1.0}, {.members = 7, .cost_per_member = 1.0}};
  const std::vector<WorkItem> items = cut_work(populations, 3);
  const std::vector<WorkItem> back = decode_work(encode_work(items), populations, "runs.db: run 4");
  ASSERT_EQ(back.size(), items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    EXPECT_EQ(back[i].population, items[i].population);
    EXPECT_EQ(back[i].begin, items[i].begin);
    EXPECT_EQ(back[i].end, items[i].end);
  }
  const std::vector<PopulationWork> other{{.members = 200, .cost_per_member = 1.0}, {.members = 7, .cost_per_member = 1.0}};
  try {
    decode_work(encode_work(items), other, "runs.db: run 4");
    FAIL() << "a cut of another plan was accepted";
  } catch (const InputError& error) {
    EXPECT_NE(std::string(error.what()).find("runs.db: run 4: the run's work cut"), std::string::npos) << error.what();
  }
  EXPECT_THROW(decode_work(text_bytes("[[0, 0, 100]]"), populations, "w"), InputError);  // does not cover every member
  EXPECT_THROW(decode_work(text_bytes("{"), populations, "w"), InputError);
}

}  // namespace
}  // namespace nnlab
