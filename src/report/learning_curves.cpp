#include "report/learning_curves.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "report/curve_charts.hpp"
#include "report/member_bands.hpp"

namespace nnlab {

namespace {

using nlohmann::json;

struct Split {
  const char* key;
  int color;  // palette index: train blue, test vermillion, validation green
};
constexpr Split splits[] = {{"train", 0}, {"validation", 2}, {"test", 1}};

std::string capitalised(std::string text) {
  if (!text.empty()) text[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
  return text;
}

std::vector<Index> everyone(const RunView& view) {
  std::vector<Index> members;
  for (const TrialGroup& trial : view.trials) members.insert(members.end(), trial.members.begin(), trial.members.end());
  std::sort(members.begin(), members.end());
  return members;
}

std::string fixed_keys(const RunView& view) {
  std::string text;
  for (const std::string& key : view.constant) text += (text.empty() ? " Same in every trial: " : ", ") + key;
  return text.empty() ? "" : text + ".";
}

std::size_t largest_trial(const RunView& view) {
  std::size_t largest = 0;
  for (const TrialGroup& trial : view.trials) largest = std::max(largest, trial.members.size());
  return largest;
}

// One band per split over all members: a run without a sweep.
void add_pooled_curves(ReportSection& section, const RunView& view) {
  const std::vector<Index> members = everyone(view);
  for (const std::string quantity : {"loss", "accuracy"}) {
    std::vector<Band> bands;
    for (const Split& split : splits) {
      const std::string metric = fmt::format("{}_{}", split.key, quantity);
      if (!view.has_metric(metric)) continue;
      Band band = band_of(*view.store, view.id(), members, metric);
      band.name = split.key;
      band.color = split.color;
      bands.push_back(std::move(band));
      if (std::string(split.key) == "train" && view.has_metric(metric + "_running")) {
        Band running = band_of(*view.store, view.id(), members, metric + "_running", false);
        running.name = "train, running mean over the epoch's batches";
        running.color = 5;
        bands.push_back(std::move(running));
      }
    }
    if (bands.empty()) continue;
    const std::string what =
        members.size() == 1 ? "" : fmt::format(" (median over the {} members, 25–75 % band, faint: each member)", members.size());
    for (const ScaleKind scale : {ScaleKind::linear, ScaleKind::log}) {
      if (scale == ScaleKind::log && (quantity == "accuracy" || !spans_decades(bands))) continue;
      const std::string scale_name = scale == ScaleKind::log ? " (log scale)" : "";
      Figure figure = band_chart(bands, BandChartOptions{.title = view.caption(fmt::format("{} over epochs{}", quantity, scale_name)),
                                                         .x_label = "epoch", .y_label = quantity, .y_scale = scale,
                                                         .runs_label = "each member (seed)"});
      section.blocks.push_back(ReportFigure{fmt::format("{}-{}{}", view.stem, quantity, scale == ScaleKind::log ? "-log" : ""), std::move(figure),
                                            view.caption(fmt::format("{} over epochs{}{}.", capitalised(quantity), what, scale_name))});
    }
  }
}

// A sweep: one curve (and band) per trial, a column per split, a row per value of a second key.
void add_trial_curves(ReportSection& section, const RunView& view) {
  const TrialLayout layout = trial_layout(view);
  const bool replicated = largest_trial(view) > 1;
  for (const std::string quantity : {"loss", "accuracy"}) {
    std::vector<const Split*> present;
    for (const Split& split : splits)
      if (view.has_metric(fmt::format("{}_{}", split.key, quantity))) present.push_back(&split);
    if (present.empty()) continue;
    // Bands first (panel by panel, split by split), so that the scale can follow all of them.
    std::vector<std::vector<Band>> panel_bands;
    std::vector<std::string> titles;
    std::vector<Band> all;
    for (const auto& group : layout.panels) {
      for (const Split* split : present) {
        std::vector<Band> bands;
        for (const std::size_t t : group.trials) {
          const TrialGroup& trial = view.trials[t];
          Band band = band_of(*view.store, view.id(), trial.members, fmt::format("{}_{}", split->key, quantity), false);
          if (band.x.empty()) continue;
          band.name = layout.entry(trial);
          band.exact_color = layout.color(trial);
          bands.push_back(std::move(band));
        }
        all.insert(all.end(), bands.begin(), bands.end());
        panel_bands.push_back(std::move(bands));
        const std::string where = layout.panel_title(group);
        // One split: the figure's title and caption name it, the panel only its value.
        titles.push_back(where.empty() ? split->key : present.size() == 1 ? where : fmt::format("{} · {}", split->key, where));
      }
    }
    if (all.empty()) continue;
    const ScaleKind scale = quantity == "loss" && spans_decades(all) ? ScaleKind::log : ScaleKind::linear;
    std::vector<Panel> panels;
    for (std::size_t p = 0; p < panel_bands.size(); ++p) {
      Figure chart = band_chart(panel_bands[p], BandChartOptions{.title = titles[p], .x_label = "epoch", .y_label = quantity, .y_scale = scale,
                                                                 .band_label = "25–75 % of a trial's replicates"});
      Panel panel = std::move(chart.panels.front());
      panel.legend_title = layout.legend_keys.empty() ? "trial" : keys_title(layout.legend_keys);
      panels.push_back(std::move(panel));
    }
    // A column per split; with one split, the panels of the second key side by side instead.
    const int columns = present.size() > 1 ? static_cast<int>(present.size()) : std::min<int>(3, static_cast<int>(layout.panels.size()));
    const bool one_row = static_cast<int>(panels.size()) <= columns;
    Figure figure = panel_grid(std::move(panels),
                               GridOptions{.title = view.caption(fmt::format("{}{} over epochs by {}{}", present.size() == 1 ? std::string(present.front()->key) + " " : "", quantity,
                                                                            layout.legend_keys.empty() ? "trial" : keys_title(layout.legend_keys),
                                                                            scale == ScaleKind::log ? " (log scale)" : "")),
                                           .columns = columns, .width = columns == 1 ? 800 : 1000, .panel_height = one_row ? 480 : 360});
    std::string split_names;
    for (const Split* split : present) split_names += (split_names.empty() ? "" : " | ") + std::string(split->key);
    const std::string caption = fmt::format(
        "{} over epochs, one curve per trial coloured by {}{}; columns: {}. {}{}{}", capitalised(quantity),
        layout.legend_keys.empty() ? "trial" : keys_title(layout.legend_keys),
        layout.panel_key.empty() ? "" : fmt::format(", one panel per value of {}", layout.panel_key), split_names,
        replicated ? "Each curve is the median over that trial's replicates (seeds) only, the band their 25–75 %." : "Each trial has one member: its curve.",
        scale == ScaleKind::log ? " Log scale: the values span decades." : "", fixed_keys(view));
    section.blocks.push_back(ReportFigure{fmt::format("{}-{}-by-trial", view.stem, quantity), std::move(figure), view.caption(caption)});
  }
}

std::optional<double> member_number(const RunView& view, Index member, const std::string& key) {
  const json* entry = view.member(member);
  if (entry == nullptr || !entry->contains(key) || !(*entry)[key].is_number()) return std::nullopt;
  return (*entry)[key].get<double>();
}

}  // namespace

void add_learning_curves(ReportSection& section, const RunView& view) {
  if (view.trials.size() > 1) {
    add_trial_curves(section, view);
  } else {
    add_pooled_curves(section, view);
  }
}

void add_sweep_summaries(ReportSection& section, const RunView& view) {
  if (view.trials.size() < 2 || view.varying.empty()) return;
  const std::string& key = view.varying.front();
  const std::vector<std::string> rest(view.varying.begin() + 1, view.varying.end());
  // Trials by the values of the other keys: a panel each.
  std::vector<std::pair<std::string, std::vector<std::size_t>>> groups;
  for (std::size_t t = 0; t < view.trials.size(); ++t) {
    const std::string values = values_of(view.trials[t], rest);
    auto group = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == values; });
    if (group == groups.end()) group = groups.insert(groups.end(), {values, {}});
    group->second.push_back(t);
  }
  if (groups.size() > 9) return;
  // Numbers on a numeric axis; words (relu, tanh) as categories in the trials' order.
  std::vector<std::string> categories;
  bool numeric = true;
  for (const TrialGroup& trial : view.trials) {
    numeric = numeric && parse_number(trial.value_of(key)).has_value();
    if (std::find(categories.begin(), categories.end(), trial.value_of(key)) == categories.end()) categories.push_back(trial.value_of(key));
  }
  const auto x_of = [&](const TrialGroup& trial) {
    return numeric ? *parse_number(trial.value_of(key))
                   : static_cast<double>(std::find(categories.begin(), categories.end(), trial.value_of(key)) - categories.begin());
  };
  const std::size_t replicates = largest_trial(view);
  for (const std::string quantity : {"loss", "accuracy"}) {
    std::vector<std::vector<Band>> panel_groups;
    std::vector<Band> all;
    std::string split_names;
    for (const auto& [values, members_of] : groups) {
      std::vector<std::size_t> order = members_of;
      std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return x_of(view.trials[a]) < x_of(view.trials[b]); });
      std::vector<Band> bands;
      for (const Split& split : splits) {
        const std::string field = fmt::format("{}_{}", split.key, quantity);
        Band band{.name = split.key, .color = split.color};
        bool any = false;
        std::vector<std::vector<double>> per_trial;
        for (const std::size_t t : order) {
          std::vector<double> finals;
          for (const Index m : view.trials[t].members) {
            const auto value = member_number(view, m, field);
            any = any || value.has_value();
            finals.push_back(value.value_or(std::nan("")));
          }
          band.x.push_back(x_of(view.trials[t]));
          band.mid.push_back(finite_quantile(finals, 0.5));
          if (replicates > 1) {
            band.low.push_back(finite_quantile(finals, 0.25));
            band.high.push_back(finite_quantile(finals, 0.75));
          }
          per_trial.push_back(std::move(finals));
        }
        if (!any) continue;
        if (replicates > 1) {
          band.runs.assign(replicates, std::vector<double>(order.size(), std::nan("")));
          for (std::size_t i = 0; i < per_trial.size(); ++i)
            for (std::size_t r = 0; r < per_trial[i].size(); ++r) band.runs[r][i] = per_trial[i][r];
        }
        if (groups.front().first == values) split_names += (split_names.empty() ? "" : ", ") + std::string(split.key);
        bands.push_back(std::move(band));
      }
      all.insert(all.end(), bands.begin(), bands.end());
      panel_groups.push_back(std::move(bands));
    }
    if (all.empty()) continue;
    const ScaleKind y_scale = quantity == "loss" && spans_decades(all) ? ScaleKind::log : ScaleKind::linear;
    std::vector<Panel> panels;
    for (std::size_t g = 0; g < groups.size(); ++g) {
      const std::string title = rest.empty() ? "" : fmt::format("{} = {}", keys_title(rest), groups[g].first);
      Figure chart = sweep_chart(panel_groups[g], SweepChartOptions{.title = title, .x_label = key, .y_label = "final " + quantity,
                                                                     .x_scale = numeric ? std::nullopt : std::optional(ScaleKind::linear),
                                                                     .y_scale = y_scale, .runs_label = "each member"});
      Panel panel = std::move(chart.panels.front());
      if (!numeric) panel.x.categories = categories;
      panels.push_back(std::move(panel));
    }
    const int columns = std::min<int>(3, static_cast<int>(panels.size()));
    Figure figure = panel_grid(std::move(panels), GridOptions{.title = view.caption(fmt::format("final {} vs {}", quantity, key)), .columns = columns,
                                                              .width = columns == 1 ? 800 : 1000, .panel_height = groups.size() == 1 ? 480 : 360});
    const std::string caption = fmt::format(
        "Final {} of every trial against {} ({}): {}{}.{}", quantity, key, split_names,
        replicates > 1 ? "the median over a trial's replicates joined by a line, whiskers: their quartiles, faint dots: each member"
                       : "one member per trial",
        rest.empty() ? "" : fmt::format("; one panel per value of {}", keys_title(rest)), fixed_keys(view));
    section.blocks.push_back(ReportFigure{fmt::format("{}-sweep-final-{}", view.stem, quantity), std::move(figure), view.caption(caption)});
  }
}

void add_time_and_updates(ReportSection& section, const RunView& view) {
  if (!view.has_metric("epoch_seconds") || !view.has_metric("updates")) return;
  struct Timed {
    std::string name;
    std::vector<double> epoch, seconds, updates, loss;
    std::vector<double> timed_epoch, per_epoch;  // each epoch's own seconds
  };
  std::vector<Timed> timed;
  std::vector<Index> seen_populations;
  for (const MemberInfo& member : view.record.members) {
    if (std::find(seen_populations.begin(), seen_populations.end(), member.population) != seen_populations.end()) continue;
    seen_populations.push_back(member.population);
    const MetricSeries seconds = view.store->read_series(view.id(), member.member, "epoch_seconds");
    const MetricSeries updates = view.store->read_series(view.id(), member.member, "updates");
    const MetricSeries loss = view.store->read_series(view.id(), member.member, "train_loss");
    if (seconds.epochs.empty() || updates.epochs.empty() || loss.epochs.empty()) continue;
    std::map<Epoch, double> elapsed, steps;
    double total = 0;
    for (std::size_t i = 0; i < seconds.epochs.size(); ++i) elapsed[seconds.epochs[i]] = total += std::max(0.0f, seconds.values[i]);
    for (std::size_t i = 0; i < updates.epochs.size(); ++i) steps[updates.epochs[i]] = updates.values[i];
    elapsed.emplace(0, 0.0);  // the initial weights (epoch 0): no time spent, no update made
    steps.emplace(0, 0.0);
    Timed line;
    std::string description;
    for (const PopulationInfo& population : view.record.populations)
      if (population.population == member.population) description = population.description;
    line.name = description.empty() ? fmt::format("population {}", member.population) : description;
    for (std::size_t i = 0; i < loss.epochs.size(); ++i) {
      const Epoch e = loss.epochs[i];
      if (!elapsed.contains(e) || !steps.contains(e)) continue;
      line.epoch.push_back(static_cast<double>(e));
      line.seconds.push_back(elapsed[e]);
      line.updates.push_back(steps[e]);
      line.loss.push_back(loss.values[i]);
    }
    for (std::size_t i = 0; i < seconds.epochs.size(); ++i) {
      line.timed_epoch.push_back(static_cast<double>(seconds.epochs[i]));
      line.per_epoch.push_back(seconds.values[i]);
    }
    if (!line.epoch.empty()) timed.push_back(std::move(line));
  }
  if (timed.empty()) return;
  // Populations differ in a few parts of their description ("784-300-10 relu, sgd, batch 64"): the
  // legend shows those parts only, and one population needs no legend.
  std::vector<std::vector<std::string>> parts;
  for (const Timed& line : timed) {
    std::vector<std::string> pieces;
    for (std::size_t begin = 0; begin <= line.name.size();) {
      const std::size_t end = std::min(line.name.find(", ", begin), line.name.size());
      pieces.push_back(line.name.substr(begin, end - begin));
      begin = end + 2;
    }
    parts.push_back(std::move(pieces));
  }
  for (std::size_t i = 0; i < timed.size(); ++i) {
    std::string shown;
    for (const std::string& piece : parts[i]) {
      const bool shared = std::all_of(parts.begin(), parts.end(), [&](const auto& other) { return std::find(other.begin(), other.end(), piece) != other.end(); });
      if (!shared) shown += (shown.empty() ? "" : ", ") + piece;
    }
    if (!shown.empty()) timed[i].name = shown;
  }
  const std::string common = timed.size() == 1 ? timed.front().name : "";
  // Log axes where the values span two decades: a full batch makes one update an epoch, batch 64 a thousand.
  const auto scale_of = [&](auto field) {
    double low = INFINITY, high = 0;
    for (const Timed& line : timed)
      for (const double v : line.*field)
        if (std::isfinite(v) && v > 0) low = std::min(low, v), high = std::max(high, v);
    return high > 0 && high / low >= 100 ? ScaleKind::log : ScaleKind::linear;
  };
  const ScaleKind loss_scale = scale_of(&Timed::loss);
  const auto panel_of = [&](const std::string& title, const std::string& x_label, auto x_field, auto y_field, ScaleKind x_scale, ScaleKind y_scale,
                            const std::string& y_label) {
    std::vector<Series> series;
    for (std::size_t i = 0; i < timed.size(); ++i) {
      const Timed& line = timed[i];
      series.push_back(Series{.name = timed.size() > 1 ? line.name : "", .x = line.*x_field, .y = line.*y_field, .color = static_cast<int>(i)});
    }
    Panel panel = std::move(line_chart(series, LineChartOptions{.title = title, .x_label = x_label, .y_label = y_label, .x_scale = x_scale, .y_scale = y_scale})
                                .panels.front());
    panel.legend_title = "population";
    return panel;
  };
  std::vector<Panel> panels;
  panels.push_back(panel_of("train loss by epoch", "epoch", &Timed::epoch, &Timed::loss, ScaleKind::linear, loss_scale, "train loss"));
  panels.push_back(panel_of("train loss by wall time", "seconds of training", &Timed::seconds, &Timed::loss, scale_of(&Timed::seconds), loss_scale, "train loss"));
  panels.push_back(panel_of("train loss by updates", "optimiser updates", &Timed::updates, &Timed::loss, scale_of(&Timed::updates), loss_scale, "train loss"));
  panels.push_back(panel_of("seconds per epoch", "epoch", &Timed::timed_epoch, &Timed::per_epoch, ScaleKind::linear, ScaleKind::linear, "seconds"));
  Figure figure = panel_grid(std::move(panels), GridOptions{.title = view.caption("epochs, time and updates"), .columns = 2, .width = 1000,
                                                            .panel_height = 380, .share_y = false, .share_x = false});
  section.blocks.push_back(ReportFigure{
      view.stem + "-epochs-time-updates", std::move(figure),
      view.caption(fmt::format("Train loss of the first member of each population{} against epochs, wall-clock seconds of training and optimiser "
                               "updates, and the seconds each epoch took: a smaller batch makes more updates per epoch, each cheaper.",
                               common.empty() ? "" : " (" + common + ")"))});
}

}  // namespace nnlab
