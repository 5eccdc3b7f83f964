// Legends (internal to the report layer): where an inside legend goes, the plot corner whose box
// covers the fewest 4 x 4 px cells touched by any mark; and drawing a legend box.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "report/canvas.hpp"
#include "report/figure.hpp"
#include "report/layout.hpp"

namespace nnlab {

// The box of `extent`'s size in the emptiest corner (top right first on ties), and how many covered
// cells it overlaps; 0 means it hides nothing.
std::pair<Rect, int> emptiest_corner(Canvas& canvas, const Panel& panel, const Frame& frame, Rect extent);

// The title (bold, when set) and entries in `box`, a white box with a light frame. Entries that do
// not fit above the bottom of `cell` are summarised in a last row ("… 3 more").
void draw_legend(Canvas& canvas, const std::vector<LegendEntry>& entries, const std::string& title, Rect box, Rect cell);

}  // namespace nnlab
