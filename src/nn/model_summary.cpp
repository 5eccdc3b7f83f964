// Sequential::summary: the Keras-style table of a model's layers, their output shapes, parameter
// counts and, when a layer takes a `from:` join, what each layer takes.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "core/text.hpp"
#include "nn/activation.hpp"
#include "nn/layer_kinds.hpp"
#include "nn/model.hpp"

namespace nnlab {
namespace {

// "step", "step(sign)", "step(straight_through=sigmoid)", "step(sign, straight_through=hard_tanh)".
std::string describe_step(const ActivationSpec& step) {
  std::vector<std::string> parts;
  if (step.levels != StepLevels::binary) parts.push_back(step_levels_name(step.levels));
  if (step.straight_through != StraightThrough::identity)
    parts.push_back("straight_through=" + straight_through_name(step.straight_through));
  return parts.empty() ? "step" : fmt::format("step({})", fmt::join(parts, ", "));
}

// "rate=0.5", or "rate per member", for a scalar of a layer's spec; "" when it is `quiet` in every member.
std::string describe_scalar(const std::vector<ModelSpec>& specs, std::size_t layer, const char* name, double LayerSpec::*field,
                            std::optional<double> quiet = std::nullopt) {
  const LayerSpec& head = specs.front().layers[layer];
  const bool same = std::all_of(specs.begin(), specs.end(), [&](const ModelSpec& s) { return s.layers[layer].*field == head.*field; });
  if (!same) return fmt::format("{} per member", name);
  return quiet == head.*field ? std::string() : fmt::format("{}={}", name, head.*field);
}

// "sigmoid", or "sigmoid(k=0.4)" when every member has the same non-default parameter.
std::string describe_activation_only(const std::vector<ModelSpec>& specs, std::size_t layer) {
  const ActivationSpec& first = specs.front().layers[layer].activation;
  const auto same = [&](auto field) {
    return std::all_of(specs.begin(), specs.end(),
                       [&](const ModelSpec& s) { return s.layers[layer].activation.*field == first.*field; });
  };
  const auto with = [&](const char* name, double ActivationSpec::*field, double default_value) {
    if (!same(field)) return fmt::format("{}({} per member)", activation_name(first.kind), name);
    if (first.*field == default_value) return activation_name(first.kind);
    return fmt::format("{}({}={})", activation_name(first.kind), name, first.*field);
  };
  switch (first.kind) {
    case ActivationKind::sigmoid: return with("k", &ActivationSpec::steepness, 1.0);
    case ActivationKind::leaky_relu: return with("slope", &ActivationSpec::slope, 0.01);
    case ActivationKind::elu: return with("alpha", &ActivationSpec::alpha, 1.0);
    case ActivationKind::step: return describe_step(first);
    default: return activation_name(first.kind);
  }
}

// The summary's activation column: the activation of a layer that has one (a norm layer's with
// its non-default scalars); a noise layer's rate or std ("rate=0.5", "rate per member").
std::string describe_activation(const std::vector<ModelSpec>& specs, std::size_t layer) {
  const LayerKind kind = specs.front().layers[layer].kind;
  if (kind == LayerKind::gaussian_noise) return describe_scalar(specs, layer, "std", &LayerSpec::std);
  if (kind == LayerKind::dropout || kind == LayerKind::gaussian_dropout) return describe_scalar(specs, layer, "rate", &LayerSpec::rate);
  if (!takes_activation(kind)) return "";
  std::string text = describe_activation_only(specs, layer);
  if (kind != LayerKind::batchnorm && kind != LayerKind::layernorm) return text;
  for (const std::string& scalar : {kind == LayerKind::batchnorm ? describe_scalar(specs, layer, "momentum", &LayerSpec::momentum, 0.1)
                                                                 : std::string(),
                                    describe_scalar(specs, layer, "eps", &LayerSpec::eps, 1e-5)})
    if (!scalar.empty()) text += ", " + scalar;
  return text;
}

// What layer i takes, as the "Connected to" column names it: "input", "layers.0" or a join.
std::string describe_wiring(const std::vector<LayerSpec>& structure, std::size_t i) {
  const std::vector<Index>& from = structure[i].from;
  if (from.empty()) return i == 0 ? "input" : source_name(static_cast<Index>(i) - 1);
  std::vector<std::string> names;
  for (const Index source : from) names.push_back(source_name(source));
  return fmt::format("{}", fmt::join(names, " + "));
}

}  // namespace

template <typename T>
std::string Sequential<T>::summary() const {
  const std::vector<LayerSpec>& structure = specs_.front().layers;
  const bool wired = std::any_of(structure.begin(), structure.end(), [](const LayerSpec& layer) { return !layer.from.empty(); });
  using Row = std::array<std::string, 5>;  // layer, activation, shape, parameters, what it takes
  std::vector<Row> rows{{"Layer (type)", "Activation", "Output Shape", "Param #", wired ? "Connected to" : ""}};
  for (std::size_t i = 0; i < structure.size(); ++i) {
    const LayerSpec& layer = structure[i];
    std::string type = layer.kind == LayerKind::dense ? std::string("Dense") : std::string(layer_kind_name(layer.kind));
    if (layer.kind == LayerKind::conv2d || layer.kind == LayerKind::maxpool2d || layer.kind == LayerKind::avgpool2d)
      type += fmt::format(" {}x{}{}", layer.kernel[0], layer.kernel[1],
                          layer.stride == std::array<Index, 2>{1, 1} || layer.stride == layer.kernel
                              ? std::string()
                              : fmt::format(" stride {}x{}", layer.stride[0], layer.stride[1]));
    if (has_weights(layer.kind) && !layer.bias) type += ", no bias";
    if (has_weights(layer.kind) && layer.weight_norm) type += ", weight norm";
    rows.push_back({fmt::format("layers.{} ({})", i, type), describe_activation(specs_, i),
                    fmt::format("(None, {})", fmt::join(layer.shape, ", ")),
                    with_thousands(layer_parameter_count(layer, input_shape_of(specs_.front(), i))),
                    wired ? describe_wiring(structure, i) : std::string()});
  }
  std::array<std::size_t, 5> widths{};
  for (const Row& row : rows)
    for (std::size_t c = 0; c < widths.size(); ++c) widths[c] = std::max(widths[c], row[c].size());
  const std::size_t width = widths[0] + widths[1] + widths[2] + widths[3] + 6 + (wired ? widths[4] + 2 : 0);
  const auto line = [&](const Row& row) {
    std::string text = fmt::format("{:<{}}  {:<{}}  {:<{}}  {:>{}}", row[0], widths[0], row[1], widths[1], row[2], widths[2],
                                   row[3], widths[3]);
    if (wired) text += fmt::format("  {}", row[4]);
    return text + "\n";
  };
  std::string text = fmt::format("Model: sequential, {} inputs, population of {}\n", this->inputs(), population_);
  text += std::string(width, '_') + "\n" + line(rows.front()) + std::string(width, '=') + "\n";
  for (std::size_t r = 1; r < rows.size(); ++r) text += line(rows[r]);
  text += std::string(width, '=') + "\n";
  text += fmt::format("Total params: {} per member", with_thousands(parameter_count()));
  if (population_ > 1) text += fmt::format(" ({} in the population)", with_thousands(parameter_count() * population_));
  return text + "\n";
}

template std::string Sequential<float>::summary() const;
template std::string Sequential<double>::summary() const;

}  // namespace nnlab
