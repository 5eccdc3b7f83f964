#include "report/weight_figures.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>
#include <vector>

#include "report/hinton.hpp"
#include "report/image_grid.hpp"
#include "report/matrix_image.hpp"
#include "report/run_weights.hpp"

namespace nnlab {

namespace {

constexpr std::size_t max_hinton_parameters = 600;
constexpr std::size_t max_tiles = 64;
constexpr std::size_t image_inputs = 784;  // 28 x 28 pixels

// The member whose final weights to show: the trial's first that met the success criterion (the
// learned solution), else its median member by final train loss.
std::pair<Index, std::string> shown_member(const RunView& view, const TrialGroup& trial) {
  for (const Index m : trial.members)
    if (view.success_epoch(m)) return {m, "the trial's first member that met the success criterion"};
  const Index median = median_member(view, trial).value_or(trial.members.front());
  return {median, trial.members.size() > 1 ? "the trial's median member by final train loss" : ""};
}

Figure first_layer_tiles(const Matrix& weight, const Matrix* update, const std::string& title) {
  const auto tiles_of = [](const Matrix& matrix) {
    Matrix shown{std::min(matrix.rows, max_tiles), matrix.columns, {}};
    shown.values.assign(matrix.values.begin(), matrix.values.begin() + static_cast<std::ptrdiff_t>(shown.rows * shown.columns));
    return rows_as_images(shown, 28, 28);
  };
  const bool both = update != nullptr;
  const int width = both ? 1000 : 800;
  Figure figure{.width = width, .height = 520, .title = title, .columns = both ? 2 : 1};
  const auto weights = tiles_of(weight);
  figure.panels.push_back(std::move(image_grid(weights, ImageGridOptions{.title = "W", .value_label = "weight", .width = width / (both ? 2 : 1), .height = 480})
                                        .panels.front()));
  if (both) {
    const auto updates = tiles_of(*update);
    figure.panels.push_back(std::move(image_grid(updates, ImageGridOptions{.title = "last update ΔW", .value_label = "ΔW", .width = width / 2, .height = 480})
                                          .panels.front()));
  }
  return figure;
}

void add_final_weights(ReportSection& section, const RunView& view, const std::vector<ArtefactInfo>& artefacts, const TrialGroup& trial,
                       bool has_snapshots) {
  if (trial.members.empty()) return;
  const auto [member, why] = shown_member(view, trial);
  const std::optional<StoredLayers> stored = final_weights_of(view, artefacts, member);
  if (!stored) return;
  const std::string who = trial_member_name(view, trial, member) + (why.empty() ? "" : " (" + why + ")");
  if (stored->parameters() <= max_hinton_parameters) {
    std::vector<HintonLayer> layers_shown;
    for (const LayerWeights& layer : stored->layers) layers_shown.push_back(HintonLayer{fmt::format("layer {}", layer.layer), layer.weight, layer.bias});
    section.blocks.push_back(ReportFigure{
        fmt::format("{}-hinton-trial-{}", view.stem, trial.trial),
        hinton_diagram(layers_shown, HintonOptions{.title = view.caption(fmt::format("learned weights, {}", view.trials.size() > 1 ? trial_name(view, trial) : member_name(view, member)))}),
        view.caption(fmt::format("Hinton diagram of the final weights of {}: square area ∝ |w|, white positive, black negative; the last column of "
                                 "each layer is its bias; small layers print each value.",
                                 who))});
  }
  if (!has_snapshots && stored->layers.front().layer == 0 && stored->layers.front().shape.size() == 2 && stored->layers.front().weight.columns == image_inputs) {
    const Matrix& first = stored->layers.front().weight;
    section.blocks.push_back(ReportFigure{
        fmt::format("{}-first-layer-trial-{}", view.stem, trial.trial),
        first_layer_tiles(first, nullptr, view.caption(fmt::format("first-layer weights, {}", trial_member_name(view, trial, member)))),
        view.caption(fmt::format("The first {} hidden units' final input weights as 28×28 images (red positive, blue negative, shared scale) of {}.",
                                 std::min(first.rows, max_tiles), who))});
  }
}

// At most `count` epochs: the first, the last and evenly spread ones between.
std::vector<Epoch> shown_epochs(const std::map<Epoch, ArtefactLabel>& all, std::size_t count) {
  std::vector<Epoch> epochs;
  for (const auto& [epoch, label] : all) epochs.push_back(epoch);
  if (epochs.size() <= count) return epochs;
  std::vector<Epoch> shown;
  for (std::size_t i = 0; i < count; ++i) shown.push_back(epochs[i * (epochs.size() - 1) / (count - 1)]);
  shown.erase(std::unique(shown.begin(), shown.end()), shown.end());
  return shown;
}

void add_snapshots(ReportSection& section, const RunView& view, const TrialGroup& trial, const Snapshots& snapshots) {
  const std::size_t per_trial = view.trials.size() <= 4 ? 4 : 2;
  const std::vector<Epoch> epochs = shown_epochs(snapshots.weights, per_trial);
  std::string stored_epochs;
  for (const auto& [epoch, label] : snapshots.weights) stored_epochs += (stored_epochs.empty() ? "" : ", ") + std::to_string(epoch);
  const std::string who = trial_member_name(view, trial, snapshots.member);
  for (const Epoch epoch : epochs) {
    const auto weights = read_layers(view, snapshots.weights.at(epoch), 0);
    if (!weights) continue;
    std::optional<StoredLayers> updates;
    if (const auto u = snapshots.updates.find(epoch); u != snapshots.updates.end()) updates = read_layers(view, u->second, 0);
    const auto update_of = [&](int layer) -> const Matrix* {
      if (!updates) return nullptr;
      for (const LayerWeights& candidate : updates->layers)
        if (candidate.layer == layer) return &candidate.weight;
      return nullptr;
    };
    std::vector<Panel> panels;
    const int columns = updates ? 2 : 1;
    for (const LayerWeights& layer : weights->layers) {
      const Matrix& w = layer.weight;
      panels.push_back(signed_matrix_panel(w, SignedMatrixOptions{.title = fmt::format("layer {}: W [{}]", layer.layer, fmt::join(layer.shape, "×")), .value_label = "W"}));
      if (!updates) continue;
      if (const Matrix* dw = update_of(layer.layer)) {
        panels.push_back(signed_matrix_panel(*dw, SignedMatrixOptions{.title = fmt::format("layer {}: last update ΔW", layer.layer), .value_label = "ΔW"}));
      } else {
        panels.push_back(Panel{.title = fmt::format("layer {}: no update stored", layer.layer), .x = Axis{.visible = false, .grid = false},
                               .y = Axis{.visible = false, .grid = false}, .frame = false});
      }
    }
    const int rows = (static_cast<int>(panels.size()) + columns - 1) / columns;
    Figure figure{.width = columns == 2 ? 1000 : 800, .height = 34 + rows * 280,
                  .title = view.caption(fmt::format("weights{} at epoch {}, {}", updates ? " and updates" : "", epoch, who)),
                  .columns = columns, .panels = std::move(panels)};
    section.blocks.push_back(ReportFigure{
        fmt::format("{}-weights-trial-{}-epoch-{}", view.stem, trial.trial, epoch), std::move(figure),
        view.caption(fmt::format("Every layer's weight matrix W (rows: units or a convolution's filters, columns: inputs or C·kh·kw){} at epoch {} of {}: blue negative, white 0, red "
                                 "positive, each panel on its own scale ±max|value| (its colour bar). Snapshots stored at epochs {}.",
                                 updates ? " and the epoch's last update ΔW = W after − W before" : "", epoch, who, stored_epochs))});
    const LayerWeights& first = weights->layers.front();
    if (first.layer == 0 && first.shape.size() == 2 && first.weight.columns == image_inputs) {
      const Matrix* dw = update_of(0);
      section.blocks.push_back(ReportFigure{
          fmt::format("{}-first-layer-trial-{}-epoch-{}", view.stem, trial.trial, epoch),
          first_layer_tiles(first.weight, dw, view.caption(fmt::format("first-layer units at epoch {}, {}", epoch, who))),
          view.caption(fmt::format("The first {} hidden units' input weights{} as 28×28 images at epoch {} of {} (red positive, blue negative, one "
                                   "scale per panel).",
                                   std::min(first.weight.rows, max_tiles), dw ? " and their last update" : "", epoch, who))});
    }
  }
}

}  // namespace

void add_weight_figures(ReportSection& section, const RunView& view) {
  const std::vector<ArtefactInfo> artefacts = view.store->list_artefacts(view.id());
  for (const TrialGroup& trial : view.trials) {
    const Snapshots snapshots = snapshots_of(artefacts, trial);
    add_final_weights(section, view, artefacts, trial, !snapshots.weights.empty());
    if (!snapshots.weights.empty()) add_snapshots(section, view, trial, snapshots);
  }
}

}  // namespace nnlab
