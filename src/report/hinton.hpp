// Hinton diagrams of a small network's weights: one panel per layer, a square per weight whose area
// is proportional to |w|, white for positive and black for negative, on grey (Hinton & Shallice 1991).
#pragma once

#include <span>
#include <string>

#include "report/chart_data.hpp"
#include "report/figure.hpp"

namespace nnlab {

struct HintonOptions {
  std::string title;
  bool shared_scale = true;  // one |w| scale for all layers, so their squares compare; false = per layer
  int columns = 0;           // panels per row; 0 = the arrangement that gives the cells the most room
  bool values = true;        // each weight's value printed in its cell, for layers of at most 12 x 12 whose cells hold it
  int width = 800;
  int height = 500;
};

// Layer panels show weights [out, in] with inputs across and units down (unit 0 at the top); a bias,
// when given, is one more column on the right behind a divider. Ticks name the indices when there are few.
// Printed values (2 significant digits) are black on positive squares, white on negative ones.
Figure hinton_diagram(std::span<const HintonLayer> layers, const HintonOptions& options = {});

}  // namespace nnlab
