#include "report/depth_figures.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "report/histogram_figures.hpp"
#include "report/member_bands.hpp"
#include "report/violins.hpp"

namespace nnlab {
namespace {

using Entry = StoredHistograms::Entry;

constexpr std::size_t max_trials = 12;  // more panels than this are too small to read
constexpr int max_columns = 4;
constexpr double bounded = 1.0;  // tanh's range: panels within ±1 share it

bool same_bins(const Entry& a, const Entry& b) {
  return a.bins.low == b.bins.low && a.bins.high == b.bins.high && a.bins.counts == b.bins.counts && a.nonfinite == b.nonfinite;
}

bool has_counts(const Entry& entry) {
  return std::any_of(entry.bins.counts.begin(), entry.bins.counts.end(), [](double c) { return c > 0; });
}

// A trial's panel at one epoch: its member and the layers drawn.
struct DepthPanel {
  const TrialGroup* trial = nullptr;
  Index member = 0;
  std::vector<const Entry*> layers;
};

struct ValueRange {
  double low = std::numeric_limits<double>::infinity();
  double high = -std::numeric_limits<double>::infinity();
  double magnitude() const { return std::max(std::abs(low), std::abs(high)); }
};

ValueRange range_of(const DepthPanel& panel) {
  ValueRange range;
  for (const Entry* entry : panel.layers)
    if (has_counts(*entry)) {
      range.low = std::min(range.low, entry->bins.low);
      range.high = std::max(range.high, entry->bins.high);
    }
  return range;
}

enum class YShare { bounded, shared, own };

// Panels of one row share [−1, 1] when every value lies in it (tanh, sigmoid); the union of their
// ranges when their largest magnitudes are within a factor 10; else each has its own.
YShare row_share(const std::vector<DepthPanel>& row, ValueRange& shared) {
  double smallest = std::numeric_limits<double>::infinity(), largest = 0;
  for (const DepthPanel& panel : row) {
    const ValueRange range = range_of(panel);
    if (!(range.low <= range.high)) continue;
    shared.low = std::min(shared.low, range.low);
    shared.high = std::max(shared.high, range.high);
    smallest = std::min(smallest, range.magnitude());
    largest = std::max(largest, range.magnitude());
  }
  if (!(shared.low <= shared.high)) return YShare::own;
  if (shared.low >= -bounded && shared.high <= bounded) return YShare::bounded;
  return row.size() > 1 && smallest > 0 && largest <= 10 * smallest ? YShare::shared : YShare::own;
}

Panel depth_panel(const RunView& view, const TrialLayout& layout, const DepthPanel& source, YShare share, const ValueRange& shared) {
  Panel panel;
  panel.title = view.trials.size() > 1 ? short_trial_title(view, *source.trial) : member_name(view, source.member);
  panel.x = Axis{.label = "layer", .grid = false};
  panel.y = Axis{.label = "activation"};
  if (share != YShare::own) {
    const Range range = share == YShare::bounded ? padded_range(-bounded, bounded, 0.04, ScaleKind::linear)
                                                 : padded_range(shared.low, shared.high, 0.04, ScaleKind::linear);
    panel.y.min = range.low;
    panel.y.max = range.high;
  }
  const ViolinStyle style{.color = layout.color(*source.trial), .root_counts = true};
  for (std::size_t i = 0; i < source.layers.size(); ++i) {
    panel.x.categories.push_back(std::to_string(source.layers[i]->layer));
    for (Mark& mark : violin_marks(source.layers[i]->bins, static_cast<double>(i), style)) panel.marks.push_back(std::move(mark));
  }
  return panel;
}

std::string layer_list(const std::set<std::size_t>& layers) {
  std::string text;
  for (auto it = layers.begin(); it != layers.end(); ++it)
    text += fmt::format("{}{}", it == layers.begin() ? "" : std::next(it) == layers.end() ? " and " : ", ", *it);
  return text;
}

}  // namespace

std::vector<const Entry*> drawn_hidden_layers(const StoredHistograms& document, std::set<std::size_t>& repeated) {
  std::vector<const Entry*> sorted;
  for (const Entry& entry : document.activations) sorted.push_back(&entry);
  std::sort(sorted.begin(), sorted.end(), [](const Entry* a, const Entry* b) { return a->layer < b->layer; });
  if (sorted.size() < 2) return {};
  sorted.pop_back();  // the output layer
  std::vector<const Entry*> drawn;
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    if (i > 0 && same_bins(*sorted[i], *sorted[i - 1])) {
      repeated.insert(sorted[i]->layer);
      continue;
    }
    drawn.push_back(sorted[i]);
  }
  return drawn;
}

void add_depth_figures(ReportSection& section, const RunView& view) {
  if (view.trials.empty() || view.trials.size() > max_trials) return;
  const auto histograms = stored_histograms(view);
  // Each trial's first member with histograms (replicate 0, as the recorder keeps them).
  std::map<Index, const std::vector<StoredHistograms>*> chosen;  // trial position -> documents
  std::map<Index, Index> member_of;
  std::set<Epoch> epochs;
  for (std::size_t t = 0; t < view.trials.size(); ++t)
    for (const Index member : view.trials[t].members)
      if (const auto found = histograms.find(member); found != histograms.end()) {
        chosen[static_cast<Index>(t)] = &found->second;
        member_of[static_cast<Index>(t)] = member;
        for (const StoredHistograms& document : found->second) epochs.insert(document.epoch);
        break;
      }
  if (chosen.empty()) return;
  const TrialLayout layout = trial_layout(view);
  for (const Epoch epoch : std::set<Epoch>{*epochs.begin(), *epochs.rbegin()}) {
    std::vector<Panel> panels;
    std::set<std::size_t> repeated;
    std::set<YShare> shares;
    std::size_t columns = 1, deepest = 0;
    for (const auto& group : layout.panels) {
      std::vector<DepthPanel> row;
      for (const std::size_t t : group.trials) {
        const auto documents = chosen.find(static_cast<Index>(t));
        if (documents == chosen.end()) continue;
        const auto document = std::find_if(documents->second->begin(), documents->second->end(),
                                           [&](const StoredHistograms& d) { return d.epoch == epoch; });
        if (document == documents->second->end()) continue;
        DepthPanel panel{.trial = &view.trials[t], .member = member_of[static_cast<Index>(t)], .layers = drawn_hidden_layers(*document, repeated)};
        deepest = std::max(deepest, panel.layers.size());
        if (!panel.layers.empty()) row.push_back(std::move(panel));
      }
      ValueRange shared;
      const YShare share = row_share(row, shared);
      if (!row.empty()) shares.insert(share);
      columns = std::max(columns, row.size());
      for (const DepthPanel& panel : row) panels.push_back(depth_panel(view, layout, panel, share, shared));
    }
    if (deepest < 2) continue;
    const int grid_columns = std::min<int>(max_columns, static_cast<int>(columns));
    const std::size_t rows = (panels.size() + static_cast<std::size_t>(grid_columns) - 1) / static_cast<std::size_t>(grid_columns);
    Figure figure = panel_grid(std::move(panels), GridOptions{.title = view.caption(fmt::format("hidden-layer activations across depth, epoch {}", epoch)),
                                                              .columns = grid_columns, .width = grid_columns == 1 ? 700 : std::min(1200, 280 * grid_columns + 80),
                                                              .panel_height = rows == 1 ? 420 : 340, .share_y = false, .share_x = false});
    std::string scales;
    if (shares.contains(YShare::bounded)) scales += " Panels whose values all lie in [−1, 1] (tanh, sigmoid) share that y axis.";
    if (shares.contains(YShare::shared)) scales += " Panels in a row whose ranges are within a factor 10 share one y axis.";
    if (shares.contains(YShare::own)) scales += " Other panels each have their own y axis: read its numbers.";
    const std::string who = view.trials.size() > 1 ? "one panel per trial (its first member, replicate 0)" : member_name(view, member_of.begin()->second);
    section.blocks.push_back(ReportFigure{
        fmt::format("{}-activations-by-depth-epoch-{}", view.stem, epoch), std::move(figure),
        view.caption(fmt::format(
            "Outputs of each hidden layer on the probe set (the first ≤ 1,000 training examples) at epoch {}{}, {}, one violin per hidden "
            "layer from the input side (left) on, the output layer left out: the layer's 40-bin histogram mirrored (width ∝ √count, so that thin tails show beside a spike; every "
            "violin as wide at its fullest bin), the dark box its "
            "quartiles, the white dot its median. What to look for: a vanishing signal puts all the mass at 0 in the deep layers; "
            "saturation puts it at ±1 (tanh), an exploding one grows its range layer after layer (relu); a healthy initialisation "
            "keeps about the same spread at every depth.{}{}",
            epoch, epoch == 0 ? " (the initial weights, before any step)" : "", who, scales,
            repeated.empty() ? "" : fmt::format(" {} {} {} left out: {} outputs equal the layer before's (a dropout or noise layer, the identity in evaluation).",
                                                repeated.size() > 1 ? "Layers" : "Layer", layer_list(repeated), repeated.size() > 1 ? "are" : "is", repeated.size() > 1 ? "their" : "its")))});
  }
}

}  // namespace nnlab
