// A grid of small images sharing one diverging colour scale centred on 0: first-layer weight vectors
// reshaped to the input's h x w (28 x 28 for MNIST), so one sees which pixels excite or inhibit a unit.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "report/chart_data.hpp"
#include "report/figure.hpp"

namespace nnlab {

struct ImageGridOptions {
  std::string title;
  std::vector<std::string> captions;  // one per tile (e.g. "unit 7"), or empty
  int columns = 0;                    // tiles per row; 0 = what fills the figure best
  bool shared_scale = true;           // one colour range for all tiles; false = each tile its own
  std::string value_label = "weight";
  int width = 800;
  int height = 500;
};

// Tiles in reading order; blue negative, white 0, red positive; the range is +-max|value|.
// Tiles may differ in size; NaN/Inf pixels are grey.
Figure image_grid(std::span<const Matrix> tiles, const ImageGridOptions& options = {});

}  // namespace nnlab
