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
#include "nn/join.hpp"
#include "nn/layer_kinds.hpp"
#include "nn/layernorm.hpp"
#include "nn/model_checks.hpp"
#include "nn/pooling.hpp"
#include "nn/weight_norm.hpp"

namespace nnlab {

template <typename T>
Sequential<T>::Sequential(std::span<const ModelSpec> members, std::span<const std::uint64_t> seeds,
                          bool fold_final_softmax)
    : specs_(members.begin(), members.end()), population_(static_cast<Index>(members.size())) {
  validate_population(members, seeds);
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
  for (std::size_t i = 0; i < structure.size(); ++i) {
    const int index = static_cast<int>(i);
    const Index units = structure[i].units;
    const Index inputs = std::accumulate(structure[i].input_shape.begin(), structure[i].input_shape.end(), Index{1},
                                         std::multiplies<>());
    dense_.push_back(nullptr);
    first_of_config_.push_back(layers_.size());
    joins_.push_back(nullptr);
    if (!structure[i].from.empty()) {
      std::vector<Index> widths;
      for (const Index source : structure[i].from)
        widths.push_back(source == network_input ? specs_.front().inputs : structure[static_cast<std::size_t>(source)].units);
      joins_.back() = std::make_unique<Join<T>>(population_, std::move(widths));
    }
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
  }
  layer_outputs_.assign(structure.size(), nullptr);
  layer_inputs_.assign(structure.size(), nullptr);
  first_outputs_.assign(structure.size(), nullptr);
  // Layer i's output gradient passes by pointer when layer i + 1 alone takes it, as a plain
  // sequence does; else consumers add theirs into output_grads_[i], later layers first.
  std::vector<int> consumers(structure.size(), 0);
  for (std::size_t i = 0; i < structure.size(); ++i) {
    if (structure[i].from.empty() && i > 0) ++consumers[i - 1];
    for (const Index source : structure[i].from)
      if (source != network_input) consumers[static_cast<std::size_t>(source)] += 2;  // a join adds, never passes
  }
  for (std::size_t i = 0; i < structure.size(); ++i) passes_grad_.push_back(consumers[i] == 1);
  output_grads_.resize(structure.size());
  pending_grads_.assign(structure.size(), nullptr);
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
  for (std::size_t i = 0; i < last_of_config_.size(); ++i) {
    if (joins_[i]) {
      sources_.clear();
      for (const Index source : specs_.front().layers[i].from)
        sources_.push_back(source == network_input ? &input : layer_outputs_[static_cast<std::size_t>(source)]);
      x = &joins_[i]->forward(sources_);
    }
    layer_inputs_[i] = x;
    for (std::size_t j = first_of_config_[i]; j <= last_of_config_[i]; ++j) {
      x = &layers_[j]->forward(*x, context);
      if (j == first_of_config_[i]) first_outputs_[i] = x;
    }
    layer_outputs_[i] = x;
  }
  return *x;
}

template <typename T>
void Sequential<T>::backward(const TensorT<T>& grad_output) {
  backward(grad_output, nullptr);
}

template <typename T>
void Sequential<T>::backward(const TensorT<T>& grad_output, TensorT<T>* grad_input) {
  const std::vector<LayerSpec>& structure = specs_.front().layers;
  const std::size_t last = structure.size() - 1;
  for (std::size_t i = 0; i < last; ++i)
    if (!passes_grad_[i]) {
      output_grads_[i].resize({population_, layer_outputs_[i]->dim(1), structure[i].units});
      output_grads_[i].zero();
    }
  if (grad_input != nullptr) {
    grad_input->resize({population_, grad_output.dim(1), inputs()});
    grad_input->zero();
  }
  for (std::size_t i = last + 1; i-- > 0;) {
    const TensorT<T>* grad = i == last ? &grad_output : passes_grad_[i] ? pending_grads_[i] : &output_grads_[i];
    const std::vector<Index>& from = structure[i].from;
    // An input gradient only the network input would take is needed only when asked for:
    // else skip its dX = dY W.
    const bool needs_input_grad =
        grad_input != nullptr ||
        (from.empty() ? i > 0 : std::any_of(from.begin(), from.end(), [](Index s) { return s != network_input; }));
    for (std::size_t j = last_of_config_[i] + 1; j-- > first_of_config_[i];)
      grad = &layers_[j]->backward(*grad, j > first_of_config_[i] || needs_input_grad);
    if (!needs_input_grad) continue;
    if (joins_[i]) {
      source_grads_.clear();
      for (const Index source : from)
        source_grads_.push_back(source == network_input ? grad_input : &output_grads_[static_cast<std::size_t>(source)]);
      joins_[i]->backward(*grad, source_grads_);
    } else if (i == 0) {  // the network input's own consumer; joins may have added theirs first
      for (Index k = 0; k < grad_input->size(); ++k) grad_input->data()[k] += grad->data()[k];
    } else if (passes_grad_[i - 1]) {
      pending_grads_[i - 1] = grad;
    } else {
      TensorT<T>& sum = output_grads_[i - 1];
      for (Index k = 0; k < sum.size(); ++k) sum.data()[k] += grad->data()[k];
    }
  }
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

template class Sequential<float>;
template class Sequential<double>;

}  // namespace nnlab
