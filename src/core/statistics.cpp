#include "core/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace nnlab {

double quantile_of_sorted(const std::vector<double>& sorted, double q) {
  const double position = q * static_cast<double>(sorted.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(position));
  const auto above = std::min(below + 1, sorted.size() - 1);
  return sorted[below] + (sorted[above] - sorted[below]) * (position - static_cast<double>(below));
}

SurvivalCurve kaplan_meier(std::vector<SurvivalSubject> subjects) {
  // Ascending time; at equal times events first, so that censorings at t are at risk at t.
  std::sort(subjects.begin(), subjects.end(), [](const SurvivalSubject& a, const SurvivalSubject& b) {
    return a.time != b.time ? a.time < b.time : a.event > b.event;
  });
  SurvivalCurve curve;
  curve.subjects = static_cast<std::int64_t>(subjects.size());
  if (!subjects.empty()) curve.last_time = subjects.back().time;
  double survival = 1.0, greenwood_sum = 0.0;
  std::int64_t at_risk = curve.subjects;
  for (std::size_t i = 0; i < subjects.size();) {
    const double time = subjects[i].time;
    std::int64_t events = 0, censored = 0;
    for (; i < subjects.size() && subjects[i].time == time; ++i) (subjects[i].event ? events : censored) += 1;
    if (events > 0) {
      const auto n = static_cast<double>(at_risk), d = static_cast<double>(events);
      survival *= 1.0 - d / n;
      if (events < at_risk) greenwood_sum += d / (n * (n - d));
      const double variance = events < at_risk && survival > 0 ? survival * survival * greenwood_sum : 0.0;
      curve.steps.push_back(SurvivalStep{.time = time, .at_risk = at_risk, .events = events, .censored = censored, .survival = survival,
                                         .variance = variance});
      curve.events += events;
    }
    at_risk -= events + censored;
  }
  return curve;
}

namespace {

// The last step at or before t, or nullptr before the first event.
const SurvivalStep* step_at(const SurvivalCurve& curve, double t) {
  const auto after = std::upper_bound(curve.steps.begin(), curve.steps.end(), t, [](double v, const SurvivalStep& s) { return v < s.time; });
  return after == curve.steps.begin() ? nullptr : &*(after - 1);
}

}  // namespace

double SurvivalCurve::survival_at(double t) const {
  const SurvivalStep* step = step_at(*this, t);
  return step ? step->survival : 1.0;
}

double SurvivalCurve::variance_at(double t) const {
  const SurvivalStep* step = step_at(*this, t);
  return step ? step->variance : 0.0;
}

std::optional<double> SurvivalCurve::quantile(double q) const {
  // The product of (1 - d/n) is exact only in exact arithmetic: a curve that should sit at
  // exactly 1 - q (say 3/6 after 5/6 · 3/5) may land an ulp above it. Allow for that.
  const double level = 1.0 - q + 1e-12;
  for (const SurvivalStep& step : steps)
    if (step.survival <= level) return step.time;
  return std::nullopt;
}

std::pair<double, double> survival_band(const SurvivalStep& step, double z) {
  const double half_width = z * std::sqrt(step.variance);
  return {std::max(0.0, step.survival - half_width), std::min(1.0, step.survival + half_width)};
}

std::pair<double, double> wilson_interval(std::int64_t successes, std::int64_t trials, double z) {
  if (trials <= 0) return {0.0, 1.0};
  const double n = static_cast<double>(trials), p = static_cast<double>(successes) / n, z2 = z * z;
  const double denominator = 1 + z2 / n;
  const double centre = (p + z2 / (2 * n)) / denominator;
  const double half_width = z * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator;
  return {std::max(0.0, centre - half_width), std::min(1.0, centre + half_width)};
}

std::size_t lower_median_position(std::span<const double> values) {
  if (values.empty()) return 0;
  std::vector<std::size_t> order(values.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  const auto rank = [&](std::size_t i) { return std::isfinite(values[i]) ? values[i] : INFINITY; };
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return rank(a) < rank(b); });
  return order[(order.size() - 1) / 2];
}

}  // namespace nnlab
