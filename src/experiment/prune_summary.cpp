#include "experiment/prune_summary.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "experiment/summary_json.hpp"

namespace nnlab {
namespace {

using nlohmann::json;

std::vector<const PruneOutcome*> outcomes(const RunSummary& summary, const TrialSummary& trial) {
  std::vector<const PruneOutcome*> found;
  for (const Index m : trial.members)
    if (const auto& outcome = summary.members[static_cast<std::size_t>(m)].result.prune) found.push_back(&*outcome);
  return found;
}

// Quantiles over the members of round r's `value` (NaN where a member has no round r).
template <typename Value>
Quantiles over(const std::vector<const PruneOutcome*>& members, std::size_t r, Value value) {
  std::vector<double> values;
  for (const PruneOutcome* outcome : members) values.push_back(r < outcome->rounds.size() ? value(outcome->rounds[r]) : std::nan(""));
  return quantiles(std::move(values));
}

std::size_t most_rounds(const std::vector<const PruneOutcome*>& members) {
  std::size_t most = 0;
  for (const PruneOutcome* outcome : members) most = std::max(most, outcome->rounds.size());
  return most;
}

double early_epoch(const PruneRound& r) { return r.early_stop_epoch >= 0 ? static_cast<double>(r.early_stop_epoch) : std::nan(""); }

std::string cell(const Quantiles& q, const char* format) { return q.count > 0 ? fmt::format(fmt::runtime(format), q.median) : std::string("-"); }

}  // namespace

std::string prune_text(const RunSummary& summary, const TrialSummary& trial) {
  const std::vector<const PruneOutcome*> members = outcomes(summary, trial);
  if (members.empty()) return "";
  std::string text = fmt::format("  pruning{}, median of {} member{} per round of {} epochs:\n", members.front()->control ? " (random-reinit control)" : "",
                                 members.size(), members.size() == 1 ? "" : "s", members.front()->round_epochs);
  text += fmt::format("    {:>5} {:>8} {:>13} {:>11} {:>14}\n", "round", "kept", "test_acc_end", "early_stop", "test_acc_early");
  const std::size_t rounds = most_rounds(members);
  for (std::size_t r = 0; r < rounds; ++r)
    text += fmt::format("    {:>5} {:>8} {:>13} {:>11} {:>14}\n", r, cell(over(members, r, [](const PruneRound& x) { return 100 * x.remaining; }), "{:.2f}%"),
                        cell(over(members, r, [](const PruneRound& x) { return x.test_accuracy; }), "{:.4f}"),
                        cell(over(members, r, early_epoch), "{:.0f}"),
                        cell(over(members, r, [](const PruneRound& x) { return x.early_stop_test_accuracy; }), "{:.4f}"));
  // The sparsity of the last round, per layer.
  std::string layers;
  for (std::size_t l = 0; l < members.front()->layers.size(); ++l) {
    const Quantiles kept = over(members, rounds - 1, [l](const PruneRound& x) { return l < x.layer_remaining.size() ? 100 * x.layer_remaining[l] : std::nan(""); });
    layers += fmt::format("{}{} {}", layers.empty() ? "" : ", ", members.front()->layers[l], cell(kept, "{:.2f}%"));
  }
  text += fmt::format("    weights kept in round {}: {}\n", rounds - 1, layers);
  return text;
}

json prune_json(const PruneOutcome& outcome) {
  json rounds = json::array();
  for (const PruneRound& r : outcome.rounds) {
    json layers = json::array();
    for (const double kept : r.layer_remaining) layers.push_back(kept);
    rounds.push_back({{"remaining", r.remaining},
                      {"layer_remaining", layers},
                      {"test_accuracy", number_or_null(r.test_accuracy)},
                      {"validation_loss", number_or_null(r.validation_loss)},
                      {"early_stop_epoch", r.early_stop_epoch >= 0 ? json(r.early_stop_epoch) : json(nullptr)},
                      {"early_stop_test_accuracy", number_or_null(r.early_stop_test_accuracy)},
                      {"epochs", r.epochs},
                      {"first_layer_kept", r.first_layer_kept}});
  }
  return {{"control", outcome.control}, {"round_epochs", outcome.round_epochs}, {"layers", outcome.layers}, {"rounds", rounds}};
}

json prune_trial_json(const RunSummary& summary, const TrialSummary& trial) {
  const std::vector<const PruneOutcome*> members = outcomes(summary, trial);
  if (members.empty()) return nullptr;
  json rounds = json::array();
  for (std::size_t r = 0; r < most_rounds(members); ++r)
    rounds.push_back({{"remaining", quantiles_json(over(members, r, [](const PruneRound& x) { return x.remaining; }))},
                      {"test_accuracy", quantiles_json(over(members, r, [](const PruneRound& x) { return x.test_accuracy; }))},
                      {"early_stop_epoch", quantiles_json(over(members, r, early_epoch))},
                      {"early_stop_test_accuracy", quantiles_json(over(members, r, [](const PruneRound& x) { return x.early_stop_test_accuracy; }))}});
  return {{"control", members.front()->control}, {"round_epochs", members.front()->round_epochs}, {"rounds", rounds}};
}

}  // namespace nnlab
