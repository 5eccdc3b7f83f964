// Runs written into a store by hand for the run-report tests, with the metric and artefact names of
// the recorder (docs/design.md, the issue-8 contract): a sweep of trials with replicates, per-member
// series chosen by the test, a summary JSON with trials and members, and helpers for the artefacts
// (confusion / activations JSON, safetensors snapshots and updates).
#pragma once

#include <fmt/format.h>

#include <cmath>
#include <functional>
#include <map>
#include <tuple>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "io/safetensors.hpp"
#include "report/report.hpp"
#include "store/store.hpp"

namespace nnlab::testing {

struct SyntheticTrial {
  std::vector<std::pair<std::string, std::string>> parameters;  // swept key -> value as written
  int replicates = 1;
};

// Where a member sits: its run index, trial position and replicate within the trial.
struct SyntheticMember {
  Index member = 0;
  std::size_t trial = 0;
  int replicate = 0;
};

struct SyntheticRun {
  std::string name = "sweep";
  std::string config = "name: sweep\ndata: {train: {source: mirror}}\n";
  std::vector<SyntheticTrial> trials = {SyntheticTrial{}};
  Epoch epochs = 20;
  // The member's series: metric name -> value at epoch e (none by default); called for e = 0..epochs.
  std::function<std::vector<std::pair<std::string, double>>(const SyntheticMember&, Epoch)> series;
  // Extra summary fields of a member (e.g. success_epoch, train_loss) and of a trial (statistics).
  std::function<void(const SyntheticMember&, nlohmann::json&)> member_summary;
  std::function<void(std::size_t trial, nlohmann::json&)> trial_summary;
};

inline RunId record_synthetic_run(RunStore& store, const SyntheticRun& spec, std::vector<SyntheticMember>* members_out = nullptr) {
  const RunId run = store.begin_run(
      RunStart{.name = spec.name, .config_path = spec.name + ".yaml", .resolved_config = spec.config, .nnlab_version = "test", .config_git_commit = ""});
  store.add_population(run, PopulationInfo{.population = 0, .description = "6-2-1 sigmoid, sgd, batch full"});
  std::vector<SyntheticMember> members;
  std::vector<MemberStart> starts;
  for (std::size_t t = 0; t < spec.trials.size(); ++t) {
    for (int r = 0; r < spec.trials[t].replicates; ++r) {
      const auto m = static_cast<Index>(members.size());
      members.push_back({m, t, r});
      nlohmann::json hyper = nlohmann::json::object();
      for (const auto& [key, value] : spec.trials[t].parameters) hyper[key] = value;
      starts.push_back(MemberStart{.member = m, .population = 0, .seed = static_cast<std::uint64_t>(100 + r), .hyperparameters_json = hyper.dump()});
    }
  }
  store.add_members(run, starts);
  nlohmann::json summary = {{"members", nlohmann::json::array()}, {"trials", nlohmann::json::array()}};
  for (const SyntheticMember& member : members) {
    if (spec.series) {
      std::map<std::string, std::pair<std::vector<Epoch>, std::vector<float>>> columns;
      for (Epoch e = 0; e <= spec.epochs; ++e)
        for (const auto& [metric, value] : spec.series(member, e)) {
          columns[metric].first.push_back(e);
          columns[metric].second.push_back(static_cast<float>(value));
        }
      for (const auto& [metric, column] : columns) store.append_series(run, member.member, metric, column.first, column.second);
    }
    nlohmann::json entry = {{"member", member.member}, {"trial", member.trial}, {"population", 0}, {"seed", 100 + member.replicate},
                            {"epochs", spec.epochs}};
    if (spec.member_summary) spec.member_summary(member, entry);
    summary["members"].push_back(std::move(entry));
  }
  for (std::size_t t = 0; t < spec.trials.size(); ++t) {
    nlohmann::json parameters = nlohmann::json::object();
    for (const auto& [key, value] : spec.trials[t].parameters) parameters[key] = value;
    nlohmann::json entry = {{"trial", t}, {"population", 0}, {"parameters", parameters}, {"members", spec.trials[t].replicates}};
    if (spec.trial_summary) spec.trial_summary(t, entry);
    summary["trials"].push_back(std::move(entry));
  }
  store.flush();
  store.finish_run(run, RunStatus::finished, summary.dump());
  if (members_out != nullptr) *members_out = members;
  return run;
}

// A plain (one-member) safetensors file of layers.{i}.weight [out, in], as the recorder stores snapshots.
inline std::vector<std::byte> layer_file(const std::vector<std::tuple<Index, Index, float>>& layers_out_in_value) {
  std::vector<NamedTensor> tensors;
  for (std::size_t i = 0; i < layers_out_in_value.size(); ++i) {
    const auto [out, in, value] = layers_out_in_value[i];
    Tensor weight({out, in});
    for (Index k = 0; k < out * in; ++k) weight.data()[k] = value * static_cast<float>(k % 7 - 3);
    tensors.push_back({fmt::format("layers.{}.weight", i), std::move(weight)});
  }
  return safetensors_bytes(std::span<const NamedTensor>(tensors), {{"format", "pt"}, {"nnlab_population", "1"}});
}

// The figure named `name` in the report content, or null; with its caption.
inline const ReportFigure* find_report_figure(const ReportContent& content, const std::string& name) {
  for (const ReportSection& section : content.sections)
    for (const ReportBlock& block : section.blocks)
      if (const auto* figure = std::get_if<ReportFigure>(&block); figure != nullptr && figure->name == name) return figure;
  return nullptr;
}

inline std::vector<const ReportFigure*> figures_containing(const ReportContent& content, const std::string& part) {
  std::vector<const ReportFigure*> found;
  for (const ReportSection& section : content.sections)
    for (const ReportBlock& block : section.blocks)
      if (const auto* figure = std::get_if<ReportFigure>(&block); figure != nullptr && figure->name.find(part) != std::string::npos) found.push_back(figure);
  return found;
}

// The first table whose caption contains `part`, or null.
inline const Table* table_captioned(const ReportContent& content, const std::string& part) {
  for (const ReportSection& section : content.sections)
    for (const ReportBlock& block : section.blocks)
      if (const auto* table = std::get_if<Table>(&block); table != nullptr && table->caption.find(part) != std::string::npos) return table;
  return nullptr;
}

template <typename MarkType>
std::vector<MarkType> marks_of_type(const Panel& panel) {
  std::vector<MarkType> found;
  for (const Mark& mark : panel.marks)
    if (const auto* typed = std::get_if<MarkType>(&mark)) found.push_back(*typed);
  return found;
}

}  // namespace nnlab::testing
