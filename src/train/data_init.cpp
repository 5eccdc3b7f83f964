#include "train/data_init.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "core/eigen.hpp"
#include "data/permutation.hpp"
#include "nn/layer_kinds.hpp"

namespace nnlab {
namespace {

std::string where(std::size_t layer) { return fmt::format("model.layers.{}.init.weight", layer); }

Index batch_of(const InitSpec& init) {
  if (init.batch > 0) return init.batch;
  return init.kind == InitKind::lsuv ? lsuv_default_batch : pca_default_batch;
}

// The unbiased variance over the first `rows` examples of member m's slice of x [P, B, F...].
double variance(const Tensor& x, std::size_t m, Index rows) {
  const Index features = x.size() / (x.dim(0) * x.dim(1));
  const float* values = x.data() + static_cast<std::ptrdiff_t>(m) * x.dim(1) * features;
  const auto count = static_cast<std::size_t>(rows * features);
  double mean = 0.0;
  for (std::size_t i = 0; i < count; ++i) mean += static_cast<double>(values[i]);
  mean /= static_cast<double>(count);
  double squares = 0.0;
  for (std::size_t i = 0; i < count; ++i) {
    const double d = static_cast<double>(values[i]) - mean;
    squares += d * d;
  }
  return squares / static_cast<double>(count - 1);
}

// Layer `layer`'s parameter of one role (the weight, its bias, or a weight-normalised layer's
// gain g), or null when it has none.
enum class Role { weight, bias, gain };
ParameterRef<float>* find(std::vector<ParameterRef<float>>& parameters, int layer, Role role) {
  for (auto& parameter : parameters)
    if (parameter.layer_index == layer && parameter.is_bias == (role == Role::bias) && parameter.is_gain == (role == Role::gain))
      return &parameter;
  return nullptr;
}

// The tensor lsuv scales for layer i: the gain of a weight-normalised layer, else the weight.
Tensor& scaled_parameter(std::vector<ParameterRef<float>>& parameters, int layer) {
  ParameterRef<float>* scaled = find(parameters, layer, Role::gain);
  if (!scaled) scaled = find(parameters, layer, Role::weight);
  if (!scaled) throw std::logic_error("initialise_from_data: the layer has no weight");
  return *scaled->value;
}

void check_variance(double var, std::size_t layer) {
  if (!(var > 0.0 && std::isfinite(var)))
    throw std::invalid_argument(fmt::format("{}: the layer's pre-activation has variance {} on the batch; it cannot be scaled to 1",
                                            where(layer), var));
}

// pca for member m of layer i: W and b from the principal components of its input x.
void whiten(const Tensor& x, std::size_t m, Index rows, std::size_t layer, Tensor& weight, Tensor* bias) {
  const Index inputs = x.dim(2), units = weight.dim(1);
  if (units > inputs)
    throw std::invalid_argument(fmt::format("{}: pca needs units <= the layer's {} inputs (its principal components), got {} units",
                                            where(layer), inputs, units));
  const std::size_t slice = x.dim(0) == 1 ? 0 : m;
  const std::span<const float> data(x.data() + static_cast<std::ptrdiff_t>(slice) * x.dim(1) * inputs,
                                    static_cast<std::size_t>(rows * inputs));
  const PrincipalComponents pc = principal_components(data, rows, inputs);
  const double floor = 1e-10 * pc.variances.front();
  if (!(pc.variances[static_cast<std::size_t>(units - 1)] > floor))
    throw std::invalid_argument(fmt::format("{}: pca needs {} principal components, but the layer's input has rank {} on a batch of {} rows",
                                            where(layer), units,
                                            std::count_if(pc.variances.begin(), pc.variances.end(), [&](double v) { return v > floor; }),
                                            rows));
  float* w = weight.data() + static_cast<std::ptrdiff_t>(m) * units * inputs;
  for (Index k = 0; k < units; ++k) {
    const double scale = 1.0 / std::sqrt(pc.variances[static_cast<std::size_t>(k)]);
    double shift = 0.0;
    for (Index i = 0; i < inputs; ++i) {
      const double value = pc.vectors[static_cast<std::size_t>(k * inputs + i)] * scale;
      w[k * inputs + i] = static_cast<float>(value);
      shift += value * pc.mean[static_cast<std::size_t>(i)];
    }
    if (bias) bias->data()[static_cast<std::ptrdiff_t>(m) * units + k] = static_cast<float>(-shift);
  }
}

}  // namespace

bool needs_data_init(std::span<const ModelSpec> members) {
  return std::any_of(members.begin(), members.end(), [](const ModelSpec& spec) {
    return std::any_of(spec.layers.begin(), spec.layers.end(), [](const LayerSpec& layer) {
      return has_weights(layer.kind) && from_data(layer.weight_init.kind);
    });
  });
}

std::vector<std::vector<DataInitLayer>> initialise_from_data(Sequential<float>& model, const Dataset& train,
                                                             std::span<const std::uint64_t> seeds) {
  const std::vector<ModelSpec>& specs = model.specs();
  const std::size_t members = specs.size(), layers = specs.front().layers.size();
  if (seeds.size() != members) throw std::invalid_argument("initialise_from_data: one seed per member required");
  if (train.size() < 2) throw std::invalid_argument("initialise_from_data: lsuv and pca need at least 2 training examples");
  const auto initialised = [&](std::size_t m, std::size_t i) {
    const LayerSpec& layer = specs[m].layers[i];
    return has_weights(layer.kind) && from_data(layer.weight_init.kind);
  };

  // Each member's batch: the first rows of its own permutation, as many as its largest batch.
  std::vector<Index> rows(members, 0);
  for (std::size_t m = 0; m < members; ++m)
    for (std::size_t i = 0; i < layers; ++i)
      if (initialised(m, i)) rows[m] = std::max(rows[m], std::min(batch_of(specs[m].layers[i].weight_init), train.size()));
  const Index batch = *std::max_element(rows.begin(), rows.end()), features = train.features();
  Tensor input({static_cast<Index>(members), batch, features});
  for (std::size_t m = 0; m < members; ++m) {
    CounterRng rng(seeds[m], RngPurpose::data_init);
    const std::vector<Index> order = random_permutation(train.size(), rng);
    for (Index b = 0; b < batch; ++b)
      std::copy_n(train.inputs.data() + order[static_cast<std::size_t>(b)] * features, features,
                  input.data() + (static_cast<Index>(m) * batch + b) * features);
  }
  const auto layer_rows = [&](std::size_t m, std::size_t i) { return std::min(batch_of(specs[m].layers[i].weight_init), rows[m]); };
  const ForwardContext eval{.mode = Mode::eval, .step = 0};
  std::vector<ParameterRef<float>> parameters = model.parameters();
  std::vector<std::vector<DataInitLayer>> report(members);

  for (std::size_t i = 0; i < layers; ++i) {
    std::vector<std::size_t> chosen;
    for (std::size_t m = 0; m < members; ++m)
      if (initialised(m, i)) chosen.push_back(m);
    if (chosen.empty()) continue;
    const int index = static_cast<int>(i);
    model.forward(input, eval);
    for (const std::size_t m : chosen) {
      const double before = variance(*model.pre_activations()[i], m, layer_rows(m, i));
      report[m].push_back(DataInitLayer{.layer = index, .kind = specs[m].layers[i].weight_init.kind, .variance_before = before});
    }
    // pca: one pass from the input this forward gave the layer.
    for (const std::size_t m : chosen) {
      if (specs[m].layers[i].weight_init.kind != InitKind::pca) continue;
      ParameterRef<float>* bias = find(parameters, index, Role::bias);
      whiten(*model.layer_inputs()[i], m, layer_rows(m, i), i, *find(parameters, index, Role::weight)->value, bias ? bias->value : nullptr);
    }
    // lsuv: measure, and rescale those not yet within the tolerance.
    std::vector<std::size_t> pending;
    for (const std::size_t m : chosen)
      if (specs[m].layers[i].weight_init.kind == InitKind::lsuv) pending.push_back(m);
    if (pending.empty()) continue;
    Tensor& scaled = scaled_parameter(parameters, index);
    for (std::int64_t t = 0; !pending.empty(); ++t) {
      if (t > 0) model.forward(input, eval);
      std::vector<std::size_t> still;
      for (const std::size_t m : pending) {
        const InitSpec& init = specs[m].layers[i].weight_init;
        const double var = variance(*model.pre_activations()[i], m, layer_rows(m, i));
        check_variance(var, i);
        if (std::abs(var - 1.0) < init.tolerance || t == init.iterations) continue;
        const double factor = 1.0 / std::sqrt(var);
        const Index per_member = scaled.size() / scaled.dim(0);
        float* values = scaled.data() + static_cast<std::ptrdiff_t>(m) * per_member;
        for (Index e = 0; e < per_member; ++e) values[e] = static_cast<float>(static_cast<double>(values[e]) * factor);
        ++report[m].back().rescalings;
        still.push_back(m);
      }
      pending = std::move(still);
    }
  }
  // Every layer's variance once all are done.
  model.forward(input, eval);
  for (std::size_t m = 0; m < members; ++m)
    for (DataInitLayer& entry : report[m])
      entry.variance_after = variance(*model.pre_activations()[static_cast<std::size_t>(entry.layer)], m,
                                      layer_rows(m, static_cast<std::size_t>(entry.layer)));
  return report;
}

}  // namespace nnlab
