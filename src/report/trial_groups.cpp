#include "report/trial_groups.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "core/statistics.hpp"
#include "report/layer_list_labels.hpp"
#include "store/checksum.hpp"

namespace nnlab {

namespace {

using nlohmann::json;

std::string text_of(const json& value) { return value.is_string() ? value.get<std::string>() : value.dump(); }

std::optional<double> number_of(const std::string& text) { return parse_number(text); }

}  // namespace

std::optional<double> parse_number(const std::string& text) {
  try {
    std::size_t used = 0;
    const double value = std::stod(text, &used);
    if (used == text.size() && std::isfinite(value)) return value;
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

std::string TrialGroup::label() const {
  std::string text;
  for (const auto& [key, value] : parameters) text += fmt::format("{}{}={}", text.empty() ? "" : " ", key, value);
  return text;
}

std::string TrialGroup::value_of(const std::string& key) const {
  for (const auto& [name, value] : parameters)
    if (name == key) return value;
  return "";
}

std::vector<TrialGroup> trials_of(const json& summary) {
  std::vector<TrialGroup> trials;
  if (!summary.is_object() || !summary.contains("trials") || !summary["trials"].is_array()) return trials;
  for (const auto& entry : summary["trials"]) {
    if (!entry.is_object()) continue;
    TrialGroup trial;
    trial.trial = entry.value("trial", Index{0});
    if (entry.contains("parameters") && entry["parameters"].is_object())
      for (const auto& [key, value] : entry["parameters"].items()) trial.parameters.emplace_back(key, text_of(value));
    trial.statistics = entry;
    trials.push_back(std::move(trial));
  }
  if (summary.contains("members") && summary["members"].is_array()) {
    for (const auto& member : summary["members"]) {
      if (!member.is_object()) continue;
      const Index t = member.value("trial", Index{0});
      for (auto& trial : trials)
        if (trial.trial == t) trial.members.push_back(member.value("member", Index{0}));
    }
  }
  for (auto& trial : trials) std::sort(trial.members.begin(), trial.members.end());
  // A swept list of layers is labelled by its layers, not by its whole text.
  std::set<std::string> keys;
  for (const auto& trial : trials)
    for (const auto& [key, value] : trial.parameters) keys.insert(key);
  for (const std::string& key : keys) {
    std::vector<std::string> values;
    for (const auto& trial : trials) values.push_back(trial.value_of(key));
    shorten_layer_lists(values);
    for (std::size_t t = 0; t < trials.size(); ++t)
      for (auto& [name, value] : trials[t].parameters)
        if (name == key) value = values[t];
  }
  return trials;
}

bool RunView::has_metric(const std::string& name) const { return std::binary_search(metrics.begin(), metrics.end(), name); }

const json* RunView::member(Index member) const {
  const auto row = member_rows.find(member);
  return row == member_rows.end() ? nullptr : &summary["members"][row->second];
}

bool RunView::has_success_criterion() const {
  if (!summary.contains("members") || !summary["members"].is_array()) return false;
  return std::any_of(summary["members"].begin(), summary["members"].end(),
                     [](const json& member) { return member.is_object() && member.contains("success_epoch"); });
}

std::optional<Epoch> RunView::success_epoch(Index index) const {
  const json* entry = member(index);
  if (entry == nullptr || !entry->contains("success_epoch") || !(*entry)["success_epoch"].is_number()) return std::nullopt;
  return (*entry)["success_epoch"].get<Epoch>();
}

std::string RunView::caption(const std::string& text) const { return tag.empty() ? text : tag + ": " + text; }

std::optional<Artefact> RunView::artefact(const ArtefactLabel& label) const {
  try {
    return store->get_artefact(id(), label);
  } catch (const DamagedArtefact& damaged) {
    skipped.push_back(damaged.what());
    return std::nullopt;
  }
}

RunView read_run_view(const RunStore& store, RunId run, bool compared) {
  RunView view;
  view.store = &store;
  view.record = store.get_run(run);
  const RunInfo& info = view.record.info;
  if (!info.summary_json.empty()) {
    json summary = json::parse(info.summary_json, nullptr, false);
    if (summary.is_object()) view.summary = std::move(summary);
  }
  view.trials = trials_of(view.summary);
  if (view.trials.empty() && !view.record.members.empty()) {  // no summary yet (a killed run): one group of everyone
    TrialGroup everyone;
    for (const MemberInfo& member : view.record.members) everyone.members.push_back(member.member);
    view.trials.push_back(std::move(everyone));
  }
  view.metrics = store.list_metrics(run);
  std::sort(view.metrics.begin(), view.metrics.end());
  if (view.summary.contains("members") && view.summary["members"].is_array()) {
    const json& members = view.summary["members"];
    for (std::size_t row = 0; row < members.size(); ++row)
      if (members[row].is_object()) view.member_rows.emplace(members[row].value("member", Index{0}), row);
  }
  // Keys in the order of the first trial; a key varies when some trial holds another value.
  if (!view.trials.empty()) {
    for (const auto& parameter : view.trials.front().parameters) {
      const std::string& key = parameter.first;
      const std::string& value = parameter.second;
      const bool varies = std::any_of(view.trials.begin(), view.trials.end(), [&](const TrialGroup& t) { return t.value_of(key) != value; });
      if (varies) {
        view.varying.push_back(key);
      } else {
        view.constant.push_back(fmt::format("{}={}", key, value));
      }
    }
  }
  // The summary keeps keys in alphabetical order, not the sweep's: the key that reads best along
  // an axis or as colours comes first (numbers before words, then more distinct values first); a
  // key with few values makes the panels of small multiples.
  const auto distinct = [&](const std::string& key) {
    std::set<std::string> values;
    for (const TrialGroup& trial : view.trials) values.insert(trial.value_of(key));
    return values.size();
  };
  const auto numeric = [&](const std::string& key) {
    return std::all_of(view.trials.begin(), view.trials.end(), [&](const TrialGroup& t) { return parse_number(t.value_of(key)).has_value(); });
  };
  std::stable_sort(view.varying.begin(), view.varying.end(), [&](const std::string& a, const std::string& b) {
    return std::pair(!numeric(a), -static_cast<long>(distinct(a))) < std::pair(!numeric(b), -static_cast<long>(distinct(b)));
  });
  if (config_uses_fashion_mnist(info.resolved_config)) view.class_names = fashion_mnist_class_names();
  view.stem = compared ? fmt::format("run{}-{}", run, info.name) : info.name;
  view.tag = compared ? fmt::format("Run {} ({})", run, info.name) : "";
  return view;
}

std::string keys_title(std::span<const std::string> keys) {
  std::string text;
  for (const std::string& key : keys) text += (text.empty() ? "" : ", ") + key;
  return text;
}

std::string values_of(const TrialGroup& trial, std::span<const std::string> keys) {
  std::string text;
  for (const std::string& key : keys) text += (text.empty() ? "" : ", ") + trial.value_of(key);
  return text;
}

std::string short_key(const std::string& key, std::span<const std::string> keys) {
  const auto last = [](const std::string& k) { return k.substr(k.rfind('.') == std::string::npos ? 0 : k.rfind('.') + 1); };
  const std::string mine = last(key);
  const auto same = std::count_if(keys.begin(), keys.end(), [&](const std::string& other) { return last(other) == mine; });
  return same > 1 || mine.empty() ? key : mine;
}

std::string short_trial_title(const RunView& view, const TrialGroup& trial) {
  std::string text;
  for (const std::string& key : view.varying)
    text += fmt::format("{}{} = {}", text.empty() ? "" : ", ", short_key(key, view.varying), trial.value_of(key));
  return text.empty() ? fmt::format("trial {}", trial.trial) : text;
}

std::string trial_name(const RunView& view, const TrialGroup& trial) {
  if (view.trials.size() <= 1 && trial.parameters.empty()) return "all members";
  std::string values;
  for (const std::string& key : view.varying) values += fmt::format("{}{}={}", values.empty() ? "" : ", ", key, trial.value_of(key));
  return values.empty() ? fmt::format("trial {}", trial.trial) : fmt::format("trial {} ({})", trial.trial, values);
}

std::string trial_member_name(const RunView& view, const TrialGroup& trial, Index member) {
  if (view.trials.size() <= 1 && trial.parameters.empty()) return member_name(view, member);
  return fmt::format("{}, {}", trial_name(view, trial), member_name(view, member));
}

std::string member_name(const RunView& view, Index member) {
  const json* entry = view.member(member);
  if (entry != nullptr && entry->contains("seed") && (*entry)["seed"].is_number())
    return fmt::format("member {}, seed {}", member, (*entry)["seed"].get<std::uint64_t>());
  return fmt::format("member {}", member);
}

std::optional<Index> median_member(const RunView& view, const TrialGroup& trial) {
  if (trial.members.empty()) return std::nullopt;
  std::vector<double> losses;
  for (const Index m : trial.members) {
    const json* entry = view.member(m);
    const bool known = entry != nullptr && entry->contains("train_loss") && (*entry)["train_loss"].is_number();
    losses.push_back(known ? (*entry)["train_loss"].get<double>() : INFINITY);  // null in the JSON: not finite
  }
  return trial.members[lower_median_position(losses)];
}

const ArtefactInfo* trial_artefact(const std::vector<ArtefactInfo>& artefacts, const std::string& kind, const RunView& view, const TrialGroup& trial) {
  const std::optional<Index> median = median_member(view, trial);
  const ArtefactInfo* found = nullptr;
  for (const ArtefactInfo& artefact : artefacts) {
    if (artefact.label.kind != kind || !artefact.label.member) continue;
    const Index member = *artefact.label.member;
    if (!std::binary_search(trial.members.begin(), trial.members.end(), member)) continue;
    if (median && member == *median) return &artefact;
    if (found == nullptr || member < *found->label.member) found = &artefact;
  }
  return found;
}

std::map<std::string, Color> value_colors(const std::vector<std::string>& values) {
  std::vector<std::string> distinct;
  for (const std::string& value : values)
    if (std::find(distinct.begin(), distinct.end(), value) == distinct.end()) distinct.push_back(value);
  std::map<std::string, Color> colors;
  const bool numeric = distinct.size() > 1 && std::all_of(distinct.begin(), distinct.end(), [](const std::string& v) { return number_of(v).has_value(); });
  if (numeric) {
    std::sort(distinct.begin(), distinct.end(), [](const std::string& a, const std::string& b) { return *number_of(a) < *number_of(b); });
    // Up to 0.85 of viridis: its last, yellow stretch is too faint on white for a line.
    for (std::size_t i = 0; i < distinct.size(); ++i)
      colors[distinct[i]] = sample(ColorMap::viridis, 0.85 * static_cast<double>(i) / static_cast<double>(distinct.size() - 1));
  } else if (distinct.size() <= static_cast<std::size_t>(palette_size)) {
    for (std::size_t i = 0; i < distinct.size(); ++i) colors[distinct[i]] = palette_color(static_cast<int>(i));
  } else {
    for (std::size_t i = 0; i < distinct.size(); ++i) colors[distinct[i]] = class_color(static_cast<int>(i));
  }
  return colors;
}

std::string TrialLayout::entry(const TrialGroup& trial) const {
  return legend_keys.empty() ? fmt::format("trial {}", trial.trial) : values_of(trial, legend_keys);
}

Color TrialLayout::color(const TrialGroup& trial) const {
  const auto found = colors.find(entry(trial));
  return found == colors.end() ? palette_color(0) : found->second;
}

std::string TrialLayout::panel_title(const PanelTrials& panel) const {
  return panel_key.empty() ? "" : fmt::format("{} = {}", panel_short_key, panel.value);
}

TrialLayout trial_layout(const RunView& view) {
  TrialLayout layout;
  std::vector<std::string> second;
  if (view.varying.size() == 2)
    for (const TrialGroup& trial : view.trials)
      if (std::find(second.begin(), second.end(), trial.value_of(view.varying[1])) == second.end()) second.push_back(trial.value_of(view.varying[1]));
  if (second.size() >= 2 && second.size() <= 9) {
    layout.legend_keys = {view.varying[0]};
    layout.panel_key = view.varying[1];
    layout.panel_short_key = short_key(layout.panel_key, view.varying);
    // Panels in the key's order: numbers ascending, other values as they come.
    if (std::all_of(second.begin(), second.end(), [](const std::string& v) { return number_of(v).has_value(); }))
      std::stable_sort(second.begin(), second.end(), [](const std::string& a, const std::string& b) { return *number_of(a) < *number_of(b); });
    for (const std::string& value : second) {
      TrialLayout::PanelTrials panel{.value = value, .trials = {}};
      for (std::size_t t = 0; t < view.trials.size(); ++t)
        if (view.trials[t].value_of(layout.panel_key) == value) panel.trials.push_back(t);
      layout.panels.push_back(std::move(panel));
    }
  } else {
    layout.legend_keys = view.varying;
    TrialLayout::PanelTrials panel;
    for (std::size_t t = 0; t < view.trials.size(); ++t) panel.trials.push_back(t);
    layout.panels.push_back(std::move(panel));
  }
  std::vector<std::string> entries;
  for (const TrialGroup& trial : view.trials) entries.push_back(layout.entry(trial));
  layout.colors = value_colors(entries);
  return layout;
}

const std::vector<std::string>& fashion_mnist_class_names() {
  static const std::vector<std::string> names = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                                 "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
  return names;
}

bool config_uses_fashion_mnist(const std::string& resolved_config) {
  // The data section: from a top-level "data:" line to the next top-level key (YAML), or the
  // whole text (flow style, JSON) when there is no such line.
  std::string_view text = resolved_config;
  std::size_t begin = text.starts_with("data:") ? 0 : text.find("\ndata:");
  if (begin != std::string_view::npos) {
    if (text[begin] == '\n') ++begin;
    std::size_t end = begin;
    while ((end = text.find('\n', end + 1)) != std::string_view::npos)
      if (end + 1 < text.size() && text[end + 1] != ' ' && text[end + 1] != '\t' && text[end + 1] != '#' && text[end + 1] != '\n') break;
    text = text.substr(begin, end == std::string_view::npos ? std::string_view::npos : end - begin);
  }
  return text.find("fashion-mnist") != std::string_view::npos || text.find("fashion_mnist") != std::string_view::npos;
}

}  // namespace nnlab
