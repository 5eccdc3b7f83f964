// The `loss`, `optimizer`, `train`, `success` and `report` sections of an experiment file.
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>

#include "core/error.hpp"
#include "experiment/config_parts.hpp"

namespace nnlab::config_parts {
namespace {

constexpr std::array<Choice<LossKind>, 4> loss_names{{
    {"sse", LossKind::sse},
    {"mse", LossKind::mse},
    {"bce", LossKind::bce},
    {"cross_entropy", LossKind::cross_entropy},
}};

constexpr std::array<Choice<LossReduction>, 2> reduction_names{{
    {"mean", LossReduction::mean},
    {"sum", LossReduction::sum},
}};

// An optimizer.type: the update rule, and the wrapper around it (lookahead's rule is its `inner`).
struct OptimizerType {
  OptimizerKind kind;
  OptimizerWrapper wrapper;
};

constexpr std::array<Choice<OptimizerType>, 9> optimizer_names{{
    {"sgd", {OptimizerKind::sgd, OptimizerWrapper::none}},
    {"adagrad", {OptimizerKind::adagrad, OptimizerWrapper::none}},
    {"adadelta", {OptimizerKind::adadelta, OptimizerWrapper::none}},
    {"rmsprop", {OptimizerKind::rmsprop, OptimizerWrapper::none}},
    {"adam", {OptimizerKind::adam, OptimizerWrapper::none}},
    {"adamw", {OptimizerKind::adamw, OptimizerWrapper::none}},
    {"radam", {OptimizerKind::radam, OptimizerWrapper::none}},
    {"lookahead", {OptimizerKind::sgd, OptimizerWrapper::lookahead}},
    {"ranger", {OptimizerKind::radam, OptimizerWrapper::ranger}},
}};

constexpr std::array<Choice<OrderKind>, 3> order_names{{
    {"fixed", OrderKind::fixed},
    {"shuffled", OrderKind::shuffled},
    {"sorted", OrderKind::sorted},
}};

constexpr std::array<Choice<StoppingCriterion>, 4> criterion_names{{
    {"patience", StoppingCriterion::patience},
    {"gl", StoppingCriterion::gl},
    {"pq", StoppingCriterion::pq},
    {"up", StoppingCriterion::up},
}};

constexpr std::array<Choice<MonitorKind>, 6> monitor_names{{
    {"validation_loss", MonitorKind::validation_loss},
    {"validation_accuracy", MonitorKind::validation_accuracy},
    {"test_loss", MonitorKind::test_loss},
    {"test_accuracy", MonitorKind::test_accuracy},
    {"train_loss", MonitorKind::train_loss},
    {"train_accuracy", MonitorKind::train_accuracy},
}};

}  // namespace

MonitorKind read_monitor(const Field& field, const DataConfig& data) {
  const MonitorKind monitor = choose(field, monitor_names, "monitor");
  const std::string_view name = monitor_name(monitor);
  if (name.starts_with("validation") && data.validation == 0)
    field.fail(fmt::format("{} needs a validation split (data.validation > 0)", name));
  if (name.starts_with("test") && !data.test) field.fail(fmt::format("{} needs a test set (data.test)", name));
  return monitor;
}

namespace {

// `train.early_stopping`: a map, or a criterion's name alone (`early_stopping: gl`).
EarlyStoppingConfig read_early_stopping(const Field& field, const DataConfig& data) {
  const Section section(expand_shorthand(field, "criterion"),
                        {"criterion", "monitor", "patience", "min_delta", "smoothing", "restore_best", "alpha", "strip", "s"});
  EarlyStoppingConfig stopping;
  if (const auto criterion = section.find("criterion")) stopping.criterion = choose(*criterion, criterion_names, "early-stopping criterion");
  Keys used{"criterion", "monitor", "min_delta", "smoothing", "restore_best"};
  switch (stopping.criterion) {
    case StoppingCriterion::patience: used.push_back("patience"); break;
    case StoppingCriterion::gl: used.push_back("alpha"); break;
    case StoppingCriterion::pq: used.insert(used.end(), {"alpha", "strip"}); break;
    case StoppingCriterion::up: used.insert(used.end(), {"strip", "s"}); break;
  }
  section.only(used, fmt::format("criterion {}", criterion_name(stopping.criterion)));
  if (const auto monitor = section.find("monitor")) {
    stopping.monitor = read_monitor(*monitor, data);
  } else if (data.validation == 0) {
    field.fail("monitors validation_loss by default, which needs a validation split (data.validation > 0); set data.validation or monitor");
  }
  if (const auto patience = section.find("patience")) stopping.patience = integer_at_least(*patience, 1);
  if (const auto min_delta = section.find("min_delta")) stopping.min_delta = non_negative(*min_delta);
  if (const auto smoothing = section.find("smoothing")) stopping.smoothing = integer_at_least(*smoothing, 1);
  if (const auto restore = section.find("restore_best")) stopping.restore_best = restore->boolean();
  if (stopping.criterion == StoppingCriterion::pq) stopping.alpha = 0.5;  // Prechelt's PQ thresholds run 0.5 .. 3
  if (const auto alpha = section.find("alpha")) stopping.alpha = non_negative(*alpha);
  if (const auto strip = section.find("strip")) stopping.strip = integer_at_least(*strip, 1);
  if (const auto s = section.find("s")) stopping.s = integer_at_least(*s, 1);
  return stopping;
}

// `train.snapshot_ensemble`: {cycles: M}, or M alone. Whether the last cycle gets a step depends
// on the batches per epoch, checked when the data is known (experiment/member_schedule).
SnapshotEnsembleConfig read_snapshot_ensemble(const Field& field, const TrainConfig& train, const DataConfig& data) {
  const Section section(expand_shorthand(field, "cycles"), {"cycles"});
  SnapshotEnsembleConfig ensemble;
  const Field cycles = section.required("cycles");
  ensemble.cycles = integer_at_least(cycles, 1);
  if (train.early_stopping && train.early_stopping->restore_best)
    field.fail("keeps each cycle's final weights; early_stopping.restore_best would replace them, so they cannot go together");
  if (!data.test && data.validation == 0)
    field.fail("evaluates the ensembles on the test set (data.test) or, without one, the validation split (data.validation > 0); give one");
  return ensemble;
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

}  // namespace

// ---------------------------------------------------------------- loss, optimiser

LossSpec read_loss(const Field& field) {
  const Section section(expand_shorthand(field, "type"), {"type", "class_weights", "reduction", "l1", "l2", "label_smoothing"});
  LossSpec loss;
  if (const auto type = section.find("type")) loss.kind = choose(*type, loss_names, "loss");
  if (const auto reduction = section.find("reduction")) loss.reduction = choose(*reduction, reduction_names, "reduction");
  if (const auto weights = section.find("class_weights")) {
    for (const Field& weight : weights->items()) loss.class_weights.push_back(non_negative(weight));
    if (!loss.class_weights.empty() && std::ranges::all_of(loss.class_weights, [](double w) { return w == 0; }))
      weights->fail("must not all be 0");
  }
  if (const auto l1 = section.find("l1")) loss.l1 = non_negative(*l1);
  if (const auto l2 = section.find("l2")) loss.l2 = non_negative(*l2);
  if (const auto smoothing = section.find("label_smoothing")) {
    loss.label_smoothing = smoothing->number();
    smoothing->check(loss.label_smoothing >= 0 && loss.label_smoothing < 1, "must be in [0, 1)");
    if (loss.kind != LossKind::cross_entropy) smoothing->fail("needs loss type cross_entropy");
  }
  return loss;
}

namespace {

// Lookahead's k and alpha (ranger's too), over the defaults already in `options`.
void read_lookahead(const Section& section, OptimizerOptions& options) {
  if (const auto k = section.find("k")) options.lookahead_k = integer_at_least(*k, 1);
  if (const auto alpha = section.find("alpha")) {
    options.lookahead_alpha = alpha->number();
    alpha->check(options.lookahead_alpha > 0 && options.lookahead_alpha <= 1, "must be in (0, 1]");
  }
}

// `inner`: the section is lookahead's rule, which may not be a wrapper itself.
OptimizerOptions read_optimizer_section(const Field& field, std::size_t layer_count, bool inner) {
  static constexpr std::array<std::string_view, 17> all_keys{
      "type",    "lr",      "momentum", "dampening", "nesterov", "weight_decay", "betas",
      "eps",     "amsgrad", "alpha",    "centered",  "rho",      "lr_decay",     "initial_accumulator_value",
      "layer_lr", "k",      "inner"};
  const Section section(expand_shorthand(field, "type"), all_keys);
  OptimizerType type{OptimizerKind::sgd, OptimizerWrapper::none};
  if (const auto found = section.find("type")) {
    type = choose(*found, optimizer_names, "optimizer");
    if (inner && type.wrapper != OptimizerWrapper::none) found->fail("lookahead wraps a plain optimiser, not lookahead or ranger");
  }
  if (type.wrapper == OptimizerWrapper::lookahead) {
    section.only({"type", "k", "alpha", "inner"}, "lookahead (the optimiser's own keys go in inner)");
    OptimizerOptions options = read_optimizer_section(section.required("inner"), layer_count, true);
    options.wrapper = OptimizerWrapper::lookahead;
    read_lookahead(section, options);
    return options;
  }
  Keys keys = optimizer_keys(type.kind);
  if (type.wrapper == OptimizerWrapper::ranger) keys.insert(keys.end(), {"k", "alpha"});
  section.only(keys, type.wrapper == OptimizerWrapper::ranger ? "ranger" : optimizer_kind_name(type.kind));

  // PyTorch's defaults for this kind, then whatever the file says.
  OptimizerOptions options = defaults_for(type.kind);
  if (type.wrapper == OptimizerWrapper::ranger) {
    options.wrapper = OptimizerWrapper::ranger;
    options.lookahead_k = 6;
    read_lookahead(section, options);
  }
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
  if (const auto alpha = section.find("alpha"); alpha && type.wrapper == OptimizerWrapper::none)
    options.alpha = in_closed_unit_interval(*alpha);
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

}  // namespace

OptimizerOptions read_optimizer(const Field& field, std::size_t layer_count) {
  OptimizerOptions options = read_optimizer_section(field, layer_count, false);
  if (options.wrapper != OptimizerWrapper::lookahead) return options;  // validated with its keys
  try {
    validate(options);
  } catch (const std::invalid_argument& error) {
    fail_at(field.origin(), "", fmt::format("{}.{}", field.key(), error.what()));
  }
  return options;
}

// ---------------------------------------------------------------- training, success

TrainConfig read_train(const Field& field, const DataConfig& data) {
  const Section section(field, {"epochs", "batch", "order", "clip_norm", "clip_value", "log_every", "metrics_subset",
                                "checkpoint_every", "snapshot_epochs", "early_stopping", "snapshot_ensemble",
                                "mixup"});  // mixup: read_batch_rewrites
  TrainConfig train;
  if (const auto epochs = section.find("epochs")) train.epochs = integer_at_least(*epochs, 1);
  if (const auto batch = section.find("batch")) {
    if (batch->is_scalar() && batch->text() == "full") {
      train.batch = 0;  // the whole training set in every update
    } else {
      const std::optional<std::int64_t> size = batch->try_integer();
      if (!size)
        batch->fail(fmt::format("expected an integer or 'full', got {}", batch->got()));
      batch->check(*size >= 1, "must be >= 1 or 'full'");
      train.batch = *size;
    }
  }
  if (const auto order = section.find("order")) train.order = choose(*order, order_names, "order");
  if (const auto clip_norm = section.find("clip_norm")) train.clip_norm = non_negative(*clip_norm);
  if (const auto clip_value = section.find("clip_value")) train.clip_value = non_negative(*clip_value);
  if (const auto log_every = section.find("log_every")) train.log_every = integer_at_least(*log_every, 1);
  if (const auto subset = section.find("metrics_subset")) train.metrics_subset = integer_at_least(*subset, 1);
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
  if (const auto stopping = section.find("early_stopping")) train.early_stopping = read_early_stopping(*stopping, data);
  if (const auto ensemble = section.find("snapshot_ensemble")) train.snapshot_ensemble = read_snapshot_ensemble(*ensemble, train, data);
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

ReportConfig read_report(const Field& field, std::size_t layers) {
  const Section section(field, {"tsne_layer"});
  ReportConfig report;
  if (const auto layer = section.find("tsne_layer")) {
    report.tsne_layer = integer_at_least(*layer, 0);
    layer->check(*report.tsne_layer < static_cast<Index>(layers), fmt::format("must be < the number of model.layers ({})", layers));
  }
  return report;
}

}  // namespace nnlab::config_parts
