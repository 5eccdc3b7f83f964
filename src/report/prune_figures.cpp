#include "report/prune_figures.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "report/curve_charts.hpp"
#include "report/image_grid.hpp"
#include "report/member_bands.hpp"

namespace nnlab {
namespace {

using nlohmann::json;

constexpr std::size_t max_rounds_drawn = 12;

double number(const json& round, const char* key) {
  return round.contains(key) && round[key].is_number() ? round[key].get<double>() : std::nan("");
}

// A member's rounds, or null when it did not prune.
const json* rounds_of(const RunView& view, Index member) {
  const json* entry = view.member(member);
  if (entry == nullptr || !entry->contains("prune")) return nullptr;
  const json& prune = (*entry)["prune"];
  return prune.is_object() && prune.contains("rounds") && prune["rounds"].is_array() ? &prune["rounds"] : nullptr;
}

// One point per round: x = the median share of weights kept (in %), mid / low / high = the median
// and range of `key` over the trial's members, runs = each member's values.
Band round_band(const RunView& view, const TrialGroup& trial, const char* key, std::string name, int color) {
  std::vector<const json*> members;
  for (const Index m : trial.members)
    if (const json* rounds = rounds_of(view, m)) members.push_back(rounds);
  Band band{.name = std::move(name), .x = {}, .low = {}, .mid = {}, .high = {}, .runs = {}, .color = color};
  std::size_t most = 0;
  for (const json* rounds : members) most = std::max(most, rounds->size());
  band.runs.assign(members.size(), {});
  for (std::size_t r = 0; r < most; ++r) {
    std::vector<double> kept, values;
    for (std::size_t i = 0; i < members.size(); ++i) {
      const json* round = r < members[i]->size() ? &(*members[i])[r] : nullptr;
      kept.push_back(round ? 100 * number(*round, "remaining") : std::nan(""));
      values.push_back(round ? number(*round, key) : std::nan(""));
      band.runs[i].push_back(values.back());
    }
    band.x.push_back(finite_quantile(kept, 0.5));
    band.mid.push_back(finite_quantile(values, 0.5));
    band.low.push_back(finite_quantile(values, 0.0));
    band.high.push_back(finite_quantile(values, 1.0));
  }
  if (members.size() < 2) band.low.clear(), band.high.clear();
  return band;
}

// The trial's title, with prune.reinit said in words: "ticket" or "random reinit".
std::string label(const RunView& view, const TrialGroup& trial) {
  const std::string reinit = trial.value_of("prune.reinit");
  if (reinit.empty()) return view.trials.size() > 1 ? short_trial_title(view, trial) : "all members";
  std::string rest;
  for (const auto& [key, value] : trial.parameters)
    if (key != "prune.reinit" && std::find(view.varying.begin(), view.varying.end(), key) != view.varying.end())
      rest += fmt::format("{}{}={}", rest.empty() ? "" : " ", key.substr(key.rfind('.') + 1), value);
  const std::string role = reinit == "true" ? "random reinit" : "ticket";
  return rest.empty() ? role : role + ", " + rest;
}

std::string median_cell(double value, const char* format) { return std::isfinite(value) ? fmt::format(fmt::runtime(format), value) : "-"; }

// The first member of the first pruning trial: its first layer's kept connections per input,
// each round a tile, when the inputs form a square image.
void add_mask_images(ReportSection& section, const RunView& view) {
  for (const TrialGroup& trial : view.trials)
    for (const Index m : trial.members) {
      const json* rounds = rounds_of(view, m);
      if (rounds == nullptr || rounds->empty()) continue;
      std::vector<Matrix> tiles;
      std::vector<std::string> captions;
      for (std::size_t r = 0; r < rounds->size() && tiles.size() < max_rounds_drawn; ++r) {
        const json& round = (*rounds)[r];
        if (!round.contains("first_layer_kept") || !round["first_layer_kept"].is_array()) return;
        const json& kept = round["first_layer_kept"];
        const auto side = static_cast<std::size_t>(std::lround(std::sqrt(static_cast<double>(kept.size()))));
        if (side < 2 || side * side != kept.size()) return;
        Matrix tile{.rows = side, .columns = side, .values = {}};
        for (const json& count : kept) tile.values.push_back(count.is_number() ? count.get<double>() : std::nan(""));
        tiles.push_back(std::move(tile));
        captions.push_back(fmt::format("round {}: {:.1f} %", r, 100 * number(round, "remaining")));
      }
      if (tiles.empty()) return;
      const std::string title = view.caption(fmt::format("First-layer connections kept per input pixel, member {}", m));
      section.blocks.push_back(ReportFigure{
          view.stem + "-prune-first-layer",
          image_grid(tiles, ImageGridOptions{.title = title, .captions = captions, .columns = std::min<int>(6, static_cast<int>(tiles.size())),
                                             .shared_scale = true, .value_label = "kept connections", .width = 1000,
                                             .height = 200 + 180 * static_cast<int>((tiles.size() + 5) / 6)}),
          view.caption(fmt::format("The surviving first-layer weights of member {} ({}): for every input pixel, how many of its connections to "
                                   "the first hidden layer each round keeps (the mask the round trains with; round 0 is dense). Pruning by "
                                   "magnitude removes the border pixels of the images first, where inputs are almost always 0.",
                                   m, label(view, trial)))});
      return;
    }
}

}  // namespace

void add_prune_figures(ReportSection& section, const RunView& view) {
  std::vector<Band> end, early, epoch;
  Table table{.caption = "", .header = {"trial", "round", "weights kept", "test accuracy (end)", "early-stop epoch", "test accuracy (early stop)"}};
  int color = 0;
  for (const TrialGroup& trial : view.trials) {
    Band at_end = round_band(view, trial, "test_accuracy", label(view, trial), color);
    if (at_end.x.empty()) continue;
    Band at_early = round_band(view, trial, "early_stop_test_accuracy", label(view, trial), color);
    Band stop = round_band(view, trial, "early_stop_epoch", label(view, trial), color);
    for (std::size_t r = 0; r < at_end.x.size(); ++r)
      table.rows.push_back({label(view, trial), std::to_string(r), median_cell(at_end.x[r], "{:.2f} %"), median_cell(at_end.mid[r], "{:.4f}"),
                            median_cell(stop.mid[r], "{:.0f}"), median_cell(at_early.mid[r], "{:.4f}")});
    end.push_back(std::move(at_end));
    early.push_back(std::move(at_early));
    epoch.push_back(std::move(stop));
    ++color;
  }
  if (end.empty()) return;
  const auto chart = [](std::span<const Band> bands, const std::string& y_label) {
    Figure figure = sweep_chart(bands, SweepChartOptions{.title = "", .x_label = "weights remaining (%)", .y_label = y_label, .x_scale = ScaleKind::log,
                                                         .runs_label = "each replicate"});
    return std::move(figure.panels.front());
  };
  std::vector<Panel> panels{chart(end, "test accuracy at the round's end"), chart(early, "test accuracy at the early-stop epoch"),
                            chart(epoch, "early-stop epoch (lowest validation loss)")};
  Figure figure = panel_grid(std::move(panels), GridOptions{.title = view.caption("Lottery tickets: accuracy and early-stop epoch vs weights remaining"),
                                                            .columns = 3, .width = 1200, .panel_height = 400, .share_y = false, .share_x = true});
  section.blocks.push_back(ReportFigure{
      view.stem + "-prune", std::move(figure),
      view.caption("Iterative magnitude pruning (Frankle & Carbin 2019): each point is a round, at the median share of weights it kept (log "
                   "axis; the paper draws it decreasing to the right); the line joins the medians over the trial's replicates, the whiskers "
                   "span their range and the dots are the replicates. The early-stop epoch is the round's epoch with the lowest validation "
                   "loss, as the paper's measure of learning speed. A random-reinit control trial trains the same masks from other random "
                   "weights.")});
  table.caption = view.caption("Lottery tickets: medians per round over each trial's replicates");
  section.blocks.push_back(std::move(table));
  add_mask_images(section, view);
}

}  // namespace nnlab
