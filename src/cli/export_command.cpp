#include "cli/export_command.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

#include "core/error.hpp"
#include "core/text.hpp"
#include "core/statistics.hpp"
#include "experiment/resume.hpp"
#include "experiment/suggest.hpp"
#include "store/store.hpp"

namespace nnlab {
namespace {

using nlohmann::json;

// Which trial each member belongs to and what the swept keys were in each trial.
struct TrialTable {
  std::vector<std::string> keys;                        // swept keys in alphabetical order, one column each
  std::map<Index, std::vector<std::string>> values;     // trial -> value of each key ("" if absent)
  std::map<Index, Index> trial_of;                      // member -> trial
  bool known() const { return !values.empty(); }

  // Records trial `trial` with its swept key -> value; call finish() once all are in.
  void add_trial(Index trial, const std::map<std::string, std::string>& swept) {
    for (const auto& [key, value] : swept) by_key_[key][trial] = value;
    values[trial];
  }
  void finish() {
    for (const auto& [key, by_trial] : by_key_) {
      keys.push_back(key);
      for (auto& [trial, cells] : values) {
        const auto found = by_trial.find(trial);
        cells.push_back(found == by_trial.end() ? std::string() : found->second);
      }
    }
  }

 private:
  std::map<std::string, std::map<Index, std::string>> by_key_;
};

std::string text_of(const json& value) { return value.is_string() ? value.get<std::string>() : value.dump(); }

// From the summary a finished run stored: "trials"[].parameters and "members"[].trial.
TrialTable table_from_summary(const std::string& summary_json) {
  TrialTable table;
  if (summary_json.empty()) return table;
  const json summary = json::parse(summary_json, nullptr, false);
  if (summary.is_discarded() || !summary.contains("trials") || !summary.contains("members")) return table;
  for (const auto& trial : summary["trials"]) {
    std::map<std::string, std::string> swept;
    if (trial.contains("parameters") && trial["parameters"].is_object())
      for (const auto& [key, value] : trial["parameters"].items()) swept[key] = text_of(value);
    table.add_trial(trial.value("trial", Index{0}), swept);
  }
  table.finish();
  for (const auto& member : summary["members"]) table.trial_of[member.value("member", Index{0})] = member.value("trial", Index{0});
  return table;
}

// A run without a summary (killed, still running): the plan it stored, made again. Members are
// numbered as the runner numbers them: population by population, trial-major, then replicate
// (a killed run has recorded the members of the populations it started).
TrialTable table_from_plan(const RunStore& store, RunId run, std::size_t members) {
  TrialTable table;
  try {
    const Plan plan = stored_plan(store, run);
    if (static_cast<std::size_t>(plan.members()) < members) return table;
    for (const auto& trial : plan.trials) table.add_trial(trial.index, {trial.values.begin(), trial.values.end()});
    table.finish();
    Index member = 0;
    for (const auto& population : plan.populations)
      for (const Index t : population.trials)
        for (Index r = 0; r < plan.replicates; ++r) table.trial_of[member++] = plan.trials[static_cast<std::size_t>(t)].index;
  } catch (const InputError&) {
    return {};  // no plan kept (an older nnlab or a program wrote the run): no trial columns
  }
  return table;
}

std::string csv_cell(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (const char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

// ",cell" at the end of a CSV line.
void add_cell(std::string& line, const std::string& cell) {
  line += ',';
  line += cell;
}

// The metrics `patterns` select: exact names, or a prefix ending in '*' ("layers.*").
std::vector<std::string> select_metrics(const std::vector<std::string>& all, const std::vector<std::string>& patterns, RunId run) {
  if (patterns.empty()) return all;
  std::set<std::string> chosen;
  for (const auto& pattern : patterns) {
    const bool prefix = pattern.ends_with('*');
    const std::string stem = prefix ? pattern.substr(0, pattern.size() - 1) : pattern;
    bool matched = false;
    for (const auto& metric : all)
      if (prefix ? metric.starts_with(stem) : metric == stem) {
        chosen.insert(metric);
        matched = true;
      }
    if (matched) continue;
    const std::vector<std::string_view> names(all.begin(), all.end());
    if (const auto match = prefix ? std::nullopt : closest_match(pattern, names))
      throw InputError(fmt::format("--metric {}: run {} has no such metric; did you mean '{}'?", shown_value(pattern), run, *match));
    std::string list;
    for (const auto& metric : all) list += (list.empty() ? "" : ", ") + metric;
    if (list.empty()) list = "none";
    if (prefix) throw InputError(fmt::format("--metric {}: no metric of run {} starts with '{}' (it has {})", shown_value(pattern), run, shown_value(stem), list));
    throw InputError(fmt::format("--metric {}: run {} has no such metric (it has {})", shown_value(pattern), run, list));
  }
  std::vector<std::string> selected;
  for (const auto& metric : all)
    if (chosen.contains(metric)) selected.push_back(metric);
  return selected;
}

// The members to export: --member and --trial, each checked against the run.
std::vector<Index> select_members(const RunRecord& record, const TrialTable& table, const ExportOptions& options,
                                  const std::filesystem::path& store_file) {
  const RunId run = record.info.id;
  for (const Index trial : options.trials) {
    if (table.values.contains(trial)) continue;
    if (!table.known())
      throw InputError(fmt::format("{}: --trial {}: run {} records no trials (no summary and no plan)", store_file.string(), trial, run));
    throw InputError(fmt::format("{}: --trial {}: run {} has trials {}..{}", store_file.string(), trial, run, table.values.begin()->first,
                                 table.values.rbegin()->first));
  }
  std::vector<Index> members;
  for (const auto& info : record.members) {
    if (options.member && info.member != *options.member) continue;
    if (!options.trials.empty()) {
      const auto trial = table.trial_of.find(info.member);
      if (trial == table.trial_of.end() || std::ranges::find(options.trials, trial->second) == options.trials.end()) continue;
    }
    members.push_back(info.member);
  }
  if (options.member && std::ranges::none_of(record.members, [&](const MemberInfo& info) { return info.member == *options.member; }))
    throw InputError(fmt::format("{}: run {}: no member {} (it has {})", store_file.string(), run, *options.member, record.members.size()));
  return members;
}

// "run,member,trial,population,<swept keys>," and the same cells for one member.
std::string label_header(const TrialTable& table) {
  std::string header = "run,member,trial,population";
  for (const auto& key : table.keys) add_cell(header, csv_cell(key));
  return header;
}

const MemberInfo& member_info(const RunRecord& record, Index member) {
  const auto found = std::ranges::find(record.members, member, &MemberInfo::member);
  if (found == record.members.end()) throw std::logic_error(fmt::format("export: member {} is not in the run", member));
  return *found;
}

std::string label_cells(RunId run, const MemberInfo& member, const TrialTable& table) {
  std::string cells = fmt::format("{},{},", run, member.member);
  const auto trial = table.trial_of.find(member.member);
  if (trial != table.trial_of.end()) cells += std::to_string(trial->second);
  cells += fmt::format(",{}", member.population);
  const auto values = trial == table.trial_of.end() ? table.values.end() : table.values.find(trial->second);
  for (std::size_t k = 0; k < table.keys.size(); ++k)
    add_cell(cells, values == table.values.end() ? std::string() : csv_cell(values->second[k]));
  return cells;
}

void write_long(const RunStore& store, const RunRecord& record, const TrialTable& table, const std::vector<Index>& members,
                const std::vector<std::string>& metrics) {
  const RunId run = record.info.id;
  fmt::print("{},epoch,metric,value\n", label_header(table));
  for (const Index m : members) {
    const std::string labels = label_cells(run, member_info(record, m), table);
    for (const auto& metric : metrics) {
      const MetricSeries series = store.read_series(run, m, metric);
      for (std::size_t i = 0; i < series.values.size(); ++i)
        fmt::print("{},{},{},{}\n", labels, series.epochs[i], csv_cell(metric), series.values[i]);
    }
  }
}

void write_wide(const RunStore& store, const RunRecord& record, const TrialTable& table, const std::vector<Index>& members,
                const std::vector<std::string>& metrics) {
  const RunId run = record.info.id;
  std::string header = label_header(table) + ",epoch";
  for (const auto& metric : metrics) add_cell(header, csv_cell(metric));
  fmt::print("{}\n", header);
  for (const Index m : members) {
    const std::string labels = label_cells(run, member_info(record, m), table);
    // epoch -> one cell per metric; a metric not recorded at that epoch stays empty.
    std::map<Epoch, std::vector<std::string>> rows;
    for (std::size_t k = 0; k < metrics.size(); ++k) {
      const MetricSeries series = store.read_series(run, m, metrics[k]);
      for (std::size_t i = 0; i < series.values.size(); ++i) {
        auto& row = rows[series.epochs[i]];
        row.resize(metrics.size());
        row[k] = fmt::format("{}", series.values[i]);
      }
    }
    for (auto& [epoch, cells] : rows) {
      std::string line = fmt::format("{},{}", labels, epoch);
      for (const auto& cell : cells) add_cell(line, cell);
      fmt::print("{}\n", line);
    }
  }
}

// Per trial, metric and epoch: count, min, quartiles and max over the trial's members with a
// finite value (float32 as stored; quantiles interpolate like numpy).
void write_aggregate(const RunStore& store, const RunRecord& record, const TrialTable& table, const std::vector<Index>& members,
                     const std::vector<std::string>& metrics) {
  const RunId run = record.info.id;
  std::string header = "trial";
  for (const auto& key : table.keys) add_cell(header, csv_cell(key));
  fmt::print("{},epoch,metric,count,min,q25,median,q75,max\n", header);
  std::map<Index, std::vector<Index>> groups;  // trial (-1: unknown) -> members
  for (const Index m : members) {
    const auto trial = table.trial_of.find(m);
    groups[trial == table.trial_of.end() ? -1 : trial->second].push_back(m);
  }
  for (const auto& [trial, group] : groups) {
    std::string labels = trial < 0 ? std::string() : std::to_string(trial);
    const auto values = table.values.find(trial);
    for (std::size_t k = 0; k < table.keys.size(); ++k)
      add_cell(labels, values == table.values.end() ? std::string() : csv_cell(values->second[k]));
    for (const auto& metric : metrics) {
      std::map<Epoch, std::vector<double>> by_epoch;
      for (const Index m : group) {
        const MetricSeries series = store.read_series(run, m, metric);
        for (std::size_t i = 0; i < series.values.size(); ++i) {
          auto& sample = by_epoch[series.epochs[i]];
          if (std::isfinite(series.values[i])) sample.push_back(series.values[i]);
        }
      }
      for (auto& [epoch, sample] : by_epoch) {
        std::string line = fmt::format("{},{},{},{}", labels, epoch, csv_cell(metric), sample.size());
        std::ranges::sort(sample);
        for (const double q : {0.0, 0.25, 0.5, 0.75, 1.0})
          line += sample.empty() ? std::string(",") : fmt::format(",{}", static_cast<float>(quantile_of_sorted(sample, q)));
        fmt::print("{}\n", line);
      }
    }
  }
}

void write_json(const RunStore& store, RunId run, const std::vector<Index>& members, const std::vector<std::string>& metrics) {
  json document = json::object();
  for (const Index m : members) {
    json series = json::object();
    for (const auto& metric : metrics) {
      const MetricSeries values = store.read_series(run, m, metric);
      json numbers = json::array();
      for (const float v : values.values) numbers.push_back(std::isfinite(v) ? json(v) : json(nullptr));
      series[metric] = {{"epochs", values.epochs}, {"values", numbers}};
    }
    document[std::to_string(m)] = series;
  }
  fmt::print("{}\n", document.dump());
}

void write_weights(const RunStore& store, RunId run, const std::string& model_file, const std::filesystem::path& store_file) {
  // One weights artefact per population; a member is written in the plain PyTorch layout.
  for (const auto& artefact : store.list_artefacts(run)) {
    if (artefact.label.kind != "weights") continue;
    const auto content = store.get_artefact(run, artefact.label);
    if (!content) continue;
    std::ofstream out(model_file, std::ios::binary);
    out.write(reinterpret_cast<const char*>(content->content.data()), static_cast<std::streamsize>(content->content.size()));
    if (!out) throw InputError(fmt::format("{}: cannot write", shown_value(model_file)));
    fmt::print(stderr, "weights of run {} written to {}\n", run, model_file);
    return;
  }
  throw InputError(fmt::format("{}: run {}: no weights recorded", store_file.string(), run));
}

}  // namespace

std::string ExportOptions::series_format() const {
  if (!format.empty()) return format;
  return wide || aggregate || !metrics.empty() || !trials.empty() ? "csv" : "";
}

int command_export(const std::filesystem::path& store_file, const ExportOptions& options) {
  const std::string format = options.series_format();
  if (format != "" && format != "csv" && format != "json")
    throw InputError(fmt::format("--metrics: expected csv or json, got '{}'", shown_value(format)));
  if (options.wide && options.aggregate) throw InputError("--wide and --aggregate: give one of them");
  if (format == "json" && (options.wide || options.aggregate))
    throw InputError(fmt::format("--{} writes csv, not --metrics json", options.wide ? "wide" : "aggregate"));

  RunStore store(store_file, RunStore::OpenMode::read_only);
  const RunId run = store.resolve_run(options.run);
  const RunRecord record = store.get_run(run);
  TrialTable table = table_from_summary(record.info.summary_json);
  if (!table.known()) table = table_from_plan(store, run, record.members.size());
  const std::vector<Index> members = select_members(record, table, options, store_file);
  const std::vector<std::string> metrics = select_metrics(store.list_metrics(run), options.metrics, run);

  if (!options.model_file.empty()) write_weights(store, run, options.model_file, store_file);
  if (format == "json") write_json(store, run, members, metrics);
  else if (format == "csv" && options.aggregate) write_aggregate(store, record, table, members, metrics);
  else if (format == "csv" && options.wide) write_wide(store, record, table, members, metrics);
  else if (format == "csv") write_long(store, record, table, members, metrics);
  return 0;
}

}  // namespace nnlab
