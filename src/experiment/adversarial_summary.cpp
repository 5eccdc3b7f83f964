#include "experiment/adversarial_summary.hpp"

#include <fmt/format.h>

#include <cmath>

#include "experiment/summary_json.hpp"

namespace nnlab {
namespace {

using nlohmann::json;

// The first outcome among the trial's members: the eps and the set they share (one config).
const AdversarialOutcome* first_outcome(const RunSummary& summary, const TrialSummary& trial) {
  for (const Index m : trial.members)
    if (const auto& outcome = summary.members[static_cast<std::size_t>(m)].result.adversarial) return &*outcome;
  return nullptr;
}

// Per eps, the quantiles of `field` over the trial's members with an outcome.
std::vector<Quantiles> per_eps(const RunSummary& summary, const TrialSummary& trial, std::size_t epsilons,
                               std::vector<double> AdversarialOutcome::*field) {
  std::vector<Quantiles> result;
  for (std::size_t e = 0; e < epsilons; ++e) {
    std::vector<double> values;
    for (const Index m : trial.members)
      if (const auto& outcome = summary.members[static_cast<std::size_t>(m)].result.adversarial)
        if (e < (*outcome.*field).size()) values.push_back((*outcome.*field)[e]);
    result.push_back(quantiles(std::move(values)));
  }
  return result;
}

std::string eps_text(double eps) { return fmt::format("{:g}", eps); }

}  // namespace

json adversarial_json(const AdversarialOutcome& outcome) {
  json accuracy = json::array(), confidence = json::array();
  for (const double value : outcome.accuracy) accuracy.push_back(number_or_null(value));
  for (const double value : outcome.confidence) confidence.push_back(number_or_null(value));
  return {{"set", outcome.on_test ? "test" : "validation"}, {"eps", outcome.eps}, {"accuracy", accuracy}, {"confidence", confidence},
          {"steps", outcome.steps}, {"step_size", outcome.step_size}, {"clip", {outcome.clip_low, outcome.clip_high}}};
}

json adversarial_trial_json(const RunSummary& summary, const TrialSummary& trial) {
  const AdversarialOutcome* first = first_outcome(summary, trial);
  if (!first) return nullptr;
  return {{"set", first->on_test ? "test" : "validation"}, {"eps", first->eps}, {"steps", first->steps},
          {"accuracy", quantiles_json(per_eps(summary, trial, first->eps.size(), &AdversarialOutcome::accuracy))},
          {"confidence", quantiles_json(per_eps(summary, trial, first->eps.size(), &AdversarialOutcome::confidence))}};
}

std::string adversarial_text(const RunSummary& summary, const TrialSummary& trial) {
  const AdversarialOutcome* first = first_outcome(summary, trial);
  if (!first) return "";
  const auto accuracy = per_eps(summary, trial, first->eps.size(), &AdversarialOutcome::accuracy);
  const auto confidence = per_eps(summary, trial, first->eps.size(), &AdversarialOutcome::confidence);
  const auto joined = [](const std::vector<Quantiles>& per) {
    std::string line;
    for (const Quantiles& q : per) line += (line.empty() ? "" : " / ") + (q.count > 0 ? fmt::format("{:.4f}", q.median) : std::string("-"));
    return line;
  };
  std::string eps;
  for (const double value : first->eps) eps += (eps.empty() ? "" : " / ") + eps_text(value);
  const Index members = accuracy.empty() ? 0 : accuracy.front().count;
  return fmt::format("  {}, {} accuracy (median of {} member{}) at eps {}: {}; confidence {}\n",
                     first->steps > 1 ? fmt::format("PGD ({} steps)", first->steps) : std::string("FGSM"),
                     first->on_test ? "test" : "validation", members, members == 1 ? "" : "s", eps, joined(accuracy), joined(confidence));
}

}  // namespace nnlab
