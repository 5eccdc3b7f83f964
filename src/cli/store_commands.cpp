#include "cli/store_commands.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "store/store.hpp"

namespace nnlab {
namespace {

using nlohmann::json;

// One line describing what a finished run found, from its summary.
std::string outcome_of(const RunInfo& info) {
  if (info.summary_json.empty()) return "";
  const json summary = json::parse(info.summary_json, nullptr, false);
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

}  // namespace

std::filesystem::path store_path(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* environment = std::getenv("NNLAB_STORE"); environment && *environment) return environment;
  return std::string(default_store_file);
}

int command_runs(const std::filesystem::path& store_file) {
  RunStore store(store_file, RunStore::OpenMode::existing);
  store.mark_abandoned_runs();
  const auto runs = store.list_runs();
  fmt::print("{:>5}  {:<32} {:<9} {:<24} {:>8}  {}\n", "id", "name", "status", "started (UTC)", "members", "outcome");
  for (const RunInfo& run : runs)
    fmt::print("{:>5}  {:<32} {:<9} {:<24} {:>8}  {}\n", run.id, run.name.substr(0, 32), to_string(run.status), run.started_at, run.member_count,
               outcome_of(run));
  if (runs.empty()) fmt::print("(no runs in {})\n", store_file.string());
  return 0;
}

int command_show(const std::filesystem::path& store_file, const std::string& run_text, bool as_json) {
  RunStore store(store_file, RunStore::OpenMode::existing);
  const RunRecord record = store.get_run(store.resolve_run(run_text));
  const RunInfo& info = record.info;
  if (as_json) {
    json members = json::array();
    for (const auto& member : record.members)
      members.push_back({{"member", member.member},
                         {"population", member.population},
                         {"seed", member.seed},
                         {"hyperparameters", json::parse(member.hyperparameters_json, nullptr, false)},
                         {"result", member.result_json.empty() ? json(nullptr) : json::parse(member.result_json, nullptr, false)},
                         {"status", to_string(member.status)}});
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
                           {"summary", info.summary_json.empty() ? json(nullptr) : json::parse(info.summary_json, nullptr, false)}};
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
  if (!info.summary_json.empty()) {
    const json summary = json::parse(info.summary_json, nullptr, false);
    if (!summary.is_discarded() && summary.contains("trials")) {
      for (const auto& trial : summary["trials"]) {
        std::string label;
        for (const auto& [key, value] : trial["parameters"].items()) label += fmt::format(" {}={}", key, value.get<std::string>());
        fmt::print("  trial {}{}:", trial.value("trial", 0), label);
        if (trial.contains("success_rate")) {
          const auto& interval = trial["success_rate_95"];
          fmt::print(" success {}/{} ({:.1f}%, 95% CI {:.1f}–{:.1f}%)", trial.value("succeeded", 0), trial.value("members", 0),
                     100 * trial.value("success_rate", 0.0), 100 * interval[0].get<double>(), 100 * interval[1].get<double>());
        }
        if (trial.contains("train_accuracy") && trial["train_accuracy"].is_object())
          fmt::print(" train acc median {:.4f}", trial["train_accuracy"].value("median", 0.0));
        if (trial.contains("test_accuracy") && trial["test_accuracy"].is_object())
          fmt::print(" test acc median {:.4f}", trial["test_accuracy"].value("median", 0.0));
        fmt::print("\n");
      }
    }
  }
  fmt::print("resolved config:\n{}\n", info.resolved_config);
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
