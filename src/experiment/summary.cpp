#include "experiment/summary.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "core/statistics.hpp"
#include "core/text.hpp"
#include "experiment/adversarial_summary.hpp"
#include "experiment/data_init_summary.hpp"
#include "experiment/prune_summary.hpp"
#include "experiment/snapshot_summary.hpp"
#include "experiment/summary_json.hpp"
#include "experiment/sweep.hpp"

namespace nnlab {
namespace {

using nlohmann::json;


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

json epoch_or_null(std::int64_t epoch) { return epoch >= 0 ? json(epoch) : json(nullptr); }

json early_stop_json(const EarlyStopOutcome& e) {
  return {{"monitor", monitor_name(e.monitor)},          {"best_epoch", epoch_or_null(e.best_epoch)},
          {"best_value", number_or_null(e.best_value)},  {"stopped_epoch", epoch_or_null(e.stopped_epoch)},
          {"stopped_value", number_or_null(e.stopped_value)}, {"restored_best", e.restored}};
}

json epoch_or_null(const std::optional<double>& epoch) { return epoch ? json(static_cast<std::int64_t>(*epoch)) : json(nullptr); }

json time_to_success_json(const TimeToSuccess& t) {
  return {{"median", epoch_or_null(t.median())},
          {"q25", epoch_or_null(t.q25())},
          {"q75", epoch_or_null(t.q75())},
          {"censored_at", t.censored_at},
          {"median_text", epochs_text(t.median(), t.censored_at)},
          {"reached", t.curve.events}};
}

json outcomes_json(const TrialSummary& trial, const Outcomes& o) {
  json result = {{"perfect", o.perfect}, {"near_half", o.near_half}, {"other", o.other}, {"diverged", o.diverged}};
  if (trial.majority_fraction > 0.5) {
    result["plateau"] = o.plateau;
    result["plateau_accuracy"] = trial.majority_fraction;
  }
  return result;
}

json statistics_json(const RunSummary& summary, const TrialSummary& trial, const TrialStatistics& s) {
  json result = {{"members", s.members},
                 {"diverged", s.diverged},
                 {"train_loss", quantiles_json(s.train_loss)},
                 {"train_accuracy", quantiles_json(s.train_accuracy)}};
  if (trial.boolean_task) result["outcomes"] = outcomes_json(trial, s.outcomes);
  json histogram = json::array();
  for (const auto& [accuracy, count] : s.final_accuracy_counts) histogram.push_back({{"train_accuracy", accuracy}, {"count", count}});
  result["final_train_accuracy_histogram"] = histogram;
  if (summary.has_test) {
    result["test_loss"] = quantiles_json(s.test_loss);
    result["test_accuracy"] = quantiles_json(s.test_accuracy);
  }
  if (summary.has_success_criterion) {
    result["succeeded"] = s.succeeded;
    result["succeeded_ever"] = s.succeeded;
    result["successful_at_end"] = s.successful_at_end;
    result["success_rate"] = s.success_rate;
    result["success_rate_95"] = {s.success_low, s.success_high};
    result["time_to_success"] = time_to_success_json(s.time_to_success);
    result["epochs_to_success"] = quantiles_json(s.epochs_to_success);
  }
  if (s.early_stopping > 0)
    result["early_stopping"] = {{"members", s.early_stopping}, {"stopped", s.stopped},
                                {"stopped_epoch", quantiles_json(s.stopped_epoch)}, {"best_epoch", quantiles_json(s.best_epoch)}};
  if (json ensemble = snapshot_ensemble_trial_json(summary, trial); !ensemble.is_null()) result["snapshot_ensemble"] = std::move(ensemble);
  if (json adversarial = adversarial_trial_json(summary, trial); !adversarial.is_null()) result["adversarial"] = std::move(adversarial);
  if (s.solutions_checked > 0) {
    result["solutions_checked"] = s.solutions_checked;
    result["solutions_matching_paper"] = s.solutions_matching_paper;
  }
  return result;
}

// The configured epochs of member's trial; the epochs it ran when the trial does not say.
std::int64_t configured_epochs(const RunSummary& summary, const MemberSummary& member) {
  const auto position = static_cast<std::size_t>(member.trial);
  const TrialSummary* trial = position < summary.trials.size() && summary.trials[position].index == member.trial ? &summary.trials[position] : nullptr;
  for (std::size_t t = 0; !trial && t < summary.trials.size(); ++t)
    if (summary.trials[t].index == member.trial) trial = &summary.trials[t];
  return trial && trial->epochs > 0 ? trial->epochs : member.result.epochs_run;
}

// One Kaplan–Meier subject per member: an event at its success epoch; otherwise censored at
// its last epoch, or at the configured N when it diverged (it would never have succeeded).
SurvivalSubject survival_subject(const RunSummary& summary, const MemberSummary& member) {
  const MemberResult& r = member.result;
  if (r.success_epoch) return {.time = static_cast<double>(*r.success_epoch), .event = true};
  return {.time = static_cast<double>(r.diverged ? configured_epochs(summary, member) : r.epochs_run), .event = false};
}

// Every member as one group, for "aggregate": the outcome classes when every trial has them.
TrialSummary all_members(const RunSummary& summary) {
  TrialSummary everyone;
  everyone.majority_fraction = summary.trials.empty() ? 0.0 : summary.trials.front().majority_fraction;
  everyone.boolean_task = !summary.trials.empty();
  for (const auto& trial : summary.trials) {
    everyone.epochs = std::max(everyone.epochs, trial.epochs);
    everyone.boolean_task = everyone.boolean_task && trial.boolean_task;
  }
  for (Index m = 0; m < static_cast<Index>(summary.members.size()); ++m) everyone.members.push_back(m);
  return everyone;
}

// "time to success over all 1000 members (Kaplan–Meier): median 2756, quartiles 1176 / 7503;
// among the 304 that succeeded: median 1953 (quartiles 880, 4012)".
std::string time_to_success_text(const TrialStatistics& s) {
  const TimeToSuccess& t = s.time_to_success;
  const auto text = [&](const std::optional<double>& epoch) { return epochs_text(epoch, t.censored_at); };
  std::string line = fmt::format("time to success over all {} members (Kaplan–Meier): median {}, quartiles {} / {}", s.members, text(t.median()),
                                 text(t.q25()), text(t.q75()));
  if (s.epochs_to_success.count > 0)
    line += fmt::format("; among the {} that succeeded: median {:.0f} (quartiles {:.0f}, {:.0f})", s.epochs_to_success.count, s.epochs_to_success.median,
                        s.epochs_to_success.q25, s.epochs_to_success.q75);
  return line;
}

std::string outcomes_text(const TrialSummary& trial, const Outcomes& o) {
  std::string line = fmt::format("  outcomes (final train accuracy): 1.0: {}", o.perfect);
  if (trial.majority_fraction > 0.5) line += fmt::format(" | plateau {:.3f} (majority class): {}", trial.majority_fraction, o.plateau);
  line += fmt::format(" | ≈0.5: {} | other: {} | diverged: {}\n", o.near_half, o.other, o.diverged);
  return line;
}

// "  early stopping on validation_loss: 3/4 stopped, at epoch 14 (median; 8–20), best epoch 9 (median;
// 5–15); final metrics are of the best epoch (restore_best)".
std::string early_stopping_text(const RunSummary& summary, const TrialSummary& trial, const TrialStatistics& s) {
  const EarlyStopOutcome* first = nullptr;
  bool restored = false;
  for (const Index m : trial.members)
    if (const auto& e = summary.members[static_cast<std::size_t>(m)].result.early_stop) {
      if (!first) first = &*e;
      restored = restored || e->restored;
    }
  const auto range = [](const Quantiles& q) {
    return q.count == 0 ? std::string("-") : q.count == 1 ? fmt::format("{:.0f}", q.median) : fmt::format("{:.0f} (median; {:.0f}–{:.0f})", q.median, q.min, q.max);
  };
  return fmt::format("  early stopping on {}: {}/{} stopped, at epoch {}; best epoch {}{}\n", monitor_name(first->monitor), s.stopped, s.early_stopping,
                     range(s.stopped_epoch), range(s.best_epoch), restored ? "; final metrics and weights are of the best epoch (restore_best)" : "");
}

}  // namespace

json number_or_null(double value) { return std::isfinite(value) ? json(value) : json(nullptr); }

json quantiles_json(const Quantiles& q) {
  if (q.count == 0) return nullptr;
  return {{"min", q.min}, {"q25", q.q25}, {"median", q.median}, {"q75", q.q75}, {"max", q.max}, {"count", q.count}};
}

json quantiles_json(const std::vector<Quantiles>& per) {
  json out = json::array();
  for (const Quantiles& q : per) out.push_back(quantiles_json(q));
  return out;
}

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

bool has_outcome_classes(std::string_view source) {
  return source == "mirror" || source == "parity" || source == "xor" || source == "encoder";
}

std::string epochs_text(const std::optional<double>& epoch, std::int64_t censored_at) {
  return epoch ? fmt::format("{:.0f}", *epoch) : fmt::format("> {}", censored_at);
}

TrialStatistics statistics_of(const RunSummary& summary, const TrialSummary& trial) {
  TrialStatistics s;
  s.members = static_cast<Index>(trial.members.size());
  std::vector<SurvivalSubject> subjects;
  std::int64_t longest = 0;
  for (const Index index : trial.members) {
    const MemberSummary& member = summary.members[static_cast<std::size_t>(index)];
    s.succeeded += member.succeeded();
    s.successful_at_end += member.result.successful_at_end;
    subjects.push_back(survival_subject(summary, member));
    longest = std::max(longest, std::max(member.result.epochs_run, configured_epochs(summary, member)));
    s.diverged += member.result.diverged;
    const double accuracy = member.result.final_metrics.train_accuracy;
    if (member.result.diverged) {
      ++s.outcomes.diverged;
    } else {
      ++s.final_accuracy_counts[accuracy];
      if (accuracy == 1.0) ++s.outcomes.perfect;
      else if (trial.majority_fraction > 0.5 && std::abs(accuracy - trial.majority_fraction) < 1e-9) ++s.outcomes.plateau;
      else if (std::abs(accuracy - 0.5) <= 0.1) ++s.outcomes.near_half;
      else ++s.outcomes.other;
    }
    if (member.succeeded() && member.solution) {
      ++s.solutions_checked;
      s.solutions_matching_paper += member.solution->matches_paper();
    }
  }
  s.time_to_success.curve = kaplan_meier(std::move(subjects));
  s.time_to_success.censored_at = trial.epochs > 0 ? trial.epochs : longest;
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
  const auto epoch_of = [](std::int64_t EarlyStopOutcome::*field) {
    return [field](const MemberSummary& m) {
      return m.result.early_stop && m.result.early_stop.value().*field >= 0 ? static_cast<double>(m.result.early_stop.value().*field) : std::nan("");
    };
  };
  for (const Index index : members)
    if (const auto& e = summary.members[static_cast<std::size_t>(index)].result.early_stop) {
      ++s.early_stopping;
      s.stopped += e->stopped_epoch >= 0;
    }
  s.stopped_epoch = quantiles_over(summary, members, epoch_of(&EarlyStopOutcome::stopped_epoch));
  s.best_epoch = quantiles_over(summary, members, epoch_of(&EarlyStopOutcome::best_epoch));
  return s;
}

std::string to_json(const RunSummary& summary) {
  json members = json::array();
  for (const auto& member : summary.members) {
    const auto& result = member.result;
    const auto& final_metrics = result.final_metrics;
    json hyper = json::object();
    for (const auto& [key, value] : member.hyperparameters) hyper[key] = value;
    // Swept keys as written, structural ones (train.batch, an activation kind, ...) included.
    if (static_cast<std::size_t>(member.trial) < summary.trials.size())
      for (const auto& [key, text] : summary.trials[static_cast<std::size_t>(member.trial)].values) hyper[key] = value_json(text);
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
    if (result.early_stop) entry["early_stopping"] = early_stop_json(*result.early_stop);
    if (result.snapshot_ensemble) entry["snapshot_ensemble"] = snapshot_ensemble_json(*result.snapshot_ensemble);
    if (result.prune) entry["prune"] = prune_json(*result.prune);
    if (result.adversarial) entry["adversarial"] = adversarial_json(*result.adversarial);
    if (member.solution) entry["solution"] = solution_json(*member.solution);
    if (!member.data_init.empty()) entry["data_init"] = data_init_json(member);
    entry["seconds"] = summary.seconds;  // a population trains as one; the run's wall time
    members.push_back(std::move(entry));
  }
  json trials = json::array();
  for (const auto& trial : summary.trials) {
    json values = json::object();
    for (const auto& [key, value] : trial.values) values[key] = value;
    json entry = {{"trial", trial.index}, {"population", trial.population}, {"parameters", values}};
    entry["epochs"] = trial.epochs;
    entry.update(statistics_json(summary, trial, statistics_of(summary, trial)));
    if (json prune = prune_trial_json(summary, trial); !prune.is_null()) entry["prune"] = std::move(prune);
    trials.push_back(std::move(entry));
  }
  const TrialSummary everyone = all_members(summary);
  json document = {{"run", summary.run_id},
                   {"name", summary.name},
                   {"config", summary.config_file},
                   {"parameters_per_member", summary.parameters_per_member},
                   {"populations", summary.populations},
                   {"seconds", summary.seconds},
                   {"ranks", summary.ranks},
                   {"trials", trials},
                   {"members", members},
                   {"aggregate", statistics_json(summary, everyone, statistics_of(summary, everyone))}};
  if (summary.ranks > 1) document["recording_seconds"] = summary.recording_seconds;
  return document.dump();
}

std::string to_text(const RunSummary& summary) {
  std::string text;
  const auto count = static_cast<Index>(summary.members.size());
  if (count <= 10 && summary.trials.size() <= 1) {
    text += fmt::format("{:>6} {:>10} {:>6} {:>10} {:>9}", "member", "seed", "epochs", "train_loss", "train_acc");
    if (summary.has_test) text += fmt::format(" {:>9} {:>8}", "test_loss", "test_acc");
    if (summary.has_success_criterion) text += fmt::format(" {:>8}", "success");
    const bool stopping = std::any_of(summary.members.begin(), summary.members.end(), [](const MemberSummary& m) { return m.result.early_stop.has_value(); });
    if (stopping) text += fmt::format(" {:>6} {:>7}", "best", "stopped");
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
      if (const auto& e = member.result.early_stop)
        text += fmt::format(" {:>6} {:>7}", e->best_epoch >= 0 ? std::to_string(e->best_epoch) : "-",
                            e->stopped_epoch >= 0 ? std::to_string(e->stopped_epoch) : "no");
      else if (stopping)
        text += fmt::format(" {:>6} {:>7}", "-", "-");
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
      if (s.successful_at_end != s.succeeded)
        text += fmt::format(" at some epoch, {} still successful at the end", s.successful_at_end);
    } else {
      text += fmt::format("final train accuracy median {}", fixed4(s.train_accuracy.median));
      if (summary.has_test) text += fmt::format(", test accuracy median {}", fixed4(s.test_accuracy.median));
    }
    if (s.diverged > 0) text += fmt::format("; {} diverged", s.diverged);
    text += "\n";
    if (summary.has_success_criterion && s.members > 1) text += "  " + time_to_success_text(s) + "\n";
    if (trial.boolean_task && s.members > 1) text += outcomes_text(trial, s.outcomes);
    if (s.early_stopping > 0) text += early_stopping_text(summary, trial, s);
    text += data_init_text(summary, trial);
    text += prune_text(summary, trial);
    text += snapshot_ensemble_text(summary, trial);
    text += adversarial_text(summary, trial);
    if (s.solutions_checked > 0)
      text += fmt::format("  solutions like the paper's (mirrored within ±{:.0f} %, 1:2:4 within ±{:.0f} %, opposite units, biases): {}/{} of the "
                          "successful members\n",
                          100 * mirror_pair_tolerance, 100 * mirror_ratio_tolerance, s.solutions_matching_paper, s.solutions_checked);
  }
  text += fmt::format("{} member(s) in {} population(s), {} parameters each, trained in {:.2f} s{}\n", count, summary.populations,
                      with_thousands(summary.parameters_per_member), summary.seconds,
                      summary.ranks > 1 ? fmt::format(" on {} MPI ranks (rank 0 recording the others' work: {:.2f} s, {:.1f} %)", summary.ranks,
                                                       summary.recording_seconds, 100.0 * summary.recording_seconds / std::max(summary.seconds, 1e-9))
                                         : std::string());
  if (summary.run_id > 0) text += fmt::format("recorded as run {} (nnlab show {}, nnlab report {})\n", summary.run_id, summary.run_id, summary.run_id);
  return text;
}

}  // namespace nnlab
