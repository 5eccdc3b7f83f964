#include "report/image_grid.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace nnlab {

namespace {

const Color missing_pixel{0.6, 0.6, 0.6};
constexpr double tile_gap = 0.12;      // of a tile's side
constexpr double caption_room = 0.35;  // of a tile's side, below each row of tiles when captioned

double largest_magnitude(const Matrix& tile) {
  double largest = 0;
  for (const double value : tile.values) {
    if (std::isfinite(value)) largest = std::max(largest, std::abs(value));
  }
  return largest;
}

// Columns whose grid of square tiles best matches the plot area's shape (figure minus colour bar and title).
int fitting_columns(std::size_t tiles, int width, int height) {
  const double area_aspect = std::max(1.0, width - 130.0) / std::max(1.0, height - 60.0);
  const int count = static_cast<int>(tiles);
  int best = 1;
  double best_side = 0;
  for (int columns = 1; columns <= count; ++columns) {
    const int rows = (count + columns - 1) / columns;
    const double side = std::min(area_aspect / columns, 1.0 / rows);  // tile side, in units of the area height
    if (side > best_side) {
      best_side = side;
      best = columns;
    }
  }
  return best;
}

}  // namespace

Figure image_grid(std::span<const Matrix> tiles, const ImageGridOptions& options) {
  if (!options.captions.empty() && options.captions.size() != tiles.size()) {
    throw std::invalid_argument("image_grid: " + std::to_string(options.captions.size()) + " captions for " +
                                std::to_string(tiles.size()) + " tiles");
  }
  std::size_t tile_side = 1;  // every tile gets a square slot as large as the largest tile
  double shared_extent = 0;
  for (const Matrix& tile : tiles) {
    if (tile.values.size() != tile.rows * tile.columns) throw std::invalid_argument("image_grid: tile size mismatch");
    tile_side = std::max({tile_side, tile.rows, tile.columns});
    shared_extent = std::max(shared_extent, largest_magnitude(tile));
  }
  if (shared_extent == 0) shared_extent = 1;
  const int columns = options.columns > 0
                          ? options.columns
                          : fitting_columns(std::max<std::size_t>(tiles.size(), 1), options.width, options.height);

  Panel panel;
  panel.title = options.title;
  panel.x = Axis{.padding = 0.01, .visible = false, .grid = false};
  panel.y = Axis{.padding = 0.01, .visible = false, .grid = false};
  panel.frame = false;
  panel.equal_aspect = true;
  if (options.shared_scale) {
    panel.color_bar =
        ColorBar{.map = ColorMap::diverging, .min = -shared_extent, .max = shared_extent, .label = options.value_label};
  }
  const auto side = static_cast<double>(tile_side);
  const double slot_width = side * (1 + tile_gap);
  const double slot_height = side * (1 + tile_gap + (options.captions.empty() ? 0 : caption_room));
  for (std::size_t i = 0; i < tiles.size(); ++i) {
    const Matrix& tile = tiles[i];
    const double extent = options.shared_scale ? shared_extent : std::max(largest_magnitude(tile), 1e-30);
    ImageMark image{.columns = static_cast<int>(tile.columns), .rows = static_cast<int>(tile.rows)};
    image.pixels.reserve(tile.values.size());
    for (const double value : tile.values) {
      // [-extent, extent] -> [0, 1]: 0 lands on the white middle of the map.
      image.pixels.push_back(std::isfinite(value) ? sample(ColorMap::diverging, 0.5 + value / (2 * extent))
                                                  : missing_pixel);
    }
    // Slots run left to right, then downwards (y decreases); a smaller tile sits centred in its slot.
    const double left = static_cast<double>(i % static_cast<std::size_t>(columns)) * slot_width +
                        (side - static_cast<double>(tile.columns)) / 2;
    const double top = -static_cast<double>(i / static_cast<std::size_t>(columns)) * slot_height -
                       (side - static_cast<double>(tile.rows)) / 2;
    image.x0 = left;
    image.x1 = left + static_cast<double>(tile.columns);
    image.y1 = top;
    image.y0 = top - static_cast<double>(tile.rows);
    // A hairline frame: tiles whose edges are near 0 would otherwise melt into the white page.
    const RectMark frame{.x0 = image.x0,
                         .y0 = image.y0,
                         .x1 = image.x1,
                         .y1 = image.y1,
                         .fill = colors::white.with_alpha(0),
                         .stroke = Color{0.8, 0.8, 0.8}};
    panel.marks.push_back(std::move(image));
    panel.marks.push_back(frame);
    if (!options.captions.empty()) {
      const double slot_top = -static_cast<double>(i / static_cast<std::size_t>(columns)) * slot_height;
      panel.marks.push_back(
          TextMark{.x = static_cast<double>(i % static_cast<std::size_t>(columns)) * slot_width + side / 2,
                   .y = slot_top - side * (1 + caption_room / 2),
                   .text = options.captions[i]});
    }
  }
  Figure figure{.width = options.width, .height = options.height};
  figure.panels.push_back(std::move(panel));
  return figure;
}

}  // namespace nnlab
