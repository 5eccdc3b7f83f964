// Marks in pixels (internal to the report layer): the drawable runs of a line or band (a value that
// cannot be shown breaks them), path simplification and rectangles between two corners.
#pragma once

#include <vector>

#include "report/canvas.hpp"
#include "report/figure.hpp"
#include "report/layout.hpp"

namespace nnlab {

using Run = std::vector<Point>;

// Consecutive points that can be shown; a point that cannot (NaN, <= 0 on a log axis) ends a run.
std::vector<Run> line_runs(const Frame& frame, const std::vector<double>& x, const std::vector<double>& y);

// Drops points closer than `tolerance` px to the last kept one (never the first or last point).
Run simplified(const Run& run, double tolerance);

// The upper (high) and lower (low) edge of one drawable stretch of a band.
struct BandRun {
  Run upper;
  Run lower;
};
std::vector<BandRun> band_runs(const Frame& frame, const BandMark& mark);

Rect rect_between(Point a, Point b);

}  // namespace nnlab
