#include "report/adversarial_figures.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "report/curve_charts.hpp"
#include "report/member_bands.hpp"

namespace nnlab {
namespace {

using nlohmann::json;

constexpr std::size_t max_trials_drawn = 9;

struct MemberCurve {
  std::vector<double> eps, accuracy, confidence;
  std::string set = "test";
  std::int64_t steps = 1;
};

std::vector<double> numbers(const json& outcome, const char* key) {
  std::vector<double> values;
  if (!outcome.contains(key) || !outcome[key].is_array()) return values;
  for (const json& value : outcome[key]) values.push_back(value.is_number() ? value.get<double>() : std::nan(""));
  return values;
}

// The member's outcome; empty eps without one.
MemberCurve curve_of(const RunView& view, Index member) {
  MemberCurve curve;
  const json* entry = view.member(member);
  if (entry == nullptr || !entry->contains("adversarial") || !(*entry)["adversarial"].is_object()) return curve;
  const json& outcome = (*entry)["adversarial"];
  curve.eps = numbers(outcome, "eps");
  curve.accuracy = numbers(outcome, "accuracy");
  curve.confidence = numbers(outcome, "confidence");
  if (curve.accuracy.size() != curve.eps.size() || curve.confidence.size() != curve.eps.size()) return MemberCurve{};
  if (outcome.contains("set") && outcome["set"].is_string()) curve.set = outcome["set"].get<std::string>();
  if (outcome.contains("steps") && outcome["steps"].is_number_integer()) curve.steps = outcome["steps"].get<std::int64_t>();
  return curve;
}

// The median over members at each eps, their range, and each member's line.
Band eps_band(const std::vector<MemberCurve>& members, std::vector<double> MemberCurve::*field, std::string name, int color) {
  Band band{.name = std::move(name), .x = members.front().eps, .low = {}, .mid = {}, .high = {}, .runs = {}, .color = color};
  for (std::size_t e = 0; e < band.x.size(); ++e) {
    std::vector<double> at;
    for (const MemberCurve& member : members) at.push_back((member.*field)[e]);
    band.mid.push_back(finite_quantile(at, 0.5));
    band.low.push_back(finite_quantile(at, 0.0));
    band.high.push_back(finite_quantile(at, 1.0));
  }
  for (const MemberCurve& member : members) band.runs.push_back(member.*field);
  if (members.size() < 2) band.low.clear(), band.high.clear();
  return band;
}

std::string joined(const std::vector<double>& values, const char* format) {
  std::string text;
  for (const double value : values) text += (text.empty() ? "" : " / ") + (std::isfinite(value) ? fmt::format(fmt::runtime(format), value) : std::string("-"));
  return text;
}

}  // namespace

void add_adversarial_figures(ReportSection& section, const RunView& view) {
  Table table{.caption = "", .header = {"trial", "members", "eps", "accuracy (median)", "confidence (median)"}};
  std::vector<Band> bands;
  std::string set = "test";
  std::int64_t steps = 1;
  for (const TrialGroup& trial : view.trials) {
    std::vector<MemberCurve> members;
    for (const Index m : trial.members) {
      MemberCurve curve = curve_of(view, m);
      if (curve.eps.empty()) continue;
      if (!members.empty() && curve.eps != members.front().eps) continue;  // one trial, one configuration
      set = curve.set;
      steps = curve.steps;
      members.push_back(std::move(curve));
    }
    if (members.empty()) continue;
    const std::string name = view.trials.size() > 1 ? trial_name(view, trial) : "all members";
    Band accuracy = eps_band(members, &MemberCurve::accuracy, view.trials.size() > 1 ? short_trial_title(view, trial) : "accuracy",
                             static_cast<int>(bands.size()));
    const Band confidence = eps_band(members, &MemberCurve::confidence, "confidence", 0);
    table.rows.push_back({name, std::to_string(members.size()), joined(members.front().eps, "{:g}"), joined(accuracy.mid, "{:.4f}"),
                          joined(confidence.mid, "{:.3f}")});
    if (bands.size() < max_trials_drawn) bands.push_back(std::move(accuracy));
  }
  if (table.rows.empty()) return;
  const std::string attack = steps > 1 ? fmt::format("PGD ({} steps)", steps) : std::string("FGSM");
  table.caption = view.caption(fmt::format("Adversarial examples ({}): {} accuracy and mean confidence per eps, median over each trial's replicates",
                                           attack, set));
  Figure figure = band_chart(bands, BandChartOptions{.title = view.caption(fmt::format("{} {} accuracy vs eps", attack, set)), .x_label = "eps",
                                                     .y_label = set + " accuracy", .band_label = "range over replicates",
                                                     .runs_label = "each replicate", .band_opacity = bands.size() > 2 ? 0.15 : 0.3});
  section.blocks.push_back(ReportFigure{
      view.stem + "-adversarial", std::move(figure),
      view.caption(fmt::format("Adversarial examples (Goodfellow et al. 2015): {} accuracy of the final weights on each member's own examples "
                               "x' = clip(x + eps · sign(∇x L), lo, hi){}; eps = 0 is the clean accuracy. The lines are the median over the "
                               "trial's replicates, the band their range, the thin lines each replicate.{}",
                               set, steps > 1 ? fmt::format(", iterated {} times and projected to the eps ball (PGD)", steps) : "",
                               view.trials.size() > max_trials_drawn ? fmt::format(" The first {} trials are drawn; the table lists all.", max_trials_drawn)
                                                                     : ""))});
  section.blocks.push_back(std::move(table));
}

}  // namespace nnlab
