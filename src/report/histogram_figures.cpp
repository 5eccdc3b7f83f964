#include "report/histogram_figures.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

#include "report/histogram_outlines.hpp"
#include "report/stored_weights.hpp"

namespace nnlab {

namespace {

constexpr double min_histogram_values = 50;  // fewer values make no histogram: they are drawn as points

const TrialGroup* trial_of(const RunView& view, Index member) {
  for (const TrialGroup& trial : view.trials)
    if (std::binary_search(trial.members.begin(), trial.members.end(), member)) return &trial;
  return nullptr;
}

// The trial a member belongs to, for captions.
std::string member_of_trial(const RunView& view, Index member) {
  for (const TrialGroup& trial : view.trials)
    if (std::binary_search(trial.members.begin(), trial.members.end(), member))
      return view.trials.size() > 1 ? fmt::format("{}, {}", trial_name(view, trial), member_name(view, member)) : member_name(view, member);
  return member_name(view, member);
}

// A layer's weights at each epoch as points, one row per epoch, coloured as the outlines are;
// nullopt when no snapshot of those epochs holds the layer.
std::optional<Panel> weight_points(const RunView& view, const std::vector<ArtefactInfo>& artefacts, Index member, std::size_t layer,
                                   const std::vector<StoredHistograms>& documents, const Panel& outline_panel) {
  Panel panel;
  panel.title = outline_panel.title;
  panel.x = Axis{.label = "weight"};
  panel.y = Axis{.label = "epoch", .reversed = true, .grid = false};
  bool any = false;
  for (std::size_t e = 0; e < documents.size(); ++e) {
    panel.y.categories.push_back(std::to_string(documents[e].epoch));
    const auto snapshot = std::find_if(artefacts.begin(), artefacts.end(), [&](const ArtefactInfo& a) {
      return a.label.kind == "snapshot" && a.label.member == member && a.label.epoch == documents[e].epoch;
    });
    if (snapshot == artefacts.end()) continue;
    const auto content = view.artefact(snapshot->label);
    if (!content) continue;
    const auto layers = decode_layers(content->content, 0, "snapshot " + snapshot->label.name);
    if (!layers) continue;
    for (const LayerWeights& stored : layers->layers) {
      if (stored.layer != static_cast<int>(layer)) continue;
      const int index = static_cast<int>(e);
      PointMark points{.color = palette_color(index), .shape = static_cast<MarkerShape>(palette_shape(index)), .radius = 4};
      for (const double value : stored.weight.values) {
        points.x.push_back(value);
        points.y.push_back(static_cast<double>(e));
      }
      panel.marks.push_back(std::move(points));
      any = true;
    }
  }
  if (!any) return std::nullopt;
  return panel;
}

void add_member_histograms(ReportSection& section, const RunView& view, const std::vector<ArtefactInfo>& artefacts, Index member,
                           const std::vector<StoredHistograms>& documents, bool first) {
  const std::string who = member_of_trial(view, member);
  const TrialGroup* trial = trial_of(view, member);
  const std::string suffix = view.trials.size() > 1 && trial != nullptr ? fmt::format("-trial-{}", trial->trial)
                             : first                                  ? ""
                                                                      : fmt::format("-member-{}", member);
  for (const bool weights : {true, false}) {
    std::map<std::size_t, OutlinePanel> by_layer;
    std::map<std::size_t, double> values;  // per layer, the most values any epoch binned
    for (std::size_t e = 0; e < documents.size(); ++e) {
      for (const auto& entry : weights ? documents[e].weights : documents[e].activations) {
        OutlinePanel& panel = by_layer[entry.layer];
        panel.title = fmt::format("layer {}", entry.layer);
        panel.outlines.push_back(HistogramOutline{
            .name = fmt::format("epoch {}{}", documents[e].epoch, entry.nonfinite > 0 ? fmt::format(" ({} NaN/Inf)", entry.nonfinite) : ""),
            .bins = entry.bins, .color = static_cast<int>(e)});
        double total = static_cast<double>(entry.nonfinite);
        for (const double count : entry.bins.counts) total += count;
        values[entry.layer] = std::max(values[entry.layer], total);
      }
    }
    std::erase_if(by_layer, [](const auto& layer) {
      return std::all_of(layer.second.outlines.begin(), layer.second.outlines.end(), [](const HistogramOutline& outline) {
        return std::all_of(outline.bins.counts.begin(), outline.bins.counts.end(), [](double c) { return c == 0; });
      });
    });
    if (by_layer.empty()) continue;
    std::vector<OutlinePanel> panels;
    std::vector<std::size_t> layers;
    for (auto& [layer, panel] : by_layer) {
      panels.push_back(std::move(panel));
      layers.push_back(layer);
    }
    const char* kind = weights ? "weights" : "activations";
    Figure figure = histogram_outlines(panels, HistogramOutlinesOptions{.title = view.caption(fmt::format("{} per layer, {}", kind, who)),
                                                                        .x_label = weights ? "weight" : "activation"});
    bool points = false;
    if (weights) {
      std::vector<LegendEntry> legend = figure.panels.front().legend;
      for (std::size_t i = 0; i < layers.size(); ++i) {
        if (values[layers[i]] >= min_histogram_values) continue;
        if (auto replaced = weight_points(view, artefacts, member, layers[i], documents, figure.panels[i])) {
          figure.panels[i] = std::move(*replaced);
          points = true;
        }
      }
      // The epochs' legend goes to the first panel still drawn as outlines (point rows name their epoch).
      for (Panel& panel : figure.panels)
        if (panel.y.categories.empty()) {
          panel.legend = legend;
          break;
        }
    }
    section.blocks.push_back(ReportFigure{
        fmt::format("{}-histogram-{}{}", view.stem, kind, suffix),
        std::move(figure),
        view.caption(fmt::format(
            "Histograms of each layer's {} ({}{}) at the recorded epochs, one outline per epoch: each bin's share of the values (40 equal-width bins "
            "per epoch); a range narrower than the panel's widest bin is drawn as one bar of that width.{}",
            weights ? "weights, biases excluded" : "outputs after the activation", who, weights ? "" : ", on the probe set: the first ≤ 1,000 training examples",
            points ? " A layer with fewer than 50 weights shows each weight as a point instead, a row per epoch." : ""))});
  }
}

}  // namespace

std::map<Index, std::vector<StoredHistograms>> stored_histograms(const RunView& view) {
  std::map<Index, std::vector<StoredHistograms>> by_member;
  for (const ArtefactInfo& artefact : view.store->list_artefacts(view.id())) {
    if (artefact.label.kind != "histograms") continue;
    const auto content = view.artefact(artefact.label);
    if (!content) continue;
    if (auto parsed = decode_histograms(content->content)) by_member[parsed->member].push_back(std::move(*parsed));
  }
  for (auto& [member, documents] : by_member)
    std::sort(documents.begin(), documents.end(), [](const auto& a, const auto& b) { return a.epoch < b.epoch; });
  return by_member;
}

void add_histograms(ReportSection& section, const RunView& view) {
  const std::vector<ArtefactInfo> artefacts = view.store->list_artefacts(view.id());
  bool first = true;
  for (const auto& [member, documents] : stored_histograms(view)) {
    add_member_histograms(section, view, artefacts, member, documents, first);
    first = false;
  }
}

}  // namespace nnlab
