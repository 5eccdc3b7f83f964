#include "train/unit_activity.hpp"

#include <cmath>
#include <tuple>
#include <utility>
#include <stdexcept>

namespace nnlab {
namespace {

enum class Family { dead, saturating_unit, saturating_symmetric, none };

Family family_of(ActivationKind kind) {
  switch (kind) {
    case ActivationKind::relu:
    case ActivationKind::leaky_relu:
    case ActivationKind::elu:
    case ActivationKind::step: return Family::dead;  // a threshold unit is always saturated; dead: never on
    case ActivationKind::sigmoid:
    case ActivationKind::hard_sigmoid: return Family::saturating_unit;
    case ActivationKind::tanh:
    case ActivationKind::hard_tanh: return Family::saturating_symmetric;
    default: return Family::none;
  }
}

// One member's block [rows, units].
double dead_fraction(const float* outputs, Index rows, Index units) {
  Index dead = 0;
  for (Index u = 0; u < units; ++u) {
    bool fires = false;
    for (Index r = 0; r < rows && !fires; ++r) fires = outputs[r * units + u] > 0.0f;
    dead += fires ? 0 : 1;
  }
  return static_cast<double>(dead) / static_cast<double>(units);
}

double saturated_fraction(const float* outputs, Index count, Family family) {
  const auto low = static_cast<float>(family == Family::saturating_unit ? saturation_margin : -1.0 + saturation_margin);
  const auto high = static_cast<float>(1.0 - saturation_margin);
  Index saturated = 0;
  for (Index i = 0; i < count; ++i) saturated += outputs[i] < low || outputs[i] > high ? 1 : 0;
  return static_cast<double>(saturated) / static_cast<double>(count);
}

// Mean and population standard deviation, two passes in double (no cancellation).
std::pair<double, double> mean_and_deviation(const float* values, Index count) {
  double sum = 0.0;
  for (Index i = 0; i < count; ++i) sum += values[i];
  const double mean = sum / static_cast<double>(count);
  double squares = 0.0;
  for (Index i = 0; i < count; ++i) {
    const double d = values[i] - mean;
    squares += d * d;
  }
  return {mean, std::sqrt(squares / static_cast<double>(count))};
}

}  // namespace

void measure_unit_activity(std::span<const Tensor* const> layer_outputs, std::span<const ActivationSpec> activations,
                           std::span<LayerStats> stats) {
  if (layer_outputs.size() != activations.size())
    throw std::invalid_argument("measure_unit_activity: one activation per layer output required");
  const auto layers = static_cast<Index>(layer_outputs.size());
  for (Index l = 0; l < layers; ++l) {
    const Tensor* output = layer_outputs[static_cast<std::size_t>(l)];
    const Family family = family_of(activations[static_cast<std::size_t>(l)].kind);
    if (output == nullptr || output->rank() != 3) continue;
    const Index members = output->dim(0), rows = output->dim(1), units = output->dim(2);
    if (rows == 0 || units == 0) continue;
    if (static_cast<Index>(stats.size()) != members * layers)
      throw std::invalid_argument("measure_unit_activity: stats must hold members x layers entries");
#pragma omp parallel for schedule(static) if (members * rows * units > (Index{1} << 16))
    for (Index m = 0; m < members; ++m) {
      LayerStats& entry = stats[static_cast<std::size_t>(m * layers + l)];
      std::tie(entry.activation_mean, entry.activation_std) = mean_and_deviation(output->slice(m), rows * units);
      if (family == Family::none) continue;
      if (family == Family::dead) {
        entry.dead_fraction = dead_fraction(output->slice(m), rows, units);
      } else {
        entry.saturated_fraction = saturated_fraction(output->slice(m), rows * units, family);
      }
    }
  }
}

}  // namespace nnlab
