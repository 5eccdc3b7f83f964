// The `data` and `model` sections of an experiment file.
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cctype>

#include "core/error.hpp"
#include "experiment/config_parts.hpp"
#include "nn/layer_kinds.hpp"

namespace nnlab::config_parts {
namespace {

namespace fs = std::filesystem;

constexpr std::array<Choice<ActivationKind>, 14> activation_names{{
    {"identity", ActivationKind::identity},
    {"linear", ActivationKind::identity},
    {"sigmoid", ActivationKind::sigmoid},
    {"logistic", ActivationKind::sigmoid},
    {"tanh", ActivationKind::tanh},
    {"relu", ActivationKind::relu},
    {"leaky_relu", ActivationKind::leaky_relu},
    {"elu", ActivationKind::elu},
    {"silu", ActivationKind::silu},
    {"swish", ActivationKind::silu},
    {"hard_sigmoid", ActivationKind::hard_sigmoid},
    {"hard_tanh", ActivationKind::hard_tanh},
    {"step", ActivationKind::step},
    {"softmax", ActivationKind::softmax},
}};

constexpr std::array<Choice<StepLevels>, 2> levels_names{{
    {"binary", StepLevels::binary},
    {"sign", StepLevels::sign},
}};

constexpr std::array<Choice<StraightThrough>, 3> straight_through_names{{
    {"identity", StraightThrough::identity},
    {"sigmoid", StraightThrough::sigmoid},
    {"hard_tanh", StraightThrough::hard_tanh},
}};

constexpr std::array<Choice<InitKind>, 19> init_names{{
    {"torch_default", InitKind::torch_default},
    {"default", InitKind::torch_default},
    {"zeros", InitKind::zeros},
    {"constant", InitKind::constant},
    {"uniform", InitKind::uniform},
    {"normal", InitKind::normal},
    {"xavier_uniform", InitKind::xavier_uniform},
    {"xavier_normal", InitKind::xavier_normal},
    {"glorot_uniform", InitKind::xavier_uniform},
    {"glorot_normal", InitKind::xavier_normal},
    {"he_uniform", InitKind::he_uniform},
    {"he_normal", InitKind::he_normal},
    {"kaiming_uniform", InitKind::he_uniform},
    {"kaiming_normal", InitKind::he_normal},
    {"lecun_uniform", InitKind::lecun_uniform},
    {"lecun_normal", InitKind::lecun_normal},
    {"orthogonal", InitKind::orthogonal},
    {"lsuv", InitKind::lsuv},
    {"pca", InitKind::pca},
}};

constexpr std::array<std::string_view, 9> source_names{"mirror",        "parity", "xor", "encoder", "spirals",
                                                       "fashion-mnist", "mnist",  "idx", "csv"};
constexpr std::array<std::string_view, 2> split_names{"train", "test"};

// The keys each data source understands (besides `source`).
Keys source_keys(std::string_view source) {
  if (source == "mirror" || source == "parity") return {"source", "bits"};
  if (source == "encoder") return {"source", "size"};
  if (source == "spirals") return {"source", "points", "noise"};
  if (source == "fashion-mnist" || source == "mnist") return {"source", "split"};
  if (source == "idx") return {"source", "images", "labels"};
  if (source == "csv") return {"source", "path", "label_column", "header"};
  return {"source"};  // xor
}

// ---------------------------------------------------------------- data

DataSourceConfig read_source(const Field& field, bool is_test, const fs::path& base_dir) {
  static constexpr std::array<std::string_view, 11> all_keys{"source", "bits",   "size",   "points",       "noise", "split",
                                                             "images", "labels", "path",   "label_column", "header"};
  const Section section(expand_shorthand(field, "source"), all_keys);
  DataSourceConfig config;
  config.source = source_names[choose_name(section.required("source"), source_names, "data source")];
  section.only(source_keys(config.source), fmt::format("source '{}'", config.source));

  if (config.source == "parity") config.bits = 4;
  if (const auto bits = section.find("bits")) config.bits = static_cast<int>(integer_between(*bits, 1, 20));
  if (const auto size = section.find("size")) config.size = static_cast<int>(integer_between(*size, 1, 65536));
  if (const auto points = section.find("points")) config.points = integer_at_least(*points, 1);
  if (const auto noise = section.find("noise")) config.noise = non_negative(*noise);
  if (config.source == "fashion-mnist" || config.source == "mnist") {
    config.split = is_test ? "test" : "train";
    if (const auto split = section.find("split")) config.split = split_names[choose_name(*split, split_names, "split")];
  }
  if (config.source == "idx") {
    config.images = path_value(section.required("images"), base_dir);
    config.labels = path_value(section.required("labels"), base_dir);
  }
  if (config.source == "csv") {
    config.path = path_value(section.required("path"), base_dir);
    if (const auto column = section.find("label_column")) {
      config.label_column = column->text();
      if (config.label_column.empty()) column->fail("expected a column index or header name, got an empty string");
    }
    // auto (the default: a header when the first row has a word in it), true or false.
    if (const auto header = section.find("header"); header && !(header->is_scalar() && header->text() == "auto"))
      config.header = header->boolean("auto, true or false");
  }
  return config;
}

}  // namespace

DataConfig read_data(const Field& field, const fs::path& base_dir) {
  const Section section(field,
                        {"train", "test", "validation", "subset", "scale", "standardize", "random_labels", "data_dir",
                         "augment"});  // augment: read_batch_rewrites
  DataConfig data;
  data.train = read_source(section.required("train"), false, base_dir);
  if (const auto test = section.find("test")) data.test = read_source(*test, true, base_dir);
  if (const auto validation = section.find("validation")) data.validation = in_half_open_unit_interval(*validation);
  if (const auto subset = section.find("subset")) {
    const Section sizes(*subset, {"train", "test"});
    if (const auto train = sizes.find("train")) data.train_subset = integer_at_least(*train, 0);
    if (const auto test = sizes.find("test")) data.test_subset = integer_at_least(*test, 0);
  }
  // Image files hold bytes 0..255; everything else is used as it is.
  data.scale = default_input_scale(data.train->source);
  if (const auto scale = section.find("scale")) data.scale = positive(*scale);
  if (const auto standardize = section.find("standardize")) data.standardize = standardize->boolean();
  if (const auto random_labels = section.find("random_labels"))
    data.random_labels = in_closed_unit_interval(*random_labels);
  if (const auto data_dir = section.find("data_dir")) data.data_dir = path_value(*data_dir, base_dir);
  return data;
}

namespace {

// ---------------------------------------------------------------- model

// Parameters of an initialiser written as {name: parameters}.
void read_init_parameters(const Field& parameters, InitSpec& init) {
  switch (init.kind) {
    case InitKind::uniform:
      if (parameters.is_list()) {  // [low, high]
        const std::vector<Field> bounds = parameters.items();
        if (bounds.size() != 2) parameters.fail(fmt::format("expected [low, high], got {} values", bounds.size()));
        init.low = bounds[0].number();
        init.high = bounds[1].number();
        if (init.low > init.high)
          parameters.fail(fmt::format("low must be <= high, got [{}, {}]", bounds[0].shown(), bounds[1].shown()));
      } else {  // r: U(-r, r)
        init.high = non_negative(parameters);
        init.low = -init.high;
      }
      break;
    case InitKind::normal:
      if (parameters.is_map()) {
        const Section section(parameters, {"mean", "std"});
        if (const auto mean = section.find("mean")) init.mean = mean->number();
        if (const auto std = section.find("std")) init.std = non_negative(*std);
      } else {  // sigma: N(0, sigma²)
        init.mean = 0.0;
        init.std = non_negative(parameters);
      }
      break;
    case InitKind::constant: init.value = parameters.number(); break;
    case InitKind::torch_default:
    case InitKind::zeros:
      if (!parameters.is_null()) parameters.fail(fmt::format("takes no parameters, got {}", parameters.shown()));
      break;
    case InitKind::xavier_uniform:
    case InitKind::xavier_normal:
    case InitKind::he_uniform:
    case InitKind::he_normal:
    case InitKind::lecun_uniform:
    case InitKind::lecun_normal:
    case InitKind::orthogonal: {  // the scaled families: {xavier_uniform: {gain: g}}
      const Section section(parameters, {"gain"});
      if (const auto gain = section.find("gain")) init.gain = positive(*gain);
      break;
    }
    case InitKind::lsuv:
    case InitKind::pca: {  // from data: {lsuv: {batch: 512, tolerance: 0.1, iterations: 10}}
      const bool lsuv = init.kind == InitKind::lsuv;
      const Section section(parameters, lsuv ? Keys{"batch", "tolerance", "iterations"} : Keys{"batch"});
      if (const auto batch = section.find("batch")) init.batch = integer_at_least(*batch, 2);
      if (const auto tolerance = section.find("tolerance")) {
        init.tolerance = positive(*tolerance);
        if (init.tolerance >= 1.0) tolerance->fail(fmt::format("must be in (0, 1), got {}", tolerance->shown()));
      }
      if (const auto iterations = section.find("iterations")) init.iterations = integer_at_least(*iterations, 1);
    }
  }
}

// INIT: a name (`xavier_uniform`) or a one-key map ({uniform: [-0.3, 0.3]}).
InitSpec read_init(const Field& field) {
  InitSpec init;
  if (field.is_map()) {
    if (field.node().size() != 1)
      field.fail(
          fmt::format("expected one initialiser as {{name: parameters}}, e.g. {{uniform: [-0.3, 0.3]}}, got {} keys",
                      field.node().size()));
    const auto entry = field.node().begin();
    const Field name(field.origin(), entry->first, field.key());
    init.kind = choose(name, init_names, "initialiser");
    read_init_parameters(field.child(name.text(), entry->second), init);
    return init;
  }
  init.kind = choose(field, init_names, "initialiser");
  if (init.kind == InitKind::uniform || init.kind == InitKind::normal || init.kind == InitKind::constant)
    field.fail(fmt::format("'{}' needs parameters, e.g. {{uniform: [-0.3, 0.3]}}, {{normal: 0.1}} or {{constant: 0}}",
                           field.text()));
  return init;
}

void read_init_pair(const Field& field, InitSpec& weight, InitSpec& bias) {
  const Section section(field, {"weight", "bias"});
  if (const auto weight_init = section.find("weight")) weight = read_init(*weight_init);
  if (const auto bias_init = section.find("bias")) bias = read_init(*bias_init);
}

// An int n (n x n) or a pair [h, w] of integers >= minimum.
std::array<Index, 2> read_pair(const Field& field, Index minimum) {
  if (!field.is_list()) {
    const Index n = integer_at_least(field, minimum);
    return {n, n};
  }
  const std::vector<Field> items = field.items();
  if (items.size() != 2) field.fail(fmt::format("expected an integer or [h, w], got {} values", items.size()));
  return {integer_at_least(items[0], minimum), integer_at_least(items[1], minimum)};
}

// `from: [input, 0, 2]` (or one source, `from: input`): what a layer takes instead of the previous
// layer's output. Whether each index is an earlier layer is checked with the shapes (resolve_shapes).
std::vector<Index> read_from(const Field& field) {
  const std::vector<Field> items = field.is_list() ? field.items() : std::vector<Field>{field};
  if (items.empty()) field.fail("expected `input` or earlier layer indices, e.g. [input, 0], got an empty list");
  std::vector<Index> sources;
  for (const Field& item : items) {
    if (item.text() == "input") {
      sources.push_back(network_input);
      continue;
    }
    const std::optional<std::int64_t> index = item.try_integer();
    if (!index || *index < 0) item.fail(fmt::format("expected `input` or a layer index >= 0, got {}", item.shown()));
    sources.push_back(*index);
  }
  return sources;
}

// The keys of each layer type (docs/config.md, "Layers").
constexpr std::string_view activation_keys[] = {"activation", "steepness", "slope", "alpha", "levels", "straight_through"};

std::vector<std::string_view> keys_of(LayerKind kind) {
  std::vector<std::string_view> keys{"type", "from"};
  const auto add = [&](std::initializer_list<std::string_view> more) { keys.insert(keys.end(), more); };
  switch (kind) {
    case LayerKind::dense: add({"units", "bias", "weight_norm", "init"}); break;
    case LayerKind::conv2d: add({"filters", "kernel", "stride", "padding", "bias", "weight_norm", "init"}); break;
    case LayerKind::maxpool2d:
    case LayerKind::avgpool2d: add({"size", "stride"}); break;
    case LayerKind::flatten: break;
    case LayerKind::dropout:
    case LayerKind::gaussian_dropout: add({"rate"}); break;
    case LayerKind::gaussian_noise: add({"std"}); break;
    case LayerKind::batchnorm: add({"momentum", "eps"}); break;
    case LayerKind::layernorm: add({"eps"}); break;
  }
  if (takes_activation(kind))
    keys.insert(keys.end(), std::begin(activation_keys), std::end(activation_keys));
  return keys;
}

// The activation and its parameters; a parameter the activation does not have is a mistake.
void read_activation(const Section& section, LayerSpec& layer) {
  std::string activation_name = "identity";
  if (const auto activation = section.find("activation")) {
    layer.activation.kind = choose(*activation, activation_names, "activation");
    activation_name = activation->text();
  }
  const auto parameter = [&](std::string_view key, ActivationKind owner) -> std::optional<Field> {
    std::optional<Field> found = section.find(key);
    if (found && layer.activation.kind != owner)
      found->fail(fmt::format("not used by activation '{}'", activation_name));
    return found;
  };
  if (const auto steepness = parameter("steepness", ActivationKind::sigmoid))
    layer.activation.steepness = positive(*steepness);
  if (const auto slope = parameter("slope", ActivationKind::leaky_relu)) layer.activation.slope = slope->number();
  if (const auto alpha = parameter("alpha", ActivationKind::elu)) layer.activation.alpha = alpha->number();
  if (const auto levels = parameter("levels", ActivationKind::step))
    layer.activation.levels = choose(*levels, levels_names, "levels");
  if (const auto surrogate = parameter("straight_through", ActivationKind::step))
    layer.activation.straight_through = choose(*surrogate, straight_through_names, "straight-through estimator");
}

LayerSpec read_layer(const Field& field, const InitSpec& weight_init, const InitSpec& bias_init) {
  const Section section(field, {"type", "units", "activation", "bias", "weight_norm", "steepness", "slope", "alpha", "levels",
                                "straight_through", "init", "rate", "std", "filters", "kernel", "stride", "padding", "size",
                                "momentum", "eps", "from"});
  LayerSpec layer;
  if (const auto type = section.find("type"))
    layer.kind = static_cast<LayerKind>(choose_name(*type, layer_kind_names(), "layer type"));
  const std::vector<std::string_view> keys = keys_of(layer.kind);
  section.only(keys, layer_kind_name(layer.kind));
  if (const auto from = section.find("from")) layer.from = read_from(*from);
  switch (layer.kind) {
    case LayerKind::dense: layer.units = integer_at_least(section.required("units"), 1); break;
    case LayerKind::conv2d: {
      layer.filters = integer_at_least(section.required("filters"), 1);
      layer.kernel = read_pair(section.required("kernel"), 1);
      layer.stride = {1, 1};
      if (const auto stride = section.find("stride")) layer.stride = read_pair(*stride, 1);
      if (const auto padding = section.find("padding")) {
        if (!padding->is_list() && (padding->text() == "valid" || padding->text() == "same")) {
          layer.same_padding = padding->text() == "same";
        } else if (!padding->is_list() && (padding->text().empty() || !std::isdigit(static_cast<unsigned char>(padding->text().front())))) {
          padding->fail(fmt::format("expected valid, same, an integer or [h, w], got {}", padding->shown()));
        } else {
          layer.padding = read_pair(*padding, 0);
        }
      }
      break;
    }
    case LayerKind::maxpool2d:
    case LayerKind::avgpool2d:
      layer.kernel = {2, 2};
      if (const auto size = section.find("size")) layer.kernel = read_pair(*size, 1);
      layer.stride = layer.kernel;
      if (const auto stride = section.find("stride")) layer.stride = read_pair(*stride, 1);
      return layer;
    case LayerKind::flatten: return layer;
    case LayerKind::dropout:
    case LayerKind::gaussian_dropout: layer.rate = in_half_open_unit_interval(section.required("rate")); return layer;
    case LayerKind::gaussian_noise: layer.std = non_negative(section.required("std")); return layer;
    case LayerKind::batchnorm:
    case LayerKind::layernorm:
      if (const auto momentum = section.find("momentum")) layer.momentum = in_closed_unit_interval(*momentum);
      if (const auto eps = section.find("eps")) layer.eps = positive(*eps);
      read_activation(section, layer);
      return layer;
  }
  read_activation(section, layer);
  if (const auto bias = section.find("bias")) layer.bias = bias->boolean();
  if (const auto weight_norm = section.find("weight_norm")) layer.weight_norm = weight_norm->boolean();
  layer.weight_init = weight_init;
  layer.bias_init = bias_init;
  if (const auto init = section.find("init")) read_init_pair(*init, layer.weight_init, layer.bias_init);
  return layer;
}

}  // namespace

void read_model(const Field& field, const fs::path& base_dir, ExperimentConfig& config) {
  const Section section(field, {"inputs", "input_shape", "from", "init", "layers"});
  if (const auto inputs = section.find("inputs")) config.model.inputs = integer_at_least(*inputs, 0);
  if (const auto shape = section.find("input_shape")) {
    if (!shape->is_list()) shape->fail(fmt::format("expected [C, H, W] or [features], got {}", shape->shown()));
    const std::vector<Field> items = shape->items();
    if (items.size() != 1 && items.size() != 3)
      shape->fail(fmt::format("expected [C, H, W] or [features], got {} values", items.size()));
    for (const Field& item : items) config.model.input_shape.push_back(integer_at_least(item, 1));
  }
  if (const auto from = section.find("from")) config.model_from = path_value(*from, base_dir);
  InitSpec weight_init;
  InitSpec bias_init;
  if (const auto init = section.find("init")) read_init_pair(*init, weight_init, bias_init);
  const Field layers = section.required("layers");
  if (!layers.is_list()) layers.fail(fmt::format("expected a list of layers, got {}", layers.shown()));
  for (const Field& layer : layers.items()) config.model.layers.push_back(read_layer(layer, weight_init, bias_init));
  if (config.model.layers.empty()) layers.fail("needs at least one layer");
}

}  // namespace nnlab::config_parts
