#include "experiment/config.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include "core/error.hpp"
#include "experiment/overrides.hpp"
#include "experiment/yaml_fields.hpp"

namespace nnlab {
namespace {

namespace fs = std::filesystem;
using Keys = std::vector<std::string_view>;

// ---------------------------------------------------------------- names the file may use

constexpr std::array<Choice<ActivationKind>, 13> activation_names{{
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
    {"softmax", ActivationKind::softmax},
}};

constexpr std::array<Choice<InitKind>, 17> init_names{{
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
}};

constexpr std::array<Choice<LossKind>, 4> loss_names{{
    {"sse", LossKind::sse},
    {"mse", LossKind::mse},
    {"bce", LossKind::bce},
    {"cross_entropy", LossKind::cross_entropy},
}};

constexpr std::array<Choice<OptimizerKind>, 7> optimizer_names{{
    {"sgd", OptimizerKind::sgd},
    {"adagrad", OptimizerKind::adagrad},
    {"adadelta", OptimizerKind::adadelta},
    {"rmsprop", OptimizerKind::rmsprop},
    {"adam", OptimizerKind::adam},
    {"adamw", OptimizerKind::adamw},
    {"radam", OptimizerKind::radam},
}};

constexpr std::array<Choice<ScheduleKind>, 6> schedule_names{{
    {"constant", ScheduleKind::constant},
    {"step", ScheduleKind::step},
    {"exponential", ScheduleKind::exponential},
    {"inverse_time", ScheduleKind::inverse_time},
    {"linear", ScheduleKind::linear},
    {"cosine", ScheduleKind::cosine},
}};

constexpr std::array<Choice<ScheduleUnit>, 2> unit_names{
    {{"epoch", ScheduleUnit::epoch}, {"step", ScheduleUnit::step}}};

constexpr std::array<Choice<OrderKind>, 3> order_names{{
    {"fixed", OrderKind::fixed},
    {"shuffled", OrderKind::shuffled},
    {"sorted", OrderKind::sorted},
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
  if (source == "csv") return {"source", "path", "label_column"};
  return {"source"};  // xor
}

// The keys each optimiser understands, as torch.optim names its arguments.
Keys optimizer_keys(OptimizerKind kind) {
  Keys keys{"type", "lr", "weight_decay", "layer_lr"};
  switch (kind) {
    case OptimizerKind::sgd: keys.insert(keys.end(), {"momentum", "dampening", "nesterov"}); break;
    case OptimizerKind::adagrad: keys.insert(keys.end(), {"lr_decay", "initial_accumulator_value", "eps"}); break;
    case OptimizerKind::adadelta: keys.insert(keys.end(), {"rho", "eps"}); break;
    case OptimizerKind::rmsprop: keys.insert(keys.end(), {"alpha", "eps", "momentum", "centered"}); break;
    case OptimizerKind::adam:
    case OptimizerKind::adamw: keys.insert(keys.end(), {"betas", "eps", "amsgrad"}); break;
    case OptimizerKind::radam: keys.insert(keys.end(), {"betas", "eps"}); break;
  }
  return keys;
}

// The keys each schedule understands.
Keys schedule_keys(ScheduleKind kind) {
  Keys keys{"type", "unit"};
  switch (kind) {
    case ScheduleKind::constant: break;
    case ScheduleKind::step: keys.insert(keys.end(), {"gamma", "step_size"}); break;
    case ScheduleKind::exponential: keys.push_back("gamma"); break;
    case ScheduleKind::inverse_time:
    case ScheduleKind::linear: keys.push_back("decay"); break;
    case ScheduleKind::cosine: keys.insert(keys.end(), {"period", "eta_min"}); break;
  }
  return keys;
}

// ---------------------------------------------------------------- typed values with ranges

double positive(const Field& field) {
  const double value = field.number();
  field.check(value > 0, "must be > 0");
  return value;
}

double non_negative(const Field& field) {
  const double value = field.number();
  field.check(value >= 0, "must be >= 0");
  return value;
}

double in_closed_unit_interval(const Field& field) {
  const double value = field.number();
  field.check(value >= 0 && value <= 1, "must be in [0, 1]");
  return value;
}

double in_half_open_unit_interval(const Field& field) {
  const double value = field.number();
  field.check(value >= 0 && value < 1, "must be in [0, 1)");
  return value;
}

std::int64_t integer_at_least(const Field& field, std::int64_t minimum) {
  const std::int64_t value = field.integer();
  field.check(value >= minimum, fmt::format("must be >= {}", minimum));
  return value;
}

std::int64_t integer_between(const Field& field, std::int64_t minimum, std::int64_t maximum) {
  const std::int64_t value = field.integer();
  field.check(value >= minimum && value <= maximum, fmt::format("must be in [{}, {}]", minimum, maximum));
  return value;
}

// Relative paths are relative to the experiment file's directory.
fs::path path_value(const Field& field, const fs::path& base_dir) {
  const std::string text = field.text();
  if (text.empty()) field.fail("expected a path, got an empty string");
  const fs::path path(text);
  return path.is_relative() && !base_dir.empty() ? (base_dir / path).lexically_normal() : path;
}

// `name` stands for {key: name}: `train: mirror`, `loss: sse`, `optimizer: adam`.
Field expand_shorthand(const Field& field, std::string_view key) {
  if (!field.is_scalar()) return field;
  YAML::Node expanded(YAML::NodeType::Map);
  expanded[std::string(key)] = field.node().Scalar();
  return Field(field.origin(), expanded, field.key());
}

// ---------------------------------------------------------------- data

DataSourceConfig read_source(const Field& field, bool is_test, const fs::path& base_dir) {
  static constexpr std::array<std::string_view, 10> all_keys{"source", "bits",   "size",   "points", "noise",
                                                             "split",  "images", "labels", "path",   "label_column"};
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
  }
  return config;
}

DataConfig read_data(const Field& field, const fs::path& base_dir) {
  const Section section(field,
                        {"train", "test", "validation", "subset", "scale", "standardize", "random_labels", "data_dir"});
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

LayerSpec read_layer(const Field& field, const InitSpec& weight_init, const InitSpec& bias_init) {
  static constexpr std::array<std::string_view, 1> layer_types{"dense"};
  const Section section(field, {"type", "units", "activation", "bias", "steepness", "slope", "alpha", "init"});
  LayerSpec layer;
  if (const auto type = section.find("type")) layer.type = layer_types[choose_name(*type, layer_types, "layer type")];
  layer.units = integer_at_least(section.required("units"), 1);
  std::string activation_name = "identity";
  if (const auto activation = section.find("activation")) {
    layer.activation.kind = choose(*activation, activation_names, "activation");
    activation_name = activation->text();
  }
  if (const auto bias = section.find("bias")) layer.bias = bias->boolean();

  // An activation parameter the activation does not have is a mistake, not something to ignore.
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

  layer.weight_init = weight_init;
  layer.bias_init = bias_init;
  if (const auto init = section.find("init")) read_init_pair(*init, layer.weight_init, layer.bias_init);
  return layer;
}

void read_model(const Field& field, const fs::path& base_dir, ExperimentConfig& config) {
  const Section section(field, {"inputs", "from", "init", "layers"});
  if (const auto inputs = section.find("inputs")) config.model.inputs = integer_at_least(*inputs, 0);
  if (const auto from = section.find("from")) config.model_from = path_value(*from, base_dir);
  InitSpec weight_init;
  InitSpec bias_init;
  if (const auto init = section.find("init")) read_init_pair(*init, weight_init, bias_init);
  const Field layers = section.required("layers");
  if (!layers.is_list()) layers.fail(fmt::format("expected a list of layers, got {}", layers.shown()));
  for (const Field& layer : layers.items()) config.model.layers.push_back(read_layer(layer, weight_init, bias_init));
  if (config.model.layers.empty()) layers.fail("needs at least one layer");
}

// ---------------------------------------------------------------- loss, optimiser, schedule

LossSpec read_loss(const Field& field) {
  const Section section(expand_shorthand(field, "type"), {"type", "class_weights"});
  LossSpec loss;
  if (const auto type = section.find("type")) loss.kind = choose(*type, loss_names, "loss");
  if (const auto weights = section.find("class_weights")) {
    for (const Field& weight : weights->items()) loss.class_weights.push_back(non_negative(weight));
    if (!loss.class_weights.empty() && std::ranges::all_of(loss.class_weights, [](double w) { return w == 0; }))
      weights->fail("must not all be 0");
  }
  return loss;
}

OptimizerOptions read_optimizer(const Field& field, std::size_t layer_count) {
  static constexpr std::array<std::string_view, 15> all_keys{
      "type",    "lr",      "momentum", "dampening", "nesterov", "weight_decay", "betas",
      "eps",     "amsgrad", "alpha",    "centered",  "rho",      "lr_decay",     "initial_accumulator_value",
      "layer_lr"};
  const Section section(expand_shorthand(field, "type"), all_keys);
  OptimizerKind kind = OptimizerKind::sgd;
  if (const auto type = section.find("type")) kind = choose(*type, optimizer_names, "optimizer");
  section.only(optimizer_keys(kind), optimizer_kind_name(kind));

  // PyTorch's defaults for this kind, then whatever the file says.
  OptimizerOptions options = defaults_for(kind);
  if (const auto lr = section.find("lr")) options.lr = positive(*lr);
  if (const auto weight_decay = section.find("weight_decay")) options.weight_decay = non_negative(*weight_decay);
  if (const auto momentum = section.find("momentum")) options.momentum = non_negative(*momentum);
  if (const auto dampening = section.find("dampening")) options.dampening = in_closed_unit_interval(*dampening);
  if (const auto nesterov = section.find("nesterov")) {
    options.nesterov = nesterov->boolean();
    if (options.nesterov && (options.momentum <= 0 || options.dampening != 0))
      nesterov->fail("needs momentum > 0 and dampening = 0");
  }
  if (const auto betas = section.find("betas")) {
    const std::vector<Field> values = betas->items();
    if (values.size() != 2) betas->fail(fmt::format("expected [beta1, beta2], got {} values", values.size()));
    options.beta1 = in_half_open_unit_interval(values[0]);
    options.beta2 = in_half_open_unit_interval(values[1]);
  }
  if (const auto eps = section.find("eps")) options.eps = positive(*eps);
  if (const auto amsgrad = section.find("amsgrad")) options.amsgrad = amsgrad->boolean();
  if (const auto alpha = section.find("alpha")) options.alpha = in_closed_unit_interval(*alpha);
  if (const auto centered = section.find("centered")) options.centered = centered->boolean();
  if (const auto rho = section.find("rho")) options.rho = in_closed_unit_interval(*rho);
  if (const auto lr_decay = section.find("lr_decay")) options.lr_decay = non_negative(*lr_decay);
  if (const auto initial = section.find("initial_accumulator_value"))
    options.initial_accumulator_value = non_negative(*initial);
  if (const auto layer_lr = section.find("layer_lr")) {
    for (const Field& multiplier : layer_lr->items()) options.layer_lr_multipliers.push_back(non_negative(multiplier));
    if (options.layer_lr_multipliers.size() > layer_count)
      layer_lr->fail(
          fmt::format("has {} entries but model.layers has {}", options.layer_lr_multipliers.size(), layer_count));
  }
  // torch.optim's own checks, as a backstop for anything the reads above let through.
  try {
    validate(options);
  } catch (const std::invalid_argument& error) {
    fail_at(field.origin(), "", fmt::format("{}.{}", field.key(), error.what()));
  }
  return options;
}

ScheduleSpec read_schedule(const Field& field) {
  static constexpr std::array<std::string_view, 7> all_keys{"type",  "unit",   "gamma",  "step_size",
                                                            "decay", "period", "eta_min"};
  const Section section(expand_shorthand(field, "type"), all_keys);
  ScheduleSpec schedule;
  if (const auto type = section.find("type")) schedule.kind = choose(*type, schedule_names, "schedule");
  const auto named = std::ranges::find(schedule_names, schedule.kind, &Choice<ScheduleKind>::kind);
  section.only(schedule_keys(schedule.kind), named->name);
  if (const auto unit = section.find("unit")) schedule.unit = choose(*unit, unit_names, "schedule unit");

  // Each schedule's defining parameter is required: without it the schedule would do nothing.
  switch (schedule.kind) {
    case ScheduleKind::constant: break;
    case ScheduleKind::step:
      schedule.step_size = integer_at_least(section.required("step_size"), 1);
      if (const auto gamma = section.find("gamma")) schedule.gamma = positive(*gamma);
      break;
    case ScheduleKind::exponential: schedule.gamma = positive(section.required("gamma")); break;
    case ScheduleKind::inverse_time: schedule.decay = non_negative(section.required("decay")); break;
    case ScheduleKind::linear: schedule.decay = section.required("decay").number(); break;
    case ScheduleKind::cosine:
      schedule.period = integer_at_least(section.required("period"), 1);
      if (const auto eta_min = section.find("eta_min")) schedule.eta_min = non_negative(*eta_min);
      break;
  }
  return schedule;
}

// ---------------------------------------------------------------- training, success

TrainConfig read_train(const Field& field) {
  const Section section(field, {"epochs", "batch", "order", "clip_norm", "clip_value", "log_every", "checkpoint_every", "snapshot_epochs"});
  TrainConfig train;
  if (const auto epochs = section.find("epochs")) train.epochs = integer_at_least(*epochs, 1);
  if (const auto batch = section.find("batch")) {
    if (batch->is_scalar() && batch->text() == "full") {
      train.batch = 0;  // the whole training set in every update
    } else {
      const std::optional<std::int64_t> size = batch->try_integer();
      if (!size)
        batch->fail(fmt::format("expected an integer or 'full', got {}",
                                batch->is_scalar() ? "'" + batch->text() + "'" : batch->shown()));
      batch->check(*size >= 1, "must be >= 1 or 'full'");
      train.batch = *size;
    }
  }
  if (const auto order = section.find("order")) train.order = choose(*order, order_names, "order");
  if (const auto clip_norm = section.find("clip_norm")) train.clip_norm = non_negative(*clip_norm);
  if (const auto clip_value = section.find("clip_value")) train.clip_value = non_negative(*clip_value);
  if (const auto log_every = section.find("log_every")) train.log_every = integer_at_least(*log_every, 1);
  if (const auto every = section.find("checkpoint_every")) train.checkpoint_every = integer_at_least(*every, 1);
  if (const auto snapshots = section.find("snapshot_epochs")) {
    if (!snapshots->is_list()) snapshots->fail(fmt::format("expected a list of epochs, got {}", snapshots->shown()));
    for (const Field& item : snapshots->items()) {
      const std::int64_t epoch = integer_at_least(item, 0);
      item.check(epoch <= train.epochs, fmt::format("must be <= train.epochs ({})", train.epochs));
      train.snapshot_epochs.push_back(epoch);
    }
    std::sort(train.snapshot_epochs.begin(), train.snapshot_epochs.end());
  }
  return train;
}

SuccessConfig read_success(const Field& field, const DataConfig& data) {
  const Section section(field, {"train_accuracy", "test_accuracy", "validation_accuracy", "train_loss", "stop"});
  SuccessConfig success;
  if (const auto train_accuracy = section.find("train_accuracy"))
    success.train_accuracy = in_closed_unit_interval(*train_accuracy);
  if (const auto test_accuracy = section.find("test_accuracy")) {
    success.test_accuracy = in_closed_unit_interval(*test_accuracy);
    if (!data.test) test_accuracy->fail("needs a test set (data.test)");
  }
  if (const auto validation_accuracy = section.find("validation_accuracy")) {
    success.validation_accuracy = in_closed_unit_interval(*validation_accuracy);
    if (data.validation == 0) validation_accuracy->fail("needs a validation split (data.validation > 0)");
  }
  if (const auto train_loss = section.find("train_loss")) success.train_loss = non_negative(*train_loss);
  if (const auto stop = section.find("stop")) success.stop = stop->boolean();
  return success;
}

// ---------------------------------------------------------------- the whole file

YAML::Node load_tree(const std::string& yaml_text, const YamlOrigin& origin) {
  try {
    return YAML::Load(yaml_text);
  } catch (const YAML::Exception& error) {
    if (error.mark.is_null()) fail_at(origin, "", fmt::format("malformed YAML: {}", error.msg));
    fail_at(
        origin, "",
        fmt::format("line {}, column {}: malformed YAML: {}", error.mark.line + 1, error.mark.column + 1, error.msg));
  }
}

ExperimentConfig read_experiment(const Field& root, const fs::path& base_dir) {
  const Section section(root, {"name", "seed", "replicates", "data", "model", "loss", "optimizer", "schedule", "train",
                               "success", "sweep"});
  // A section left out reads as an empty one, so its required keys are reported by name.
  const auto part = [&](std::string_view key) { return section.find(key).value_or(root.child(key, YAML::Node())); };
  ExperimentConfig config;
  config.name = fs::path(root.origin().file).stem().string();
  if (config.name.empty()) config.name = "experiment";
  if (const auto name = section.find("name")) {
    config.name = name->text();
    if (config.name.empty()) name->fail("must not be empty");
  }
  if (const auto seed = section.find("seed")) config.seed = static_cast<std::uint64_t>(integer_at_least(*seed, 0));
  if (const auto replicates = section.find("replicates")) config.replicates = integer_at_least(*replicates, 1);
  config.data = read_data(part("data"), base_dir);
  read_model(part("model"), base_dir, config);
  if (const auto loss = section.find("loss")) config.loss = read_loss(*loss);
  config.optimizer = read_optimizer(part("optimizer"), config.model.layers.size());
  if (const auto schedule = section.find("schedule")) config.schedule = read_schedule(*schedule);
  if (const auto train = section.find("train")) config.train = read_train(*train);
  if (const auto success = section.find("success")) config.success = read_success(*success, config.data);
  // `sweep` is planned elsewhere from the resolved YAML; accepted here without reading it.
  return config;
}

}  // namespace

YAML::Node resolve_experiment_tree(const std::string& yaml_text, YamlOrigin& origin, const std::vector<std::string>& overrides) {
  try {
    YAML::Node root = load_tree(yaml_text, origin);
    if (root.IsNull()) root.reset(YAML::Node(YAML::NodeType::Map));  // an empty file: overrides may still fill it
    for (const std::string& text : overrides) {
      const Override override_ = parse_override(text, origin);
      apply_override(root, override_, origin);
      origin.overridden_keys.push_back(override_.key);
    }
    return root;
  } catch (const YAML::Exception& error) {  // a yaml-cpp surprise still becomes a one-line input error
    fail_at(origin, "", fmt::format("cannot read the YAML: {}", error.msg));
  }
}

ExperimentConfig experiment_from_tree(const YAML::Node& root, const YamlOrigin& origin) {
  try {
    ExperimentConfig config = read_experiment(Field(origin, root, ""), fs::path(origin.file).parent_path());
    YAML::Emitter emitter;
    emitter << root;
    config.resolved_yaml = emitter.c_str();
    return config;
  } catch (const YAML::Exception& error) {
    fail_at(origin, "", fmt::format("cannot read the YAML: {}", error.msg));
  }
}

ExperimentConfig parse_experiment(const std::string& yaml_text, const std::string& origin,
                                  const std::vector<std::string>& overrides) {
  YamlOrigin where{.file = origin, .overridden_keys = {}};
  const YAML::Node root = resolve_experiment_tree(yaml_text, where, overrides);
  return experiment_from_tree(root, where);
}

std::string read_experiment_text(const fs::path& file) {
  std::error_code error;
  if (!fs::exists(file, error)) throw InputError(fmt::format("{}: no such file", file.string()));
  if (!fs::is_regular_file(file, error)) throw InputError(fmt::format("{}: not a regular file", file.string()));
  std::ifstream stream(file, std::ios::binary);
  std::ostringstream text;
  text << stream.rdbuf();
  if (!stream) throw InputError(fmt::format("{}: cannot read the file", file.string()));
  return text.str();
}

ExperimentConfig load_experiment(const fs::path& file, const std::vector<std::string>& overrides) {
  ExperimentConfig config = parse_experiment(read_experiment_text(file), file.string(), overrides);
  config.file = file;
  return config;
}

double default_input_scale(std::string_view source) {
  const bool image = source == "fashion-mnist" || source == "mnist" || source == "idx";
  return image ? 1.0 / 255.0 : 1.0;
}

}  // namespace nnlab
