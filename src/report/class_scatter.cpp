#include "report/class_scatter.hpp"

#include <algorithm>
#include <stdexcept>

namespace nnlab {

Figure class_scatter(const ClassPoints& points, const ClassScatterOptions& options) {
  if (points.x.size() != points.y.size() || points.x.size() != points.label.size()) {
    throw std::invalid_argument("class_scatter: x, y and label need one value per point");
  }
  int classes = 0;
  for (const int label : points.label) {
    if (label < 0) throw std::invalid_argument("class_scatter: negative class label " + std::to_string(label));
    classes = std::max(classes, label + 1);
  }
  // One mark per class, so a class's colour and shape come from one place: up to ten classes
  // ten colours, beyond that the palette's eight with a shape per round.
  const bool ten = classes <= class_palette_size;
  const auto color_of = [&](int c) { return ten ? class_color(c) : palette_color(c); };
  std::vector<PointMark> by_class(static_cast<std::size_t>(classes));
  for (int c = 0; c < classes; ++c) {
    by_class[static_cast<std::size_t>(c)] =
        PointMark{.color = color_of(c).with_alpha(0.8),
                  .shape = ten ? MarkerShape::circle : static_cast<MarkerShape>(palette_shape(c)),
                  .radius = options.radius};
  }
  for (std::size_t i = 0; i < points.x.size(); ++i) {
    PointMark& mark = by_class[static_cast<std::size_t>(points.label[i])];
    mark.x.push_back(points.x[i]);
    mark.y.push_back(points.y[i]);
  }
  Panel panel;
  panel.title = options.title;
  panel.x = Axis{.label = options.x_label};
  panel.y = Axis{.label = options.y_label};
  for (int c = 0; c < classes; ++c) {
    PointMark& mark = by_class[static_cast<std::size_t>(c)];
    if (mark.x.empty()) continue;
    const std::string name = static_cast<std::size_t>(c) < options.class_names.size()
                                 ? options.class_names[static_cast<std::size_t>(c)]
                                 : "class " + std::to_string(c);
    panel.legend.push_back(
        {.label = name, .color = color_of(c), .symbol = LegendSymbol::marker, .shape = mark.shape});
    panel.marks.push_back(std::move(mark));
  }
  Figure figure{.width = options.width, .height = options.height};
  figure.panels.push_back(std::move(panel));
  return figure;
}

}  // namespace nnlab
