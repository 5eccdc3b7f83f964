// Rank 0's one progress line for a whole MPI job: populations done of all, members trained,
// the share of the estimated cost done and an ETA. Work items report their epochs; an item's
// share of the job is its estimated cost (experiment/work.hpp). Silent unless stderr is a terminal.
#pragma once

#include <chrono>
#include <cstdio>
#include <map>
#include <vector>

#include "experiment/work.hpp"

namespace nnlab {

class JobProgress {
 public:
  JobProgress(std::FILE* stream, int ranks, const std::vector<WorkItem>& items, bool enabled);
  void item_epochs(std::size_t item, double fraction_done);  // an item's progress, 0..1
  void item_done(std::size_t item);
  void finish();  // ends the line

 private:
  void draw(bool force);
  std::FILE* stream_;
  int ranks_;
  std::vector<WorkItem> items_;
  std::vector<double> done_;  // per item, 0..1
  double total_cost_ = 0.0;
  Index populations_ = 0, members_ = 0;
  bool enabled_;
  bool drew_ = false;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace nnlab
