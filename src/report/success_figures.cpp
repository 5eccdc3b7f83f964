#include "report/success_figures.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/statistics.hpp"
#include "report/bar_chart.hpp"
#include "report/curve_charts.hpp"
#include "report/member_bands.hpp"

namespace nnlab {

namespace {

using nlohmann::json;

std::string epoch_text(const json& value) {
  return value.is_number() ? fmt::format("{:.0f}", value.get<double>()) : std::string("—");
}

// "2756 (1100, 7800)" from a Kaplan–Meier time_to_success entry; quartiles not reached read "> N".
std::string time_to_success_text(const json& statistics) {
  if (!statistics.contains("time_to_success") || !statistics["time_to_success"].is_object()) return "—";
  const json& km = statistics["time_to_success"];
  const std::string beyond = km.contains("censored_at") && km["censored_at"].is_number() ? fmt::format("> {}", km["censored_at"].dump()) : "—";
  const auto part = [&](const char* key) { return km.contains(key) && km[key].is_number() ? epoch_text(km[key]) : beyond; };
  const std::string median = km.contains("median_text") && km["median_text"].is_string() ? km["median_text"].get<std::string>() : part("median");
  return fmt::format("{} ({}, {})", median, part("q25"), part("q75"));
}

std::string successes_only_text(const json& statistics) {
  if (!statistics.contains("epochs_to_success") || !statistics["epochs_to_success"].is_object()) return "—";
  const json& q = statistics["epochs_to_success"];
  if (q.value("count", Index{1}) == 0) return "—";
  return fmt::format("{} ({}, {})", epoch_text(q.value("median", json())), epoch_text(q.value("q25", json())), epoch_text(q.value("q75", json())));
}

// The epoch every member of the trial is followed to: the trial's configured epochs, else the most any member ran.
Epoch last_epoch(const RunView& view, const TrialGroup& trial) {
  if (trial.statistics.contains("epochs") && trial.statistics["epochs"].is_number()) return trial.statistics["epochs"].get<Epoch>();
  Epoch last = 0;
  for (const Index m : trial.members) {
    if (const json* entry = view.member(m); entry != nullptr && entry->contains("epochs") && (*entry)["epochs"].is_number())
      last = std::max(last, (*entry)["epochs"].get<Epoch>());
    if (const auto e = view.success_epoch(m)) last = std::max(last, *e);
  }
  return last;
}

void add_table(ReportSection& section, const RunView& view) {
  Table table{.caption = view.caption("Success per trial: members that met the criterion (95 % Wilson interval); time to success over all "
                                      "members (Kaplan–Meier, censored at the last epoch); epochs to success over the successful members only"),
              .header = {"trial", "parameters", "succeeded", "rate (95 % CI)", "time to success, all members: median (quartiles)",
                         "epochs to success, successes only: median (quartiles)", "diverged"}};
  for (const TrialGroup& trial : view.trials) {
    const json& s = trial.statistics;
    const Index members = s.value("members", static_cast<Index>(trial.members.size()));
    Index succeeded = s.value("succeeded", Index{0});
    if (!s.contains("succeeded"))
      for (const Index m : trial.members) succeeded += view.success_epoch(m).has_value();
    std::string count = fmt::format("{}/{}", succeeded, members);
    if (s.contains("successful_at_end") && s["successful_at_end"].is_number()) count += fmt::format(" ({} at the end)", s["successful_at_end"].dump());
    const auto interval = wilson_interval(succeeded, members);
    const double rate = members > 0 ? static_cast<double>(succeeded) / static_cast<double>(members) : 0.0;
    table.rows.push_back({std::to_string(trial.trial), trial.label().empty() ? "—" : trial.label(), count,
                          format_rate(rate, interval.first, interval.second), time_to_success_text(s), successes_only_text(s),
                          std::to_string(s.value("diverged", 0))});
  }
  section.blocks.push_back(std::move(table));
}

// The outcome histogram of seed 000: 1.0 / plateau / ≈0.5 / other / diverged, up to eight trials.
void add_outcomes(ReportSection& section, const RunView& view, const TrialLayout& layout) {
  const std::vector<std::string> categories = {"1.0", "plateau", "≈ 0.5", "other", "diverged"};
  std::vector<BarGroup> groups;
  for (const TrialGroup& trial : view.trials) {
    if (groups.size() == 8 || !trial.statistics.contains("outcomes") || !trial.statistics["outcomes"].is_object()) break;
    const json& o = trial.statistics["outcomes"];
    groups.push_back(BarGroup{view.trials.size() > 1 ? layout.entry(trial) : "members",
                              {o.value("perfect", 0.0), o.value("plateau", 0.0), o.value("near_half", 0.0), o.value("other", 0.0), o.value("diverged", 0.0)},
                              static_cast<int>(groups.size())});
  }
  if (groups.empty()) return;
  Figure figure = grouped_bar_chart(categories, groups, BarChartOptions{.title = view.caption("final train accuracy"), .x_label = "outcome", .y_label = "members"});
  if (view.trials.size() > 1) figure.panels.front().legend_title = layout.legend_keys.empty() ? "trial" : keys_title(layout.legend_keys);
  section.blocks.push_back(ReportFigure{view.stem + "-outcomes", std::move(figure),
                                        view.caption(fmt::format("Outcome of every member{}: perfect, the majority-class plateau (0.875 on the mirror task), "
                                                                 "near 0.5, other, diverged.",
                                                                 view.trials.size() > 8 ? " (the first eight trials)" : ""))});
}

void add_solved_curves(ReportSection& section, const RunView& view, const TrialLayout& layout) {
  std::vector<std::vector<Band>> panel_bands;
  Epoch first_success = -1, last = 0;
  for (const auto& group : layout.panels) {
    std::vector<Band> bands;
    for (const std::size_t t : group.trials) {
      const TrialGroup& trial = view.trials[t];
      if (trial.members.empty()) continue;
      last = std::max(last, last_epoch(view, trial));
      for (const Index m : trial.members)
        if (const auto e = view.success_epoch(m); e && (first_success < 0 || *e < first_success)) first_success = *e;
    }
    panel_bands.push_back(std::move(bands));
  }
  if (last <= 0) return;
  // A log axis when the epochs of interest (first success to the end) span two decades.
  const bool log_x = first_success >= 0 && last >= 100 * std::max<Epoch>(first_success, 1);
  const Epoch first = log_x ? 1 : 0;
  bool any = false;
  for (std::size_t p = 0; p < layout.panels.size(); ++p) {
    for (const std::size_t t : layout.panels[p].trials) {
      const TrialGroup& trial = view.trials[t];
      if (trial.members.empty()) continue;
      std::vector<std::optional<Epoch>> epochs;
      for (const Index m : trial.members) epochs.push_back(view.success_epoch(m));
      const SolvedCurve curve = solved_fraction(epochs, first, last_epoch(view, trial));
      panel_bands[p].push_back(Band{.name = view.trials.size() > 1 ? layout.entry(trial) : fmt::format("{} members", trial.members.size()),
                                    .x = curve.x, .low = curve.low, .mid = curve.fraction, .high = curve.high, .runs = {}, .color = 0,
                                    .exact_color = layout.color(trial)});
      any = true;
    }
  }
  if (!any) return;
  std::vector<Panel> panels;
  for (std::size_t p = 0; p < panel_bands.size(); ++p) {
    Figure chart = band_chart(panel_bands[p], BandChartOptions{.title = layout.panel_title(layout.panels[p]), .x_label = "epoch",
                                                               .y_label = "fraction of members solved", .x_scale = log_x ? ScaleKind::log : ScaleKind::linear,
                                                               .band_label = "95 % Wilson interval",
                                                               .band_opacity = panel_bands[p].size() > 2 ? 0.15 : 0.3});
    Panel panel = std::move(chart.panels.front());
    panel.y.min = -0.02;  // a trial that never succeeds stays visible above the axis line
    panel.y.max = 1.02;
    if (view.trials.size() > 1) panel.legend_title = layout.legend_keys.empty() ? "trial" : keys_title(layout.legend_keys);
    panels.push_back(std::move(panel));
  }
  const int columns = std::min<int>(3, static_cast<int>(panels.size()));
  Figure figure = panel_grid(std::move(panels), GridOptions{.title = view.caption("fraction solved by epoch"), .columns = columns,
                                                            .width = columns == 1 ? 800 : 1000, .panel_height = columns == 1 ? 480 : 360});
  section.blocks.push_back(ReportFigure{
      view.stem + "-fraction-solved", std::move(figure),
      view.caption(fmt::format("The fraction of ALL members of each trial that have met the success criterion by each epoch (members that never did, "
                               "diverged ones included, count as unsolved), with a 95 % Wilson interval per epoch; every member is followed to "
                               "epoch {}.{}",
                               last, log_x ? " Log epoch axis: the epochs span decades." : ""))});
}

}  // namespace

SolvedCurve solved_fraction(std::span<const std::optional<Epoch>> success_epochs, Epoch first, Epoch last) {
  SolvedCurve curve;
  const std::size_t n = success_epochs.size();
  if (n == 0 || last < first) return curve;
  std::vector<Epoch> epochs;
  for (const auto& e : success_epochs)
    if (e && *e <= last) epochs.push_back(*e);
  std::sort(epochs.begin(), epochs.end());
  const auto add = [&](Epoch x, std::size_t solved) {
    const auto [low, high] = wilson_interval(static_cast<std::int64_t>(solved), static_cast<std::int64_t>(n));
    curve.x.push_back(static_cast<double>(x));
    curve.fraction.push_back(static_cast<double>(solved) / static_cast<double>(n));
    curve.low.push_back(low);
    curve.high.push_back(high);
  };
  std::size_t solved = static_cast<std::size_t>(std::upper_bound(epochs.begin(), epochs.end(), first) - epochs.begin());
  add(first, solved);
  while (solved < epochs.size()) {
    const Epoch e = epochs[solved];
    const std::size_t after = static_cast<std::size_t>(std::upper_bound(epochs.begin(), epochs.end(), e) - epochs.begin());
    add(e, solved);
    add(e, after);
    solved = after;
  }
  if (curve.x.back() < static_cast<double>(last)) add(last, solved);
  return curve;
}

void add_success_figures(ReportSection& section, const RunView& view) {
  if (view.trials.empty() || !view.has_success_criterion()) return;
  const TrialLayout layout = trial_layout(view);
  add_table(section, view);
  add_outcomes(section, view, layout);
  add_solved_curves(section, view, layout);
}

}  // namespace nnlab
