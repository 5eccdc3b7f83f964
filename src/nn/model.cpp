#include "nn/model.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>
#include <optional>
#include <stdexcept>

#include "core/text.hpp"
#include "nn/activation.hpp"
#include "nn/dense.hpp"
#include "nn/batchnorm.hpp"
#include "nn/conv2d.hpp"
#include "nn/dropout.hpp"
#include "nn/flatten.hpp"
#include "nn/gaussian_noise.hpp"
#include "nn/init.hpp"
#include "nn/layer_kinds.hpp"
#include "nn/layernorm.hpp"
#include "nn/pooling.hpp"
#include "nn/weight_norm.hpp"

namespace nnlab {
namespace {

std::string where(std::size_t layer, const char* key) { return fmt::format("model.layers.{}.{}", layer, key); }

// One layer of one member's spec: the values its kind uses, in range.
void validate_layer(const LayerSpec& layer, std::size_t i) {
  if (!takes_activation(layer.kind) && layer.activation.kind != ActivationKind::identity)
    throw std::invalid_argument(
        fmt::format("{}: {} takes no activation (got {})", where(i, "activation"), layer_kind_name(layer.kind),
                    activation_name(layer.activation.kind)));
  if (layer.activation.kind == ActivationKind::sigmoid && !(layer.activation.steepness > 0))
    throw std::invalid_argument(fmt::format("{}: must be > 0, got {}", where(i, "steepness"), layer.activation.steepness));
  if (!has_weights(layer.kind) && layer.weight_norm)
    throw std::invalid_argument(fmt::format("{}: {} has no weights to normalise", where(i, "weight_norm"), layer_kind_name(layer.kind)));
  if (has_weights(layer.kind) && layer.bias && layer.bias_init.kind == InitKind::orthogonal)
    throw std::invalid_argument(fmt::format("{}: orthogonal needs a matrix, not a bias", where(i, "init.bias")));
  const auto check_eps = [&] {
    if (!(layer.eps > 0.0 && std::isfinite(layer.eps)))
      throw std::invalid_argument(fmt::format("{}: must be finite and > 0, got {}", where(i, "eps"), layer.eps));
  };
  const auto positive_pair = [&](const std::array<Index, 2>& pair, const char* key, Index least) {
    if (pair[0] < least || pair[1] < least)
      throw std::invalid_argument(fmt::format("{}: must be >= {}, got [{}, {}]", where(i, key), least, pair[0], pair[1]));
  };
  switch (layer.kind) {
    case LayerKind::dense:
      if (layer.units <= 0)
        throw std::invalid_argument(fmt::format("{}: must be > 0, got {}", where(i, "units"), layer.units));
      return;
    case LayerKind::conv2d:
      if (layer.filters <= 0)
        throw std::invalid_argument(fmt::format("{}: must be > 0, got {}", where(i, "filters"), layer.filters));
      positive_pair(layer.padding, "padding", 0);
      [[fallthrough]];
    case LayerKind::maxpool2d:
    case LayerKind::avgpool2d:
      positive_pair(layer.kernel, "kernel", 1);
      positive_pair(layer.stride, "stride", 1);
      return;
    case LayerKind::flatten: return;
    case LayerKind::dropout:
    case LayerKind::gaussian_dropout:
      if (!(layer.rate >= 0.0 && layer.rate < 1.0))
        throw std::invalid_argument(fmt::format("{}: must be in [0, 1), got {}", where(i, "rate"), layer.rate));
      return;
    case LayerKind::gaussian_noise:
      if (!(layer.std >= 0.0 && std::isfinite(layer.std)))
        throw std::invalid_argument(fmt::format("{}: must be finite and >= 0, got {}", where(i, "std"), layer.std));
      return;
    case LayerKind::batchnorm:
      if (!(layer.momentum >= 0.0 && layer.momentum <= 1.0))
        throw std::invalid_argument(fmt::format("{}: must be in [0, 1], got {}", where(i, "momentum"), layer.momentum));
      check_eps();
      return;
    case LayerKind::layernorm: check_eps(); return;
  }
}

// Each member's spec alone, then agreement with member 0 on everything structural
// (sizes, bias, activation kind); scalars (steepness, slope, alpha, init) may differ.
void validate(std::span<const ModelSpec> members, std::span<const std::uint64_t> seeds) {
  if (members.empty()) throw std::invalid_argument("Sequential: no members");
  if (seeds.size() != members.size())
    throw std::invalid_argument(fmt::format("Sequential: {} seeds for {} members", seeds.size(), members.size()));
  const ModelSpec& first = members.front();
  for (std::size_t m = 0; m < members.size(); ++m) {
    const ModelSpec& spec = members[m];
    if (spec.inputs <= 0) throw std::invalid_argument(fmt::format("model.inputs: must be > 0, got {}", spec.inputs));
    if (spec.layers.empty()) throw std::invalid_argument("model.layers: at least one layer is required");
    for (std::size_t i = 0; i < spec.layers.size(); ++i) validate_layer(spec.layers[i], i);
    const auto differs = [m](const std::string& key, auto mine, auto theirs) {
      return std::invalid_argument(fmt::format(
          "{}: member {} has {} but member 0 has {}; a population must share its structure", key, m, mine, theirs));
    };
    if (spec.inputs != first.inputs) throw differs("model.inputs", spec.inputs, first.inputs);
    if (spec.input_shape != first.input_shape)
      throw differs("model.input_shape", shape_text(spec.input_shape), shape_text(first.input_shape));
    if (spec.layers.size() != first.layers.size())
      throw differs("model.layers", spec.layers.size(), first.layers.size());
    for (std::size_t i = 0; i < spec.layers.size(); ++i) {
      const LayerSpec &mine = spec.layers[i], &theirs = first.layers[i];
      if (mine.kind != theirs.kind) throw differs(where(i, "type"), layer_kind_name(mine.kind), layer_kind_name(theirs.kind));
      if (mine.kernel != theirs.kernel || mine.stride != theirs.stride || mine.padding != theirs.padding ||
          mine.same_padding != theirs.same_padding || mine.filters != theirs.filters)
        throw differs(where(i, "type"), "another window", "its own");
      if (!has_weights(mine.kind)) continue;
      if (mine.units != theirs.units) throw differs(where(i, "units"), mine.units, theirs.units);
      if (mine.bias != theirs.bias) throw differs(where(i, "bias"), mine.bias, theirs.bias);
      if (mine.weight_norm != theirs.weight_norm) throw differs(where(i, "weight_norm"), mine.weight_norm, theirs.weight_norm);
      if (mine.activation.kind != theirs.activation.kind)
        throw differs(where(i, "activation"), activation_name(mine.activation.kind),
                      activation_name(theirs.activation.kind));
      if (mine.activation.kind != ActivationKind::step) continue;
      if (mine.activation.levels != theirs.activation.levels)
        throw differs(where(i, "levels"), step_levels_name(mine.activation.levels),
                      step_levels_name(theirs.activation.levels));
      if (mine.activation.straight_through != theirs.activation.straight_through)
        throw differs(where(i, "straight_through"), straight_through_name(mine.activation.straight_through),
                      straight_through_name(theirs.activation.straight_through));
    }
  }
}

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

}  // namespace

template <typename T>
Sequential<T>::Sequential(std::span<const ModelSpec> members, std::span<const std::uint64_t> seeds,
                          bool fold_final_softmax)
    : specs_(members.begin(), members.end()), population_(static_cast<Index>(members.size())) {
  validate(members, seeds);
  for (ModelSpec& spec : specs_) {
    resolve_shapes(spec);
    const Index features = std::accumulate(spec.input_shape.begin(), spec.input_shape.end(), Index{1}, std::multiplies<>());
    if (features != spec.inputs)
      throw std::invalid_argument(fmt::format("model.input_shape: {} is {} features, but model.inputs is {}",
                                              shape_text(spec.input_shape), features, spec.inputs));
  }
  const std::vector<LayerSpec>& structure = specs_.front().layers;
  const std::vector<std::uint64_t> member_seeds(seeds.begin(), seeds.end());
  const auto per_member = [&](std::size_t i, double LayerSpec::*field) {
    std::vector<double> values;
    for (const ModelSpec& spec : specs_) values.push_back(spec.layers[i].*field);
    return values;
  };
  // Each member's weight [fan_out, fan_in] and bias [fan_out] (empty: none) of config layer i,
  // from the member's seed and initialisers.
  const auto initialise = [&](std::size_t i, TensorT<T>& weight, TensorT<T>& bias, Index fan_out, Index fan_in,
                              Index receptive_field) {
    for (Index m = 0; m < population_; ++m) {
      const LayerSpec& layer = specs_[static_cast<std::size_t>(m)].layers[i];
      const std::uint64_t seed = seeds[static_cast<std::size_t>(m)];
      const int index = static_cast<int>(i);
      init_weight<T>(layer.weight_init, seed, index, fan_out, fan_in,
                     {weight.slice(m), static_cast<std::size_t>(fan_out * fan_in)}, receptive_field);
      if (layer.bias) init_bias<T>(layer.bias_init, seed, index, fan_out, fan_in, {bias.slice(m), static_cast<std::size_t>(fan_out)});
    }
  };
  // A weight-normalised layer wraps the initialised one: v = w, g = ‖w‖ per unit, w unchanged.
  const auto add_weighted = [&](std::size_t i, auto layer) {
    if (structure[i].weight_norm) {
      layers_.push_back(std::make_unique<WeightNorm<T>>(std::move(layer), static_cast<int>(i)));
    } else {
      layers_.push_back(std::move(layer));
    }
  };
  Index inputs = specs_.front().inputs;
  for (std::size_t i = 0; i < structure.size(); ++i) {
    const int index = static_cast<int>(i);
    const Index units = structure[i].units;
    dense_.push_back(nullptr);
    switch (structure[i].kind) {
      case LayerKind::dense: {
        auto dense = std::make_unique<Dense<T>>(population_, inputs, units, structure[i].bias, index);
        initialise(i, dense->weight(), dense->bias(), units, inputs, 1);
        if (!structure[i].weight_norm) dense_.back() = dense.get();  // the fused kernel takes no weight norm
        add_weighted(i, std::move(dense));
        break;
      }
      case LayerKind::conv2d: {
        const Shape& in = input_shape_of(specs_.front(), i);
        const LayerSpec& layer = structure[i];
        const Conv2dGeometry geometry{.channels = in[0], .height = in[1], .width = in[2], .filters = layer.filters,
                                      .kernel = layer.kernel, .stride = layer.stride, .padding = layer.padding};
        auto conv = std::make_unique<Conv2d<T>>(population_, geometry, layer.bias, index);
        const Index patch = geometry.patch(), receptive = layer.kernel[0] * layer.kernel[1];
        initialise(i, conv->weight(), conv->bias(), layer.filters, patch, receptive);
        add_weighted(i, std::move(conv));
        break;
      }
      case LayerKind::maxpool2d:
      case LayerKind::avgpool2d: {
        const Shape& in = input_shape_of(specs_.front(), i);
        const PoolGeometry geometry{
            .channels = in[0], .height = in[1], .width = in[2], .window = structure[i].kernel, .stride = structure[i].stride};
        const PoolMode mode = structure[i].kind == LayerKind::maxpool2d ? PoolMode::max : PoolMode::average;
        layers_.push_back(std::make_unique<Pool2d<T>>(population_, mode, geometry, index));
        break;
      }
      case LayerKind::flatten: layers_.push_back(std::make_unique<Flatten<T>>(population_)); break;
      case LayerKind::batchnorm: {  // per channel of a [C, H, W] input, per feature of a flat one
        const Shape& in = input_shape_of(specs_.front(), i);
        const Index channels = in.size() == 3 ? in[0] : units, spatial = units / channels;
        layers_.push_back(std::make_unique<BatchNorm<T>>(channels, spatial, per_member(i, &LayerSpec::momentum),
                                                         per_member(i, &LayerSpec::eps), index));
        break;
      }
      case LayerKind::layernorm:
        layers_.push_back(std::make_unique<LayerNorm<T>>(units, per_member(i, &LayerSpec::eps), index));
        break;
      case LayerKind::dropout:
        layers_.push_back(std::make_unique<Dropout<T>>(per_member(i, &LayerSpec::rate), member_seeds, index));
        break;
      case LayerKind::gaussian_noise:
        layers_.push_back(std::make_unique<GaussianNoise<T>>(NoiseMode::additive, per_member(i, &LayerSpec::std), member_seeds, index));
        break;
      case LayerKind::gaussian_dropout:
        layers_.push_back(
            std::make_unique<GaussianNoise<T>>(NoiseMode::multiplicative, per_member(i, &LayerSpec::rate), member_seeds, index));
        break;
    }

    trains_differently_ = trains_differently_ || nnlab::trains_differently(structure[i].kind);
    const ActivationKind kind = structure[i].activation.kind;
    const bool folded = fold_final_softmax && kind == ActivationKind::softmax && i + 1 == structure.size();
    if (kind != ActivationKind::identity && !folded) {
      std::vector<ActivationSpec> activations;
      for (const ModelSpec& spec : specs_) activations.push_back(spec.layers[i].activation);
      layers_.push_back(std::make_unique<Activation<T>>(std::move(activations)));
    }
    last_of_config_.push_back(layers_.size() - 1);
    inputs = units;
  }
  layer_outputs_.assign(structure.size(), nullptr);
  for (const ParameterRef<T>& parameter : parameters()) grads_.push_back(parameter.grad);

  // The fused kernel is chosen by structure alone (never by P), so P = 1 takes it too.
  if (SmallNetworkKernel<T>::supports(specs_.front())) {
    std::vector<typename SmallNetworkKernel<T>::Stage> stages;
    for (std::size_t i = 0; i < structure.size(); ++i) {
      typename SmallNetworkKernel<T>::Stage stage{
          .dense = dense_[i], .activation = structure[i].activation, .scalars = {}};
      for (const ModelSpec& spec : specs_) stage.scalars.push_back(ActivationScalars<T>::of(spec.layers[i].activation));
      stages.push_back(std::move(stage));
    }
    kernel_ = std::make_unique<SmallNetworkKernel<T>>(std::move(stages));
  }
}

template <typename T>
Index Sequential<T>::population() const {
  return population_;
}

template <typename T>
Index Sequential<T>::inputs() const {
  return specs_.front().inputs;
}

template <typename T>
Index Sequential<T>::outputs() const {
  return specs_.front().layers.back().units;
}

template <typename T>
const TensorT<T>& Sequential<T>::forward(const TensorT<T>& input, const ForwardContext& context) {
  if (input.rank() != 3 || input.dim(2) != inputs() || (input.dim(0) != 1 && input.dim(0) != population_))
    throw std::invalid_argument(
        fmt::format("Sequential: input {} is not [1 or {}, B, {}]", to_string(input.shape()), population_, inputs()));
  const TensorT<T>* x = &input;
  outputs_.resize(layers_.size());  // allocates once
  for (std::size_t j = 0; j < layers_.size(); ++j) outputs_[j] = x = &layers_[j]->forward(*x, context);
  for (std::size_t i = 0; i < last_of_config_.size(); ++i) layer_outputs_[i] = outputs_[last_of_config_[i]];
  return *x;
}

template <typename T>
void Sequential<T>::backward(const TensorT<T>& grad_output) {
  const TensorT<T>* grad = &grad_output;
  // The first layer's input gradient is never needed: skip its dX = dY W product.
  for (std::size_t j = layers_.size(); j-- > 0;) grad = &layers_[j]->backward(*grad, j > 0);
}

template <typename T>
void Sequential<T>::zero_grad() {
  for (TensorT<T>* grad : grads_) grad->zero();
}

template <typename T>
bool Sequential<T>::uses_small_network_kernel(LossKind loss) const {
  return kernel_ != nullptr && SmallNetworkKernel<T>::supports(loss);
}

template <typename T>
const TensorT<T>& Sequential<T>::forward_backward(const TensorT<T>& input, const Loss<T>& loss,
                                                  const Targets<T>& targets, std::span<double> loss_values,
                                                  const ForwardContext& context) {
  if (uses_small_network_kernel(loss.kind())) {
    kernel_->run(input, loss, targets, loss_values, fused_output_);
    return fused_output_;
  }
  zero_grad();
  const TensorT<T>& output = forward(input, context);
  grad_output_.resize(output.shape());
  loss.evaluate(output, targets, loss_values, &grad_output_);
  backward(grad_output_);
  return output;
}

template <typename T>
std::vector<ParameterRef<T>> Sequential<T>::parameters() {
  std::vector<ParameterRef<T>> result;
  for (const auto& layer : layers_)
    for (ParameterRef<T>& parameter : layer->parameters()) result.push_back(std::move(parameter));
  return result;
}

template <typename T>
std::vector<BufferRef<T>> Sequential<T>::buffers() {
  std::vector<BufferRef<T>> result;
  for (const auto& layer : layers_)
    for (BufferRef<T>& buffer : layer->buffers()) result.push_back(std::move(buffer));
  return result;
}

template <typename T>
std::vector<const TensorT<T>*> Sequential<T>::layer_outputs() const {
  return layer_outputs_;
}

template <typename T>
Index Sequential<T>::parameter_count() const {
  Index count = 0;
  const ModelSpec& spec = specs_.front();
  for (std::size_t i = 0; i < spec.layers.size(); ++i) count += layer_parameter_count(spec.layers[i], input_shape_of(spec, i));
  return count;
}

template <typename T>
std::string Sequential<T>::summary() const {
  const std::vector<LayerSpec>& structure = specs_.front().layers;
  struct Row {
    std::string layer, activation, shape, parameters;
  };
  std::vector<Row> rows{{"Layer (type)", "Activation", "Output Shape", "Param #"}};
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
                    with_thousands(layer_parameter_count(layer, input_shape_of(specs_.front(), i)))});
  }
  std::size_t width_layer = 0, width_activation = 0, width_shape = 0, width_parameters = 0;
  for (const Row& row : rows) {
    width_layer = std::max(width_layer, row.layer.size());
    width_activation = std::max(width_activation, row.activation.size());
    width_shape = std::max(width_shape, row.shape.size());
    width_parameters = std::max(width_parameters, row.parameters.size());
  }
  const std::size_t width = width_layer + width_activation + width_shape + width_parameters + 6;
  const auto line = [&](const Row& row) {
    return fmt::format("{:<{}}  {:<{}}  {:<{}}  {:>{}}\n", row.layer, width_layer, row.activation, width_activation,
                       row.shape, width_shape, row.parameters, width_parameters);
  };
  std::string text = fmt::format("Model: sequential, {} inputs, population of {}\n", this->inputs(), population_);
  text += std::string(width, '_') + "\n" + line(rows.front()) + std::string(width, '=') + "\n";
  for (std::size_t r = 1; r < rows.size(); ++r) text += line(rows[r]);
  text += std::string(width, '=') + "\n";
  text += fmt::format("Total params: {} per member", with_thousands(parameter_count()));
  if (population_ > 1) text += fmt::format(" ({} in the population)", with_thousands(parameter_count() * population_));
  return text + "\n";
}

template class Sequential<float>;
template class Sequential<double>;

}  // namespace nnlab
