#include "experiment/summary.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "core/statistics.hpp"
#include "core/text.hpp"

namespace nnlab {
namespace {

using nlohmann::json;

json number_or_null(double value) { return std::isfinite(value) ? json(value) : json(nullptr); }

json to_json(const Quantiles& q) {
  if (q.count == 0) return nullptr;
  return {{"min", q.min}, {"q25", q.q25}, {"median", q.median}, {"q75", q.q75}, {"max", q.max}, {"count", q.count}};
}

template <typename Field>
Quantiles quantiles_over(const RunSummary& summary, const std::vector<Index>& members, Field field) {
  std::vector<double> values;
  for (const Index m : members) values.push_back(field(summary.members[static_cast<std::size_t>(m)]));
  return quantiles(std::move(values));
}

std::string fixed4(double v) { return std::isfinite(v) ? fmt::format("{:.4f}", v) : std::string("-"); }

json solution_json(const MirrorSolution& s) {
  return {{"mirrored", s.mirrored},
          {"ratio_1_2_4", s.ratio_1_2_4},
          {"hidden_opposite", s.hidden_opposite},
          {"hidden_biases_negative", s.hidden_biases_negative},
          {"output_bias_positive", s.output_bias_positive},
          {"matches_paper", s.matches_paper()}};
}

json statistics_json(const RunSummary& summary, const TrialStatistics& s) {
  json result = {{"members", s.members},
                 {"diverged", s.diverged},
                 {"train_loss", to_json(s.train_loss)},
                 {"train_accuracy", to_json(s.train_accuracy)},
                 {"outcomes",
                  {{"perfect", s.outcomes.perfect},
                   {"plateau", s.outcomes.plateau},
                   {"near_half", s.outcomes.near_half},
                   {"other", s.outcomes.other},
                   {"diverged", s.outcomes.diverged}}}};
  json histogram = json::array();
  for (const auto& [accuracy, count] : s.final_accuracy_counts) histogram.push_back({{"train_accuracy", accuracy}, {"count", count}});
  result["final_train_accuracy_histogram"] = histogram;
  if (summary.has_test) {
    result["test_loss"] = to_json(s.test_loss);
    result["test_accuracy"] = to_json(s.test_accuracy);
  }
  if (summary.has_success_criterion) {
    result["succeeded"] = s.succeeded;
    result["success_rate"] = s.success_rate;
    result["success_rate_95"] = {s.success_low, s.success_high};
    result["epochs_to_success"] = to_json(s.epochs_to_success);
  }
  if (s.solutions_checked > 0) {
    result["solutions_checked"] = s.solutions_checked;
    result["solutions_matching_paper"] = s.solutions_matching_paper;
  }
  return result;
}

}  // namespace

Quantiles quantiles(std::vector<double> values) {
  std::erase_if(values, [](double v) { return !std::isfinite(v); });
  Quantiles result;
  if (values.empty()) return result;
  std::sort(values.begin(), values.end());
  result.count = static_cast<Index>(values.size());
  result.min = values.front();
  result.max = values.back();
  result.q25 = quantile_of_sorted(values, 0.25);
  result.median = quantile_of_sorted(values, 0.5);
  result.q75 = quantile_of_sorted(values, 0.75);
  return result;
}

std::pair<double, double> wilson_interval(Index successes, Index trials, double z) {
  if (trials <= 0) return {0.0, 1.0};
  const double n = static_cast<double>(trials), p = static_cast<double>(successes) / n, z2 = z * z;
  const double denominator = 1 + z2 / n;
  const double centre = (p + z2 / (2 * n)) / denominator;
  const double half_width = z * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator;
  return {std::max(0.0, centre - half_width), std::min(1.0, centre + half_width)};
}

TrialStatistics statistics_of(const RunSummary& summary, const TrialSummary& trial) {
  TrialStatistics s;
  s.members = static_cast<Index>(trial.members.size());
  for (const Index index : trial.members) {
    const MemberSummary& member = summary.members[static_cast<std::size_t>(index)];
    s.succeeded += member.succeeded();
    s.diverged += member.result.diverged;
    const double accuracy = member.result.final_metrics.train_accuracy;
    if (member.result.diverged) {
      ++s.outcomes.diverged;
    } else {
      ++s.final_accuracy_counts[accuracy];
      if (accuracy == 1.0) ++s.outcomes.perfect;
      else if (std::abs(accuracy - trial.majority_fraction) < 1e-9) ++s.outcomes.plateau;
      else if (std::abs(accuracy - 0.5) <= 0.1) ++s.outcomes.near_half;
      else ++s.outcomes.other;
    }
    if (member.succeeded() && member.solution) {
      ++s.solutions_checked;
      s.solutions_matching_paper += member.solution->matches_paper();
    }
  }
  s.success_rate = s.members ? static_cast<double>(s.succeeded) / static_cast<double>(s.members) : 0.0;
  std::tie(s.success_low, s.success_high) = wilson_interval(s.succeeded, s.members);
  const auto& members = trial.members;
  s.train_loss = quantiles_over(summary, members, [](const MemberSummary& m) { return m.result.final_metrics.train_loss; });
  s.train_accuracy = quantiles_over(summary, members, [](const MemberSummary& m) { return m.result.final_metrics.train_accuracy; });
  s.test_loss = quantiles_over(summary, members, [](const MemberSummary& m) { return m.result.final_metrics.test_loss; });
  s.test_accuracy = quantiles_over(summary, members, [](const MemberSummary& m) { return m.result.final_metrics.test_accuracy; });
  s.epochs_to_success = quantiles_over(summary, members, [](const MemberSummary& m) {
    return m.result.success_epoch ? static_cast<double>(*m.result.success_epoch) : std::nan("");
  });
  return s;
}

std::string to_json(const RunSummary& summary) {
  json members = json::array();
  for (const auto& member : summary.members) {
    const auto& result = member.result;
    const auto& final_metrics = result.final_metrics;
    json hyper = json::object();
    for (const auto& [key, value] : member.hyperparameters) hyper[key] = value;
    json entry = {
        {"member", member.member},
        {"trial", member.trial},
        {"population", member.population},
        {"seed", member.seed},
        {"hyperparameters", hyper},
        {"epochs", result.epochs_run},
        {"train_loss", number_or_null(final_metrics.train_loss)},
        {"train_accuracy", number_or_null(final_metrics.train_accuracy)},
        {"diverged", result.diverged},
    };
    if (result.diverged) entry["diverged_epoch"] = result.diverged_epoch;
    if (summary.has_validation) {
      entry["validation_loss"] = number_or_null(final_metrics.validation_loss);
      entry["validation_accuracy"] = number_or_null(final_metrics.validation_accuracy);
    }
    if (summary.has_test) {
      entry["test_loss"] = number_or_null(final_metrics.test_loss);
      entry["test_accuracy"] = number_or_null(final_metrics.test_accuracy);
    }
    if (summary.has_success_criterion) {
      entry["succeeded"] = member.succeeded();
      entry["success_epoch"] = result.success_epoch ? json(*result.success_epoch) : json(nullptr);
    }
    if (member.solution) entry["solution"] = solution_json(*member.solution);
    entry["seconds"] = summary.seconds;  // a population trains as one; the run's wall time
    members.push_back(std::move(entry));
  }
  json trials = json::array();
  for (const auto& trial : summary.trials) {
    json values = json::object();
    for (const auto& [key, value] : trial.values) values[key] = value;
    json entry = {{"trial", trial.index}, {"population", trial.population}, {"parameters", values}};
    entry.update(statistics_json(summary, statistics_of(summary, trial)));
    trials.push_back(std::move(entry));
  }
  TrialSummary everyone;
  everyone.majority_fraction = summary.trials.empty() ? 0.0 : summary.trials.front().majority_fraction;
  for (Index m = 0; m < static_cast<Index>(summary.members.size()); ++m) everyone.members.push_back(m);
  const json document = {{"run", summary.run_id},
                         {"name", summary.name},
                         {"config", summary.config_file},
                         {"parameters_per_member", summary.parameters_per_member},
                         {"populations", summary.populations},
                         {"seconds", summary.seconds},
                         {"trials", trials},
                         {"members", members},
                         {"aggregate", statistics_json(summary, statistics_of(summary, everyone))}};
  return document.dump();
}

std::string to_text(const RunSummary& summary) {
  std::string text;
  const auto count = static_cast<Index>(summary.members.size());
  if (count <= 10 && summary.trials.size() <= 1) {
    text += fmt::format("{:>6} {:>10} {:>6} {:>10} {:>9}", "member", "seed", "epochs", "train_loss", "train_acc");
    if (summary.has_test) text += fmt::format(" {:>9} {:>8}", "test_loss", "test_acc");
    if (summary.has_success_criterion) text += fmt::format(" {:>8}", "success");
    text += "\n";
    for (const auto& member : summary.members) {
      const auto& m = member.result.final_metrics;
      text += fmt::format("{:>6} {:>10} {:>6} {:>10} {:>9}", member.member, member.seed, member.result.epochs_run, fixed4(m.train_loss),
                          fixed4(m.train_accuracy));
      if (summary.has_test) text += fmt::format(" {:>9} {:>8}", fixed4(m.test_loss), fixed4(m.test_accuracy));
      if (summary.has_success_criterion)
        text += fmt::format(" {:>8}", member.result.diverged       ? std::string("diverged")
                                      : member.result.success_epoch ? fmt::format("@{}", *member.result.success_epoch)
                                                                    : std::string("no"));
      text += "\n";
    }
  }
  for (const auto& trial : summary.trials) {
    const TrialStatistics s = statistics_of(summary, trial);
    std::string label;
    for (const auto& [key, value] : trial.values) label += fmt::format("{}{}={}", label.empty() ? "" : " ", key, value);
    if (summary.trials.size() > 1) text += fmt::format("trial {}{}{}: ", trial.index, label.empty() ? "" : " ", label);
    if (summary.has_success_criterion) {
      text += fmt::format("success {}/{} = {:.1f}% (95% CI {:.1f}–{:.1f}%)", s.succeeded, s.members, 100 * s.success_rate, 100 * s.success_low,
                          100 * s.success_high);
      if (s.epochs_to_success.count > 0)
        text += fmt::format("; epochs to success median {:.0f} (quartiles {:.0f}, {:.0f})", s.epochs_to_success.median, s.epochs_to_success.q25,
                            s.epochs_to_success.q75);
    } else {
      text += fmt::format("final train accuracy median {}", fixed4(s.train_accuracy.median));
      if (summary.has_test) text += fmt::format(", test accuracy median {}", fixed4(s.test_accuracy.median));
    }
    if (s.diverged > 0) text += fmt::format("; {} diverged", s.diverged);
    text += "\n";
    if (s.members > 1) {
      text += fmt::format("  outcomes (final train accuracy): 1.0: {} | plateau {:.3f}: {} | ≈0.5: {} | other: {} | diverged: {}\n", s.outcomes.perfect,
                          trial.majority_fraction, s.outcomes.plateau, s.outcomes.near_half, s.outcomes.other, s.outcomes.diverged);
    }
    if (s.solutions_checked > 0)
      text += fmt::format("  solutions like the paper's (mirrored, 1:2:4, opposite units, biases): {}/{} of the successful members\n",
                          s.solutions_matching_paper, s.solutions_checked);
  }
  text += fmt::format("{} member(s) in {} population(s), {} parameters each, trained in {:.2f} s\n", count, summary.populations,
                      with_thousands(summary.parameters_per_member), summary.seconds);
  if (summary.run_id > 0) text += fmt::format("recorded as run {} (nnlab show {}, nnlab report {})\n", summary.run_id, summary.run_id, summary.run_id);
  return text;
}

}  // namespace nnlab
