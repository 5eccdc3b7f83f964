#include "data/transforms.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "data/permutation.hpp"

namespace nnlab {

namespace {

std::string dataset_label(const Dataset& dataset) { return dataset.name.empty() ? std::string("data") : dataset.name; }

std::string number(double value) {
  std::string text = std::to_string(value);
  text.erase(text.find_last_not_of('0') + 1);
  if (text.back() == '.') text.pop_back();
  return text;
}

// The first `count` entries of a seeded permutation, in increasing order, and the rest likewise.
std::pair<std::vector<Index>, std::vector<Index>> seeded_partition(Index size, Index count, CounterRng rng) {
  std::vector<Index> order = random_permutation(size, rng);
  std::vector<Index> chosen(order.begin(), order.begin() + count);
  std::vector<Index> rest(order.begin() + count, order.end());
  std::sort(chosen.begin(), chosen.end());
  std::sort(rest.begin(), rest.end());
  return {std::move(chosen), std::move(rest)};
}

}  // namespace

void scale_inputs(Dataset& dataset, double factor) {
  if (!std::isfinite(factor))
    throw InputError(dataset_label(dataset) + ": scale must be finite, got " + number(factor));
  for (float& value : dataset.inputs.span()) value = static_cast<float>(value * factor);
}

FeatureStatistics feature_statistics(const Dataset& train) {
  const Index count = train.size();
  const Index features = train.features();
  if (count == 0) throw InputError(dataset_label(train) + ": cannot standardise an empty data set");
  FeatureStatistics statistics{std::vector<double>(static_cast<std::size_t>(features), 0.0),
                               std::vector<double>(static_cast<std::size_t>(features), 0.0)};
  const float* inputs = train.inputs.data();
  // Two passes (mean, then mean squared deviation): no cancellation as in E[x^2] - E[x]^2.
  for (Index i = 0; i < count; ++i) {
    for (Index f = 0; f < features; ++f) statistics.mean[static_cast<std::size_t>(f)] += inputs[i * features + f];
  }
  for (double& mean : statistics.mean) mean /= static_cast<double>(count);
  for (Index i = 0; i < count; ++i) {
    for (Index f = 0; f < features; ++f) {
      const double deviation = inputs[i * features + f] - statistics.mean[static_cast<std::size_t>(f)];
      statistics.std_dev[static_cast<std::size_t>(f)] += deviation * deviation;
    }
  }
  for (double& deviation : statistics.std_dev) deviation = std::sqrt(deviation / static_cast<double>(count));
  return statistics;
}

void standardize(Dataset& dataset, const FeatureStatistics& statistics) {
  const Index features = dataset.features();
  if (static_cast<Index>(statistics.mean.size()) != features ||
      static_cast<Index>(statistics.std_dev.size()) != features) {
    throw InputError(dataset_label(dataset) + ": has " + std::to_string(features) +
                     " features, the training statistics " + std::to_string(statistics.mean.size()));
  }
  float* inputs = dataset.inputs.data();
  for (Index i = 0; i < dataset.size(); ++i) {
    for (Index f = 0; f < features; ++f) {
      const auto k = static_cast<std::size_t>(f);
      const double centred = inputs[i * features + f] - statistics.mean[k];
      // A constant feature carries no information; centring it (to 0) is all that makes sense.
      inputs[i * features + f] =
          static_cast<float>(statistics.std_dev[k] > 0.0 ? centred / statistics.std_dev[k] : centred);
    }
  }
}

TrainValidationSplit split_validation(const Dataset& dataset, double fraction, std::uint64_t seed) {
  if (!(fraction >= 0.0 && fraction < 1.0)) {
    throw InputError(dataset_label(dataset) + ": validation fraction must be in [0, 1), got " + number(fraction));
  }
  const Index size = dataset.size();
  const auto held_out = static_cast<Index>(std::llround(fraction * static_cast<double>(size)));
  if (held_out >= size) {
    throw InputError(dataset_label(dataset) + ": validation fraction " + number(fraction) + " of " +
                     std::to_string(size) + " examples leaves none for training");
  }
  auto [validation, train] = seeded_partition(size, held_out, CounterRng(seed, RngPurpose::split, 0));
  return {select_rows(dataset, train), select_rows(dataset, validation)};
}

Dataset random_subset(const Dataset& dataset, Index count, std::uint64_t seed) {
  if (count < 1 || count > dataset.size()) {
    throw InputError(dataset_label(dataset) + ": subset of " + std::to_string(count) + " examples must be in [1, " +
                     std::to_string(dataset.size()) + "]");
  }
  const auto chosen = seeded_partition(dataset.size(), count, CounterRng(seed, RngPurpose::split, 1)).first;
  return select_rows(dataset, chosen);
}

std::vector<Index> randomize_labels(Dataset& dataset, double fraction, std::uint64_t seed) {
  if (!(fraction >= 0.0 && fraction <= 1.0)) {
    throw InputError(dataset_label(dataset) + ": random label fraction must be in [0, 1], got " + number(fraction));
  }
  if (fraction == 0.0) return {};
  if (!dataset.targets.empty()) {
    throw InputError(dataset_label(dataset) + ": random labels need a data set whose targets come from its labels");
  }
  if (dataset.classes < 1) throw std::logic_error("randomize_labels: data set without classes");
  const Index size = dataset.size();
  const auto count = static_cast<Index>(std::llround(fraction * static_cast<double>(size)));
  CounterRng rng(seed, RngPurpose::labels);
  std::vector<Index> chosen = random_permutation(size, rng);
  chosen.resize(static_cast<std::size_t>(count));
  std::sort(chosen.begin(), chosen.end());
  for (const Index index : chosen) {
    dataset.labels[static_cast<std::size_t>(index)] =
        static_cast<std::int32_t>(rng.below(static_cast<std::uint64_t>(dataset.classes)));
  }
  return chosen;
}

}  // namespace nnlab
