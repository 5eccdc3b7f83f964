// Order statistics and survival curves shared by summaries and reports.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <utility>
#include <vector>

namespace nnlab {

// The q-quantile (0 <= q <= 1) of an ascending, non-empty sample, interpolating linearly
// between order statistics (numpy's default method).
double quantile_of_sorted(const std::vector<double>& sorted, double q);

// The position of the lower median of `values`: ascending, non-finite values (NaN, ±inf) ranked
// last as equals, ties to the earlier position. 0 for an empty span. The one rule by which the
// runner picks a trial's median member and the report names it.
std::size_t lower_median_position(std::span<const double> values);

// The 95 % Wilson (1927) score interval of a binomial proportion (z = 1.96); [0, 1] for no trials.
std::pair<double, double> wilson_interval(std::int64_t successes, std::int64_t trials, double z = 1.959963984540054);

// One subject of a time-to-event sample: the event happened at `time`, or (event = false)
// the subject was last seen without it at `time` (right-censored; still at risk at `time`).
struct SurvivalSubject {
  double time = 0.0;
  bool event = false;
};

// The Kaplan–Meier curve at one distinct event time t_i: n_i subjects at risk (time >= t_i),
// d_i events and c_i censorings at t_i; S(t) = prod_{t_j <= t} (1 - d_j / n_j) holds from t_i
// until the next step. Greenwood's variance: Var S(t) = S(t)^2 sum_{t_j <= t} d_j / (n_j (n_j - d_j)).
// Once S reaches 0 (every subject at risk had the event) the curve is degenerate there and the
// variance is reported as 0.
struct SurvivalStep {
  double time = 0.0;
  std::int64_t at_risk = 0;
  std::int64_t events = 0;
  std::int64_t censored = 0;
  double survival = 1.0;
  double variance = 0.0;
};

struct SurvivalCurve {
  std::vector<SurvivalStep> steps;  // one per distinct event time, ascending
  std::int64_t subjects = 0;
  std::int64_t events = 0;
  double last_time = 0.0;  // the largest observed time (event or censoring); the curve is known up to it

  // S(t): 1 before the first event, constant between steps (and after the last one).
  double survival_at(double t) const;
  // Greenwood's variance of S(t); 0 before the first event.
  double variance_at(double t) const;
  // The q-quantile of the time to event: the smallest event time t with S(t) <= 1 - q;
  // nullopt ("not reached") when the curve never falls that far. q in (0, 1].
  std::optional<double> quantile(double q) const;
};

// The product-limit estimator (Kaplan & Meier 1958) of the survival function of a
// right-censored sample; ties: events at t precede censorings at t (censored subjects count
// as at risk at their own time).
SurvivalCurve kaplan_meier(std::vector<SurvivalSubject> subjects);

// The pointwise band S(t) ± z·sqrt(Var S(t)), clipped to [0, 1] (Greenwood, linear scale).
std::pair<double, double> survival_band(const SurvivalStep& step, double z = 1.959963984540054);

}  // namespace nnlab
