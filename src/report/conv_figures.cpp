#include "report/conv_figures.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

#include "report/image_grid.hpp"
#include "report/run_weights.hpp"
#include "report/stored_documents.hpp"

namespace nnlab {

namespace {

constexpr std::size_t max_filters = 64;
constexpr std::size_t max_maps = 32;
constexpr int panel_width = 500;
constexpr int panel_height = 420;

// The first layer with a [filters, C, kh, kw] weight: the first conv2d.
const LayerWeights* first_conv(const std::optional<StoredLayers>& stored) {
  if (!stored) return nullptr;
  for (const LayerWeights& layer : stored->layers)
    if (layer.shape.size() == 4) return &layer;
  return nullptr;
}

// Filter f as a [kh, kw] tile: its only channel, or the mean over its C input channels.
std::vector<Matrix> filter_tiles(const LayerWeights& conv) {
  const std::size_t filters = std::min(conv.shape[0], max_filters), channels = conv.shape[1];
  const std::size_t kh = conv.shape[2], kw = conv.shape[3];
  std::vector<Matrix> tiles;
  for (std::size_t f = 0; f < filters; ++f) {
    Matrix tile{kh, kw, std::vector<double>(kh * kw, 0.0)};
    for (std::size_t c = 0; c < channels; ++c)
      for (std::size_t i = 0; i < kh * kw; ++i) tile.values[i] += conv.weight.values[(f * channels + c) * kh * kw + i];
    for (double& value : tile.values) value /= static_cast<double>(channels);
    tiles.push_back(std::move(tile));
  }
  return tiles;
}

double largest_magnitude(std::span<const Matrix> tiles) {
  double largest = 0;
  for (const Matrix& tile : tiles)
    for (const double value : tile.values)
      if (std::isfinite(value)) largest = std::max(largest, std::abs(value));
  return largest;
}

Panel grid_panel(std::span<const Matrix> tiles, ImageGridOptions options) {
  options.width = panel_width;
  options.height = panel_height;
  return std::move(image_grid(tiles, options).panels.front());
}

// A grid of panel_width x panel_height panels, `columns` wide, titled "<what>, trial 2 (key=value)".
Figure panel_grid(const RunView& view, const TrialGroup& trial, Index member, const std::string& what, std::vector<Panel> panels, int columns) {
  const int rows = (static_cast<int>(panels.size()) + columns - 1) / columns;
  return Figure{.width = columns * panel_width, .height = 40 + rows * panel_height,
                .title = view.caption(fmt::format("{}, {}", what, view.trials.size() > 1 ? trial_name(view, trial) : member_name(view, member))),
                .columns = columns, .panels = std::move(panels)};
}

// "trial 2 (key=value), member 5, seed 17 (the trial's median member by final train loss)".
std::string pictured_member(const RunView& view, const TrialGroup& trial, Index member) {
  std::string name = trial_member_name(view, trial, member);
  if (trial.members.size() > 1 && median_member(view, trial) == member) name += " (the trial's median member by final train loss)";
  return name;
}

void add_filters(ReportSection& section, const RunView& view, const std::vector<ArtefactInfo>& artefacts, const TrialGroup& trial, Index member) {
  const std::optional<StoredLayers> final_weights = final_weights_of(view, artefacts, member);
  const LayerWeights* last = first_conv(final_weights);
  // At initialisation: the snapshot at epoch 0 the recorder keeps for the trial's first member.
  const Snapshots snapshots = snapshots_of(artefacts, trial);
  std::optional<StoredLayers> initial;
  if (const auto epoch0 = snapshots.weights.find(0); epoch0 != snapshots.weights.end()) initial = read_layers(view, epoch0->second, 0);
  const LayerWeights* first = first_conv(initial);
  if (first != nullptr && last != nullptr && first->shape != last->shape) first = nullptr;
  const LayerWeights* any = last != nullptr ? last : first;
  if (any == nullptr) return;

  std::vector<Panel> panels;
  for (const auto& [weights, when] : {std::pair{first, "initialisation"}, std::pair{last, "end of training"}}) {
    if (weights == nullptr) continue;
    const std::vector<Matrix> tiles = filter_tiles(*weights);
    panels.push_back(grid_panel(tiles, ImageGridOptions{.title = fmt::format("{}: max |w| = {:.3g}", when, largest_magnitude(tiles)),
                                                        .shared_scale = false}));
  }
  const std::size_t filters = any->shape[0], channels = any->shape[1];
  const std::string shown = filters > max_filters ? fmt::format("the first {} of its {} filters", max_filters, filters) : fmt::format("its {} filters", filters);
  const std::string drawn = channels == 1 ? "" : fmt::format(" (the mean of each filter's {} input channels)", channels);
  std::string whose = pictured_member(view, trial, member);
  if (first != nullptr && snapshots.member != member)
    whose += fmt::format("; at initialisation {} (the trial's first member, whose snapshots the store keeps)", member_name(view, snapshots.member));
  const int columns = static_cast<int>(panels.size());
  Figure figure = panel_grid(view, trial, member, fmt::format("layer {} filters", any->layer), std::move(panels), columns);
  section.blocks.push_back(ReportFigure{
      fmt::format("{}-filters-trial-{}", view.stem, trial.trial), std::move(figure),
      view.caption(fmt::format("The first convolution layer (layer {}, weight [{}×{}×{}×{}]): {} as {}×{} images in reading order{}, of {}. Each filter "
                               "on its own scale ±max|w| (red positive, white 0, blue negative), so a filter of zeros is blank; the panel titles "
                               "give the largest |w|.",
                               any->layer, filters, channels, any->shape[2], any->shape[3], shown, any->shape[2], any->shape[3], drawn, whose))});
}

std::string maps_title(const StoredMaps& maps, std::size_t height, std::size_t width) {
  std::string title = maps.layer ? fmt::format("layer {}{}", *maps.layer, maps.kind.empty() ? "" : " " + maps.kind) : "input";
  title += fmt::format(" [{}×{}×{}]", maps.channels, height, width);
  const std::size_t shown = std::min(maps.maps.size(), max_maps);
  if (shown < maps.channels) title += fmt::format(", first {}", shown);
  return title;
}

void add_feature_maps(ReportSection& section, const RunView& view, const TrialGroup& trial, const ArtefactInfo& artefact) {
  const auto content = view.artefact(artefact.label);
  if (!content) return;
  const std::optional<StoredFeatureMaps> stored = decode_feature_maps(content->content);
  if (!stored) return;
  std::vector<const StoredMaps*> all{&stored->input};
  for (const StoredMaps& layer : stored->layers) all.push_back(&layer);
  std::vector<Panel> panels;
  bool cut = false;
  for (const StoredMaps* maps : all) {
    const std::span<const Matrix> shown(maps->maps.data(), std::min(maps->maps.size(), max_maps));
    cut = cut || shown.size() < maps->channels;
    panels.push_back(grid_panel(shown, ImageGridOptions{.title = maps_title(*maps, shown.front().rows, shown.front().columns),
                                                        .value_label = maps->layer ? "output" : "pixel"}));
  }
  const Index member = *artefact.label.member;
  std::string image = "the first test image";
  if (stored->label) {
    const auto label = static_cast<std::size_t>(*stored->label);
    image += fmt::format(" (class {})", label < view.class_names.size() ? view.class_names[label] : std::to_string(label));
  }
  Figure figure = panel_grid(view, trial, member, "feature maps", std::move(panels), 2);
  section.blocks.push_back(ReportFigure{
      fmt::format("{}-feature-maps-trial-{}", view.stem, trial.trial), std::move(figure),
      view.caption(fmt::format("Feature maps of {}: {}, then each convolution and pooling layer's output on it (after its activation, weights at "
                               "the end of training, evaluation mode), one image per channel in reading order{}; each panel on one scale "
                               "±max|value| (red positive, white 0, blue negative), so a channel that never fires is blank.",
                               pictured_member(view, trial, member), image, cut ? fmt::format(", at most {} channels per layer", max_maps) : ""))});
}

}  // namespace

void add_conv_figures(ReportSection& section, const RunView& view) {
  const std::vector<ArtefactInfo> artefacts = view.store->list_artefacts(view.id());
  for (const TrialGroup& trial : view.trials) {
    if (trial.members.empty()) continue;
    add_filters(section, view, artefacts, trial, median_member(view, trial).value_or(trial.members.front()));
    if (const ArtefactInfo* maps = trial_artefact(artefacts, "feature_maps", view, trial)) add_feature_maps(section, view, trial, *maps);
  }
}

}  // namespace nnlab
