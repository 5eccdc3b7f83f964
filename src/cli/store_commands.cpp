#include "cli/store_commands.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "report/run_report.hpp"
#include "store/store.hpp"

namespace nnlab {
namespace {

using nlohmann::json;

// A stored JSON column, parsed: "" is null; text that is not JSON is a damaged store.
json stored_json(const std::string& text, const std::filesystem::path& store, const std::string& where) {
  if (text.empty()) return json(nullptr);
  json parsed = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) throw InputError(fmt::format("{}: {}: not valid JSON; the store is damaged", store.string(), where));
  return parsed;
}

// Reading a stored summary whose values have the wrong JSON type (a string where a number
// belongs) fails in nlohmann::json; that is a damaged store, named with its run.
template <typename Read>
auto reading_summary(const std::filesystem::path& store, RunId run, const Read& read) {
  try {
    return read();
  } catch (const json::exception& error) {
    throw InputError(fmt::format("{}: run {}: runs.summary_json: a value of the wrong JSON type ({}); the store is damaged", store.string(),
                                 run, error.what()));
  }
}

// One line describing what a finished run found, from its summary.
std::string outcome_of(const RunInfo& info) {
  if (info.summary_json.empty()) return "";
  const json summary = json::parse(info.summary_json, nullptr, false);
  if (!summary.is_discarded() && summary.is_object() && summary.contains("lr_find") && summary.contains("trials")) {
    std::string rates;  // each trial's steepest-descent rate (nnlab lr-find)
    for (const auto& trial : summary["trials"])
      rates += trial.contains("steepest") && trial["steepest"].is_number() ? fmt::format(" {:.2g}", trial["steepest"].get<double>()) : " -";
    return "lr-find steepest" + rates;
  }
  if (summary.is_discarded() || !summary.contains("aggregate")) return "";
  const json& aggregate = summary["aggregate"];
  if (aggregate.contains("success_rate"))
    return fmt::format("success {}/{}", aggregate.value("succeeded", 0), aggregate.value("members", 0));
  if (aggregate.contains("test_accuracy") && aggregate["test_accuracy"].is_object())
    return fmt::format("test acc {:.4f}", aggregate["test_accuracy"].value("median", 0.0));
  if (aggregate.contains("train_accuracy") && aggregate["train_accuracy"].is_object())
    return fmt::format("train acc {:.4f}", aggregate["train_accuracy"].value("median", 0.0));
  return "";
}

// One line per trial of a stored summary: its swept values, success and median accuracies.
std::string trials_text(const std::string& summary_json) {
  const json summary = json::parse(summary_json, nullptr, false);
  if (summary.is_discarded() || !summary.is_object() || !summary.contains("trials")) return "";
  std::string text;
  for (const auto& trial : summary.at("trials")) {
    std::string label;
    if (trial.contains("parameters"))
      for (const auto& [key, value] : trial.at("parameters").items()) label += fmt::format(" {}={}", key, value.get<std::string>());
    text += fmt::format("  trial {}{}:", trial.value("trial", 0), label);
    if (trial.contains("success_rate")) {
      const auto& interval = trial.at("success_rate_95");
      text += fmt::format(" success {}/{} ({:.1f}%, 95% CI {:.1f}–{:.1f}%)", trial.value("succeeded", 0), trial.value("members", 0),
                          100 * trial.value("success_rate", 0.0), 100 * interval.at(0).get<double>(), 100 * interval.at(1).get<double>());
    }
    if (trial.contains("train_accuracy") && trial.at("train_accuracy").is_object())
      text += fmt::format(" train acc median {:.4f}", trial.at("train_accuracy").value("median", 0.0));
    if (trial.contains("test_accuracy") && trial.at("test_accuracy").is_object())
      text += fmt::format(" test acc median {:.4f}", trial.at("test_accuracy").value("median", 0.0));
    for (const auto& [key, label] : {std::pair{"steepest", "steepest"}, std::pair{"minimum_over_10", "min/10"}})  // nnlab lr-find
      if (trial.contains(key) && trial.at(key).is_number()) text += fmt::format(" {} {:.3g}", label, trial.at(key).get<double>());
    text += "\n";
  }
  return text;
}

}  // namespace

std::filesystem::path store_path(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* environment = std::getenv("NNLAB_STORE"); environment && *environment) return environment;
  return std::string(default_store_file);
}

int command_runs(const std::filesystem::path& store_file) {
  const RunStore store(store_file, RunStore::OpenMode::read_only);
  // A run whose process is gone shows as killed; a reader does not write that down (resume does).
  const std::vector<RunId> abandoned = store.abandoned_runs();
  const auto runs = store.list_runs();
  fmt::print("{:>5}  {:<32} {:<9} {:<24} {:>8}  {}\n", "id", "name", "status", "started (UTC)", "members", "outcome");
  for (const RunInfo& run : runs) {
    const bool gone = std::find(abandoned.begin(), abandoned.end(), run.id) != abandoned.end();
    fmt::print("{:>5}  {:<32} {:<9} {:<24} {:>8}  {}\n", run.id, run.name.substr(0, 32), to_string(gone ? RunStatus::killed : run.status),
               run.started_at, run.member_count, reading_summary(store_file, run.id, [&] { return outcome_of(run); }));
  }
  if (runs.empty()) fmt::print("(no runs in {})\n", store_file.string());
  return 0;
}

int command_show(const std::filesystem::path& store_file, const std::string& run_text, bool as_json) {
  const RunStore store(store_file, RunStore::OpenMode::read_only);
  const RunRecord record = store.get_run(store.resolve_run(run_text));
  const RunInfo& info = record.info;
  if (as_json) {
    json members = json::array();
    for (const auto& member : record.members) {
      const std::string where = fmt::format("run {} member {}: members.", info.id, member.member);
      members.push_back({{"member", member.member},
                         {"population", member.population},
                         {"seed", member.seed},
                         {"hyperparameters", stored_json(member.hyperparameters_json, store_file, where + "hyperparameters")},
                         {"result", stored_json(member.result_json, store_file, where + "result")},
                         {"status", to_string(member.status)}});
    }
    json populations = json::array();
    for (const auto& population : record.populations) populations.push_back({{"population", population.population}, {"description", population.description}});
    const json document = {{"id", info.id},
                           {"name", info.name},
                           {"status", to_string(info.status)},
                           {"started_at", info.started_at},
                           {"finished_at", info.finished_at},
                           {"nnlab_version", info.nnlab_version},
                           {"config_path", info.config_path},
                           {"config_git_commit", info.config_git_commit},
                           {"host", info.host},
                           {"resolved_config", info.resolved_config},
                           {"populations", populations},
                           {"members", members},
                           {"metrics", store.list_metrics(info.id)},
                           {"summary", stored_json(info.summary_json, store_file, fmt::format("run {}: runs.summary_json", info.id))}};
    fmt::print("{}\n", document.dump());
    return 0;
  }
  fmt::print("run {}: {} ({})\n", info.id, info.name, to_string(info.status));
  fmt::print("  started {}  finished {}  on {}\n", info.started_at, info.finished_at.empty() ? "-" : info.finished_at, info.host);
  fmt::print("  config {}{}\n", info.config_path, info.config_git_commit.empty() ? "" : " @ " + info.config_git_commit.substr(0, 12));
  for (const auto& population : record.populations) fmt::print("  population {}: {}\n", population.population, population.description);
  fmt::print("  {} member(s); metrics: ", record.members.size());
  const auto metrics = store.list_metrics(info.id);
  for (std::size_t i = 0; i < metrics.size(); ++i) fmt::print("{}{}", i ? ", " : "", metrics[i]);
  fmt::print("\n");
  if (!info.summary_json.empty()) fmt::print("{}", reading_summary(store_file, info.id, [&] { return trials_text(info.summary_json); }));
  fmt::print("resolved config:\n{}\n", info.resolved_config);
  return 0;
}

std::filesystem::path write_checked_report(const RunStore& store, std::span<const RunId> runs, const std::filesystem::path& directory) {
  try {
    return write_run_report(store, runs, directory);
  } catch (const json::exception& error) {
    // Name the run: the first whose report alone fails too (this costs time only on the error path).
    for (const RunId run : runs) {
      try {
        (void)run_report_content(store, std::span(&run, 1));
      } catch (const json::exception&) {
        throw InputError(fmt::format("{}: run {}: runs.summary_json or a figure artefact holds a value of the wrong JSON type ({}); "
                                     "the store is damaged",
                                     store.file().string(), run, error.what()));
      }
    }
    throw;
  }
}

int command_report(const std::filesystem::path& store_file, const std::vector<std::string>& run_texts, const std::filesystem::path& directory) {
  const RunStore store(store_file, RunStore::OpenMode::read_only);
  std::vector<RunId> ids;
  for (const auto& text : run_texts) ids.push_back(store.resolve_run(text));
  fmt::print("{}\n", write_checked_report(store, ids, directory).string());
  return 0;
}

int command_rm(const std::filesystem::path& store_file, const std::string& run_text) {
  RunStore store(store_file, RunStore::OpenMode::existing);
  const RunId run = store.resolve_run(run_text);
  store.delete_run(run);
  fmt::print(stderr, "run {} deleted from {}\n", run, store_file.string());
  return 0;
}

}  // namespace nnlab
