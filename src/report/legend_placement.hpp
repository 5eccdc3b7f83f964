// Where an inside legend goes (internal to the report layer): the plot corner whose box covers the
// fewest 4 x 4 px cells touched by any mark.
#pragma once

#include <utility>

#include "report/canvas.hpp"
#include "report/figure.hpp"
#include "report/layout.hpp"

namespace nnlab {

// The box of `extent`'s size in the emptiest corner (top right first on ties), and how many covered
// cells it overlaps; 0 means it hides nothing.
std::pair<Rect, int> emptiest_corner(Canvas& canvas, const Panel& panel, const Frame& frame, Rect extent);

}  // namespace nnlab
