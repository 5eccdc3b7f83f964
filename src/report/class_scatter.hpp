// A scatter of 2-D points coloured by class (ten distinct colours; past ten classes the palette's
// eight with a shape per round), with a legend:
// t-SNE embeddings of hidden activations or of the inputs.
#pragma once

#include <string>
#include <vector>

#include "report/chart_data.hpp"
#include "report/figure.hpp"

namespace nnlab {

struct ClassScatterOptions {
  std::string title;
  std::string x_label;
  std::string y_label;
  std::vector<std::string> class_names;  // name of class c at [c]; missing names read "class c"
  double radius = 3.0;                   // px
  int width = 800;
  int height = 500;
};

// Labels must be >= 0 (std::invalid_argument otherwise); classes without points get no legend entry.
Figure class_scatter(const ClassPoints& points, const ClassScatterOptions& options = {});

}  // namespace nnlab
