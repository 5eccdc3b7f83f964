#include "experiment/summary.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

namespace nnlab {
namespace {

// Linear interpolation between order statistics (numpy's default).
double quantile_of_sorted(const std::vector<double>& sorted, double q) {
  const double position = q * static_cast<double>(sorted.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(position));
  const auto above = std::min(below + 1, sorted.size() - 1);
  const double fraction = position - static_cast<double>(below);
  return sorted[below] + (sorted[above] - sorted[below]) * fraction;
}

nlohmann::json number_or_null(double value) { return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr); }

nlohmann::json to_json(const Quantiles& q) {
  if (q.count == 0) return nullptr;
  return {{"min", q.min}, {"q25", q.q25}, {"median", q.median}, {"q75", q.q75}, {"max", q.max}, {"count", q.count}};
}

template <typename Field>
Quantiles quantiles_of(const RunSummary& summary, Field field) {
  std::vector<double> values;
  for (const auto& member : summary.members) values.push_back(field(member));
  return quantiles(std::move(values));
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

std::string to_json(const RunSummary& summary) {
  nlohmann::json members = nlohmann::json::array();
  Index succeeded = 0, diverged = 0;
  for (const auto& member : summary.members) {
    const auto& result = member.result;
    const auto& final_metrics = result.final_metrics;
    nlohmann::json hyper = nlohmann::json::object();
    for (const auto& [key, value] : member.hyperparameters) hyper[key] = value;
    nlohmann::json entry = {
        {"member", member.member},
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
      entry["success_epoch"] = result.success_epoch ? nlohmann::json(*result.success_epoch) : nlohmann::json(nullptr);
    }
    entry["seconds"] = summary.seconds;  // the population trains as one; its wall time
    members.push_back(std::move(entry));
    succeeded += member.succeeded();
    diverged += result.diverged;
  }
  const auto count = static_cast<Index>(summary.members.size());
  nlohmann::json aggregate = {
      {"members", count},
      {"diverged", diverged},
      {"train_loss", to_json(quantiles_of(summary, [](const MemberSummary& m) { return m.result.final_metrics.train_loss; }))},
      {"train_accuracy", to_json(quantiles_of(summary, [](const MemberSummary& m) { return m.result.final_metrics.train_accuracy; }))},
  };
  if (summary.has_test) {
    aggregate["test_loss"] = to_json(quantiles_of(summary, [](const MemberSummary& m) { return m.result.final_metrics.test_loss; }));
    aggregate["test_accuracy"] = to_json(quantiles_of(summary, [](const MemberSummary& m) { return m.result.final_metrics.test_accuracy; }));
  }
  if (summary.has_success_criterion) {
    aggregate["succeeded"] = succeeded;
    aggregate["success_rate"] = count > 0 ? static_cast<double>(succeeded) / static_cast<double>(count) : 0.0;
    aggregate["epochs_to_success"] = to_json(quantiles_of(summary, [](const MemberSummary& m) {
      return m.result.success_epoch ? static_cast<double>(*m.result.success_epoch) : std::nan("");
    }));
  }
  const nlohmann::json document = {{"name", summary.name},
                                   {"config", summary.config_file},
                                   {"parameters_per_member", summary.parameters_per_member},
                                   {"seconds", summary.seconds},
                                   {"members", members},
                                   {"aggregate", aggregate}};
  return document.dump();
}

std::string to_text(const RunSummary& summary) {
  std::string text;
  const auto count = static_cast<Index>(summary.members.size());
  auto fmt_metric = [](double v) { return std::isfinite(v) ? fmt::format("{:.4f}", v) : std::string("-"); };
  if (count <= 10) {
    text += fmt::format("{:>6} {:>10} {:>6} {:>10} {:>9}", "member", "seed", "epochs", "train_loss", "train_acc");
    if (summary.has_test) text += fmt::format(" {:>9} {:>8}", "test_loss", "test_acc");
    if (summary.has_success_criterion) text += fmt::format(" {:>8}", "success");
    text += "\n";
    for (const auto& member : summary.members) {
      const auto& m = member.result.final_metrics;
      text += fmt::format("{:>6} {:>10} {:>6} {:>10} {:>9}", member.member, member.seed, member.result.epochs_run,
                          fmt_metric(m.train_loss), fmt_metric(m.train_accuracy));
      if (summary.has_test) text += fmt::format(" {:>9} {:>8}", fmt_metric(m.test_loss), fmt_metric(m.test_accuracy));
      if (summary.has_success_criterion)
        text += fmt::format(" {:>8}", member.result.diverged ? std::string("diverged")
                                      : member.result.success_epoch ? fmt::format("@{}", *member.result.success_epoch)
                                                                    : std::string("no"));
      text += "\n";
    }
  }
  if (summary.has_success_criterion) {
    Index succeeded = 0;
    for (const auto& member : summary.members) succeeded += member.succeeded();
    text += fmt::format("success: {}/{} ({:.1f}%)", succeeded, count, count ? 100.0 * static_cast<double>(succeeded) / static_cast<double>(count) : 0.0);
    const Quantiles epochs = quantiles_of(summary, [](const MemberSummary& m) {
      return m.result.success_epoch ? static_cast<double>(*m.result.success_epoch) : std::nan("");
    });
    if (epochs.count > 0) text += fmt::format("; epochs to success: median {:.0f} (quartiles {:.0f}, {:.0f})", epochs.median, epochs.q25, epochs.q75);
    text += "\n";
  }
  if (count > 1) {
    const Quantiles accuracy = quantiles_of(summary, [](const MemberSummary& m) { return m.result.final_metrics.train_accuracy; });
    if (accuracy.count > 0)
      text += fmt::format("final train accuracy over {} members: median {:.4f} [{:.4f} .. {:.4f}]\n", accuracy.count, accuracy.median,
                          accuracy.min, accuracy.max);
  }
  text += fmt::format("{} member(s), {} parameters each, trained in {:.2f} s\n", count, summary.parameters_per_member, summary.seconds);
  return text;
}

}  // namespace nnlab
