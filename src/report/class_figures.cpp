#include "report/class_figures.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "report/class_scatter.hpp"
#include "report/heatmap.hpp"
#include "report/matrix_image.hpp"
#include "report/member_bands.hpp"
#include "report/stored_documents.hpp"
#include "report/tsne.hpp"

namespace nnlab {

namespace {

// Exact t-SNE is O(N^2) per iteration: up to 1,000 points for one trial, fewer (not under 300) when
// many trials each get a map, so that a ten-trial sweep's report takes seconds, not minutes.
std::size_t tsne_points(const RunView& view) { return std::clamp<std::size_t>(4000 / std::max<std::size_t>(view.trials.size(), 1), 300, 1000); }
constexpr std::size_t max_members = 200;

std::vector<std::string> names_for(const RunView& view, std::size_t classes) {
  return view.class_names.size() == classes ? view.class_names : std::vector<std::string>{};
}

std::string who(const RunView& view, const TrialGroup& trial, Index member) {
  const bool median = trial.members.size() > 1 && median_member(view, trial) == member;
  return trial_member_name(view, trial, member) + (median ? " — the trial's median member by final train loss" : "");
}

void add_confusion(ReportSection& section, const RunView& view, const TrialGroup& trial, const ArtefactInfo& artefact) {
  const auto content = view.artefact(artefact.label);
  if (!content) return;
  const std::optional<Matrix> matrix = decode_confusion(content->content);
  if (!matrix) return;
  const std::size_t classes = matrix->rows;
  double total = 0;
  for (const double count : matrix->values) total += count;
  const Index member = *artefact.label.member;
  const std::vector<std::string> names = names_for(view, classes);
  const bool long_names = !names.empty();
  section.blocks.push_back(ReportFigure{
      fmt::format("{}-confusion-trial-{}", view.stem, trial.trial),
      heatmap_chart(*matrix, HeatmapOptions{.title = view.caption(fmt::format("confusion matrix, {}", view.trials.size() > 1 ? trial_name(view, trial) : member_name(view, member))),
                                            .x_label = "predicted class", .y_label = "true class", .value_label = "test examples",
                                            .row_labels = names, .column_labels = names, .height = long_names ? 640 : 500}),
      view.caption(fmt::format("Confusion matrix on the test set ({:.0f} examples) of {}: rows true class, columns predicted class.", total,
                               who(view, trial, member)))});
}

void add_tsne(ReportSection& section, const RunView& view, const TrialGroup& trial, const ArtefactInfo& artefact) {
  const auto content = view.artefact(artefact.label);
  if (!content) return;
  const std::optional<StoredActivations> stored = decode_activations(content->content, tsne_points(view));
  if (!stored) return;
  int layer = stored->layer.value_or(-1);
  if (layer < 0 && std::sscanf(artefact.label.name.c_str(), "layers.%4d", &layer) != 1) layer = -1;
  const std::size_t count = stored->labels.size();
  const TsneResult embedding = tsne(stored->points, TsneOptions{.iterations = 750});
  ClassPoints scatter;
  scatter.label = stored->labels;
  for (std::size_t i = 0; i < count; ++i) {
    scatter.x.push_back(embedding.embedding.at(i, 0));
    scatter.y.push_back(embedding.embedding.at(i, 1));
  }
  const int classes = *std::max_element(scatter.label.begin(), scatter.label.end()) + 1;
  const Index member = *artefact.label.member;
  const std::string layer_name = layer >= 0 ? fmt::format("layer {}", layer) : "a hidden layer";
  section.blocks.push_back(ReportFigure{
      fmt::format("{}-tsne-trial-{}", view.stem, trial.trial),
      class_scatter(scatter, ClassScatterOptions{.title = view.caption(fmt::format("t-SNE of {}, {}", layer_name,
                                                                                   view.trials.size() > 1 ? trial_name(view, trial) : member_name(view, member))),
                                                 .class_names = names_for(view, static_cast<std::size_t>(classes))}),
      view.caption(fmt::format("Exact t-SNE (perplexity 30) of {}'s outputs on {} test examples, coloured by true class; {}.", layer_name, count,
                               who(view, trial, member)))});
}

}  // namespace

void add_confusion_and_tsne(ReportSection& section, const RunView& view) {
  const std::vector<ArtefactInfo> artefacts = view.store->list_artefacts(view.id());
  for (const TrialGroup& trial : view.trials) {
    if (const ArtefactInfo* confusion = trial_artefact(artefacts, "confusion", view, trial)) add_confusion(section, view, trial, *confusion);
    if (const ArtefactInfo* activations = trial_artefact(artefacts, "activations", view, trial)) add_tsne(section, view, trial, *activations);
  }
}

void add_class_accuracy(ReportSection& section, const RunView& view) {
  std::size_t classes = 0;
  while (view.has_metric(fmt::format("train_class_accuracy.{}", classes)) || view.has_metric(fmt::format("test_class_accuracy.{}", classes))) ++classes;
  if (classes == 0) return;
  const std::vector<std::string> names = names_for(view, classes);
  for (const TrialGroup& trial : view.trials) {
    const auto members = std::span(trial.members).first(std::min(trial.members.size(), max_members));
    std::vector<Panel> panels;
    for (const char* split : {"train", "test"}) {
      // Each class's median over the members by epoch, on the union of their epochs.
      std::vector<Band> rows;
      std::map<Epoch, std::size_t> column;
      for (std::size_t c = 0; c < classes; ++c) {
        rows.push_back(band_of(*view.store, view.id(), members, fmt::format("{}_class_accuracy.{}", split, c), false));
        for (const double x : rows.back().x) column.emplace(static_cast<Epoch>(x), 0);
      }
      if (column.empty()) continue;
      std::vector<double> epochs;
      for (auto& [epoch, position] : column) {
        position = epochs.size();
        epochs.push_back(static_cast<double>(epoch));
      }
      Matrix values{classes, epochs.size(), std::vector<double>(classes * epochs.size(), std::nan(""))};
      for (std::size_t c = 0; c < classes; ++c)
        for (std::size_t i = 0; i < rows[c].x.size(); ++i) values.values[c * epochs.size() + column[static_cast<Epoch>(rows[c].x[i])]] = rows[c].mid[i];
      panels.push_back(epoch_heatmap_panel(epochs, values, EpochHeatmapOptions{.title = fmt::format("{} set", split), .y_label = "class",
                                                                                .value_label = "accuracy", .row_labels = names, .min = 0.0, .max = 1.0}));
    }
    if (panels.empty()) continue;
    const int columns = static_cast<int>(panels.size());
    Figure figure{.width = columns == 1 ? 800 : 1000, .height = 60 + static_cast<int>(std::max<std::size_t>(classes, 4)) * 28 + 100,
                  .title = view.caption(fmt::format("per-class accuracy, {}", trial_name(view, trial))), .columns = columns, .panels = std::move(panels)};
    section.blocks.push_back(ReportFigure{
        fmt::format("{}-class-accuracy-trial-{}", view.stem, trial.trial), std::move(figure),
        view.caption(fmt::format("Accuracy (recall) of each class over epochs, {}: the median over {} member(s). Training on labels sorted by class "
                                 "shows forgetting as a class fading once later classes are trained; grey: not recorded.",
                                 trial_name(view, trial), members.size()))});
  }
}

}  // namespace nnlab
