#include "experiment/snapshot_summary.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "experiment/summary_json.hpp"

namespace nnlab {
namespace {

using nlohmann::json;

// Per m = 1, 2, ... ([m - 1]), over the trial's members with m snapshots, the accuracy of
// snapshot m alone and of the ensemble of the last m.
struct PerM {
  std::vector<Quantiles> single, ensemble;
  bool on_test = true;  // else measured on the validation set
};

PerM per_m(const RunSummary& summary, const TrialSummary& trial) {
  PerM result;
  std::size_t most = 0;
  for (const Index index : trial.members)
    if (const auto& e = summary.members[static_cast<std::size_t>(index)].result.snapshot_ensemble) {
      most = std::max(most, e->single_accuracy.size());
      result.on_test = e->on_test;
    }
  for (std::size_t k = 0; k < most; ++k) {
    const auto at = [&](std::vector<double> SnapshotEnsembleOutcome::*field) {
      std::vector<double> values;
      for (const Index index : trial.members) {
        const auto& e = summary.members[static_cast<std::size_t>(index)].result.snapshot_ensemble;
        values.push_back(e && k < (*e.*field).size() ? (*e.*field)[k] : std::nan(""));
      }
      return quantiles(std::move(values));
    };
    result.single.push_back(at(&SnapshotEnsembleOutcome::single_accuracy));
    result.ensemble.push_back(at(&SnapshotEnsembleOutcome::ensemble_accuracy));
  }
  return result;
}

}  // namespace

json snapshot_ensemble_json(const SnapshotEnsembleOutcome& e) {
  json single = json::array(), ensemble = json::array();
  for (const double value : e.single_accuracy) single.push_back(number_or_null(value));
  for (const double value : e.ensemble_accuracy) ensemble.push_back(number_or_null(value));
  return {{"set", e.on_test ? "test" : "validation"}, {"cycles", e.cycles}, {"steps", e.steps},
          {"single_accuracy", single}, {"ensemble_accuracy", ensemble}};
}

json snapshot_ensemble_trial_json(const RunSummary& summary, const TrialSummary& trial) {
  const PerM s = per_m(summary, trial);
  if (s.ensemble.empty()) return nullptr;
  return {{"set", s.on_test ? "test" : "validation"}, {"single_accuracy", quantiles_json(s.single)}, {"ensemble_accuracy", quantiles_json(s.ensemble)}};
}

std::string snapshot_ensemble_text(const RunSummary& summary, const TrialSummary& trial) {
  const PerM s = per_m(summary, trial);
  if (s.ensemble.empty()) return "";
  const auto medians = [](const std::vector<Quantiles>& values) {
    std::string line;
    for (const Quantiles& q : values) line += " " + (q.count > 0 ? fmt::format("{:.4f}", q.median) : std::string("-"));
    return line;
  };
  const Index members = s.ensemble.front().count;
  return fmt::format("  snapshot ensemble, {} accuracy (median of {} member{}) for m = 1..{}: ensemble of the last m{}; snapshot m alone{}\n",
                     s.on_test ? "test" : "validation", members, members == 1 ? "" : "s", s.ensemble.size(), medians(s.ensemble), medians(s.single));
}

}  // namespace nnlab
