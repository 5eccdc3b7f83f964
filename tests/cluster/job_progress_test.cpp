// Rank 0's one progress line for a whole MPI job: populations done of all (a population cut in
// ranges is done when its last range is), members trained, the share of the estimated cost and
// an ETA; one line redrawn in place, ended once; nothing when disabled.
#include "cluster/job_progress.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace nnlab {
namespace {

class Captured {
 public:
  Captured() : file_(std::tmpfile()) {}
  ~Captured() { std::fclose(file_); }
  std::FILE* file() const { return file_; }
  std::string text() const {
    std::fflush(file_);
    std::string text;
    std::rewind(file_);
    for (int c; (c = std::fgetc(file_)) != EOF;) text.push_back(static_cast<char>(c));
    std::fseek(file_, 0, SEEK_END);
    return text;
  }
  // The line as it stands: what follows the last carriage return, without the erase code.
  std::string last_draw() const {
    std::string all = text();
    const std::size_t start = all.rfind('\r');
    std::string line = all.substr(start == std::string::npos ? 0 : start + 1);
    if (const std::size_t erase = line.find("\x1b[K"); erase != std::string::npos) line.erase(erase);
    return line;
  }

 private:
  std::FILE* file_;
};

// Population 0 of 100 members cut into two ranges; population 1 of 20; population 2 of 4.
std::vector<WorkItem> items() {
  return {WorkItem{.population = 0, .begin = 0, .end = 50, .members = 100, .cost = 50.0},
          WorkItem{.population = 0, .begin = 50, .end = 100, .members = 100, .cost = 50.0},
          WorkItem{.population = 1, .begin = 0, .end = 20, .members = 20, .cost = 80.0},
          WorkItem{.population = 2, .begin = 0, .end = 4, .members = 4, .cost = 20.0}};
}

TEST(JobProgress, CountsPopulationsWhenTheirLastRangeEnds) {
  Captured out;
  JobProgress progress(out.file(), 3, items(), true);
  progress.item_done(0);  // half of population 0
  EXPECT_NE(out.last_draw().find("3 ranks · populations 0/3 · members 50/124 ·  25%"), std::string::npos) << out.last_draw();
  progress.item_done(3);
  EXPECT_NE(out.last_draw().find("populations 1/3 · members 54/124 ·  35%"), std::string::npos) << out.last_draw();
  progress.item_done(1);
  EXPECT_NE(out.last_draw().find("populations 2/3 · members 104/124 ·  60%"), std::string::npos) << out.last_draw();
  EXPECT_EQ(out.last_draw().find("ETA ?"), std::string::npos) << "an ETA once some work is done: " << out.last_draw();
  progress.item_done(2);
  progress.finish();
  const std::string all = out.text();
  EXPECT_NE(all.find("populations 3/3 · members 124/124 · 100%"), std::string::npos) << all;
  EXPECT_EQ(all.back(), '\n');
  EXPECT_EQ(std::count(all.begin(), all.end(), '\n'), 1) << "one line for the job, redrawn in place";
}

TEST(JobProgress, ItemEpochsMoveTheShareButNotTheCounts) {
  Captured out;
  JobProgress progress(out.file(), 2, items(), true);
  progress.item_epochs(2, 0.5);  // may be throttled; item_done always draws
  progress.item_done(3);
  // 20 (item 3) + 0.5 × 80 (item 2) of 200.
  EXPECT_NE(out.last_draw().find("populations 1/3 · members 4/124 ·  30%"), std::string::npos) << out.last_draw();
  progress.item_epochs(2, 7.0);  // clamped below done: an item ends only by item_done
  progress.item_done(0);
  EXPECT_NE(out.last_draw().find("populations 1/3 · members 54/124"), std::string::npos) << out.last_draw();
  progress.item_epochs(99, 0.5);  // an unknown item is ignored
  progress.item_done(99);
}

TEST(JobProgress, DisabledDrawsNothing) {
  Captured out;
  JobProgress progress(out.file(), 2, items(), false);
  progress.item_done(0);
  progress.item_epochs(1, 0.5);
  progress.finish();
  EXPECT_EQ(out.text(), "");
}

}  // namespace
}  // namespace nnlab
