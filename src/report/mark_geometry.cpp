#include "report/mark_geometry.hpp"

#include <algorithm>
#include <cmath>

namespace nnlab {

// Consecutive points that can be shown; a point that cannot (NaN, <= 0 on a log axis) ends a run.
std::vector<Run> line_runs(const Frame& frame, const std::vector<double>& x, const std::vector<double>& y) {
  std::vector<Run> runs;
  Run current;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (frame.shows(x[i], y[i])) {
      current.push_back(frame.at(x[i], y[i]));
    } else if (!current.empty()) {
      runs.push_back(std::move(current));
      current.clear();
    }
  }
  if (!current.empty()) runs.push_back(std::move(current));
  return runs;
}

// Drops points closer than `tolerance` px to the last kept one: a 1425-epoch curve 700 px wide draws
// the same, with half the path (and half the SVG).
Run simplified(const Run& run, double tolerance) {
  if (run.size() <= 2) return run;
  Run kept{run.front()};
  for (std::size_t i = 1; i + 1 < run.size(); ++i) {
    if (std::hypot(run[i].x - kept.back().x, run[i].y - kept.back().y) >= tolerance) kept.push_back(run[i]);
  }
  kept.push_back(run.back());
  return kept;
}

std::vector<BandRun> band_runs(const Frame& frame, const BandMark& mark) {
  std::vector<BandRun> runs;
  BandRun current;
  for (std::size_t i = 0; i < mark.x.size(); ++i) {
    if (frame.shows(mark.x[i], mark.low[i]) && frame.shows_y(mark.high[i])) {
      current.upper.push_back(frame.at(mark.x[i], mark.high[i]));
      current.lower.push_back(frame.at(mark.x[i], mark.low[i]));
    } else if (!current.upper.empty()) {
      runs.push_back(std::move(current));
      current = {};
    }
  }
  if (!current.upper.empty()) runs.push_back(std::move(current));
  return runs;
}

Rect rect_between(Point a, Point b) {
  return {std::min(a.x, b.x), std::min(a.y, b.y), std::abs(b.x - a.x), std::abs(b.y - a.y)};
}

}  // namespace nnlab
