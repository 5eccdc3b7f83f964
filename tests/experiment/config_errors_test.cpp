// Bad experiment files: each problem is one InputError naming the file, the dotted key and the reason.
#include <gtest/gtest.h>

#include "experiment/config_error_support.hpp"

#include <string>
#include <vector>

#include "core/error.hpp"
#include "experiment/config.hpp"

namespace nnlab {
namespace {

using testing::error_of;
using testing::valid_model;
using testing::with;




TEST(ConfigErrors, TheValidBaseParses) { EXPECT_EQ(error_of(with("")), "(no error)"); }

TEST(ConfigErrors, MessageIsFileKeyReason) {
  EXPECT_EQ(error_of(with("optimizer: {lr: -0.1}\n")), "mirror.yaml: optimizer.lr: must be > 0, got -0.1");
}

TEST(ConfigErrors, MalformedYamlGivesLineAndColumn) {
  const std::string message = error_of("data: {train: mirror}\nmodel: {layers: [{units: 2}\n");
  EXPECT_EQ(message.rfind("mirror.yaml: line ", 0), 0u) << message;
  EXPECT_NE(message.find("column"), std::string::npos) << message;
  EXPECT_NE(message.find("malformed YAML"), std::string::npos) << message;
  const std::string tab = error_of("data:\n\ttrain: mirror\n");
  EXPECT_NE(tab.find("line 2"), std::string::npos) << tab;
}

TEST(ConfigErrors, TopLevelMustBeAMap) {
  EXPECT_NE(error_of("just words").find("mirror.yaml: expected a map of keys"), std::string::npos);
  EXPECT_NE(error_of("- a\n- b\n").find("got a list"), std::string::npos);
}

TEST(ConfigErrors, UnknownKeysAtEveryLevelSuggestTheClosest) {
  EXPECT_EQ(error_of(with("optimiser: {lr: 0.1}\n")), "mirror.yaml: optimiser: unknown key; did you mean 'optimizer'?");
  EXPECT_EQ(error_of(with("optimizer: {lrr: 0.1}\n")), "mirror.yaml: optimizer.lrr: unknown key; did you mean 'lr'?");
  EXPECT_EQ(error_of(with("optimizer: {lerning_rate: 0.1}\n")),
            "mirror.yaml: optimizer.lerning_rate: unknown key; did you mean 'lr'?");
  EXPECT_EQ(error_of(with("train: {epoch: 5}\n")), "mirror.yaml: train.epoch: unknown key; did you mean 'epochs'?");
  EXPECT_EQ(error_of(with("train: {batch_size: 5}\n")),
            "mirror.yaml: train.batch_size: unknown key; did you mean 'batch'?");
  EXPECT_EQ(error_of("data: {train: mirror, validaton: 0.1}\n" + std::string(valid_model)),
            "mirror.yaml: data.validaton: unknown key; did you mean 'validation'?");
  EXPECT_EQ(error_of("data: {train: {source: mirror, bitz: 4}}\n" + std::string(valid_model)),
            "mirror.yaml: data.train.bitz: unknown key; did you mean 'bits'?");
  EXPECT_EQ(error_of("data: {train: mirror}\nmodel: {layers: [{units: 2, activaton: relu}]}\n"),
            "mirror.yaml: model.layers.0.activaton: unknown key; did you mean 'activation'?");
  EXPECT_EQ(error_of(with("success: {train_acc: 1}\n")),
            "mirror.yaml: success.train_acc: unknown key; did you mean 'train_accuracy'?");
  EXPECT_EQ(error_of(with("schedule: {type: step, step_size: 2, gama: 0.5}\n")),
            "mirror.yaml: schedule.gama: unknown key; did you mean 'gamma'?");
  EXPECT_EQ(error_of(with("loss: {type: sse, class_weight: [1, 2]}\n")),
            "mirror.yaml: loss.class_weight: unknown key; did you mean 'class_weights'?");
  // Nothing close: the message lists what is allowed instead.
  const std::string far = error_of(with("train: {zzzzzz: 1}\n"));
  EXPECT_EQ(far.rfind("mirror.yaml: train.zzzzzz: unknown key; expected one of epochs, batch, order", 0), 0u) << far;
}

TEST(ConfigErrors, DuplicateKey) {
  EXPECT_EQ(error_of(with("optimizer: {lr: 0.1, lr: 0.2}\n")), "mirror.yaml: optimizer.lr: duplicate key");
}

TEST(ConfigErrors, WrongTypes) {
  EXPECT_EQ(error_of(with("optimizer: {lr: abc}\n")), "mirror.yaml: optimizer.lr: expected a number, got 'abc'");
  EXPECT_EQ(error_of(with("optimizer: {lr: [1, 2]}\n")), "mirror.yaml: optimizer.lr: expected a number, got a list");
  EXPECT_EQ(error_of(with("optimizer: {lr: }\n")), "mirror.yaml: optimizer.lr: expected a number, got nothing");
  EXPECT_EQ(error_of(with("optimizer: {lr: .inf}\n")), "mirror.yaml: optimizer.lr: expected a number, got '.inf'");
  EXPECT_EQ(error_of(with("train: {epochs: 1.5}\n")), "mirror.yaml: train.epochs: expected an integer, got '1.5'");
  EXPECT_EQ(error_of(with("train: {batch: some}\n")),
            "mirror.yaml: train.batch: expected an integer or 'full', got 'some'");
  EXPECT_EQ(error_of(with("optimizer: {nesterov: maybe}\n")),
            "mirror.yaml: optimizer.nesterov: expected true or false, got 'maybe'");
  EXPECT_EQ(error_of(with("optimizer: {type: adam, betas: 0.9}\n")),
            "mirror.yaml: optimizer.betas: expected a list, got '0.9'");
  EXPECT_EQ(error_of(with("train: 5\n")).rfind("mirror.yaml: train: expected a map of keys", 0), 0u);
  EXPECT_EQ(error_of("data: {train: mirror}\nmodel: {layers: {units: 2}}\n"),
            "mirror.yaml: model.layers: expected a list of layers, got a map");
}

TEST(ConfigErrors, OutOfRangeValues) {
  EXPECT_EQ(error_of(with("optimizer: {lr: 0}\n")), "mirror.yaml: optimizer.lr: must be > 0, got 0");
  EXPECT_EQ(error_of(with("optimizer: {momentum: -0.5}\n")), "mirror.yaml: optimizer.momentum: must be >= 0, got -0.5");
  EXPECT_EQ(error_of(with("optimizer: {type: adam, betas: [0.9, 1]}\n")),
            "mirror.yaml: optimizer.betas.1: must be in [0, 1), got 1");
  EXPECT_EQ(error_of(with("optimizer: {type: adam, betas: [-0.1, 0.9]}\n")),
            "mirror.yaml: optimizer.betas.0: must be in [0, 1), got -0.1");
  EXPECT_EQ(error_of(with("optimizer: {type: adam, betas: [0.9]}\n")),
            "mirror.yaml: optimizer.betas: expected [beta1, beta2], got 1 values");
  EXPECT_EQ(error_of(with("optimizer: {type: adam, eps: 0}\n")), "mirror.yaml: optimizer.eps: must be > 0, got 0");
  EXPECT_EQ(error_of(with("optimizer: {weight_decay: -1}\n")),
            "mirror.yaml: optimizer.weight_decay: must be >= 0, got -1");
  EXPECT_EQ(error_of(with("optimizer: {nesterov: true}\n")),
            "mirror.yaml: optimizer.nesterov: needs momentum > 0 and dampening = 0");
  EXPECT_EQ(error_of(with("optimizer: {layer_lr: [1, -1]}\n")),
            "mirror.yaml: optimizer.layer_lr.1: must be >= 0, got -1");
  EXPECT_EQ(error_of(with("optimizer: {layer_lr: [1, 1, 1]}\n")),
            "mirror.yaml: optimizer.layer_lr: has 3 entries but model.layers has 2");
  EXPECT_EQ(error_of(with("train: {epochs: 0}\n")), "mirror.yaml: train.epochs: must be >= 1, got 0");
  EXPECT_EQ(error_of(with("train: {batch: 0}\n")), "mirror.yaml: train.batch: must be >= 1 or 'full', got 0");
  EXPECT_EQ(error_of(with("train: {clip_norm: -1}\n")), "mirror.yaml: train.clip_norm: must be >= 0, got -1");
  EXPECT_EQ(error_of(with("train: {log_every: 0}\n")), "mirror.yaml: train.log_every: must be >= 1, got 0");
  EXPECT_EQ(error_of(with("train: {checkpoint_every: 0}\n")), "mirror.yaml: train.checkpoint_every: must be >= 1, got 0");
  EXPECT_EQ(error_of(with("train: {epochs: 100, snapshot_epochs: [0, 101]}\n")),
            "mirror.yaml: train.snapshot_epochs.1: must be <= train.epochs (100), got 101");
  EXPECT_EQ(error_of(with("train: {snapshot_epochs: [-1]}\n")), "mirror.yaml: train.snapshot_epochs.0: must be >= 0, got -1");
  EXPECT_EQ(error_of(with("train: {snapshot_epochs: 5}\n")), "mirror.yaml: train.snapshot_epochs: expected a list of epochs, got 5");
  EXPECT_EQ(error_of(with("replicates: 0\n")), "mirror.yaml: replicates: must be >= 1, got 0");
  EXPECT_EQ(error_of(with("seed: -1\n")), "mirror.yaml: seed: must be >= 0, got -1");
  EXPECT_EQ(error_of(with("loss: {type: sse, class_weights: [1, -7]}\n")),
            "mirror.yaml: loss.class_weights.1: must be >= 0, got -7");
  EXPECT_EQ(error_of(with("loss: {type: sse, class_weights: [0, 0]}\n")),
            "mirror.yaml: loss.class_weights: must not all be 0");
  EXPECT_EQ(error_of(with("loss: {type: sse, l1: -0.001}\n")), "mirror.yaml: loss.l1: must be >= 0, got -0.001");
  EXPECT_EQ(error_of(with("loss: {type: sse, l2: -1}\n")), "mirror.yaml: loss.l2: must be >= 0, got -1");
  EXPECT_EQ(error_of(with("loss: {type: sse, l2: [0.1]}\n")), "mirror.yaml: loss.l2: expected a number, got a list");
  EXPECT_EQ(error_of(with("loss: {type: sse, l_2: 0.1}\n")), "mirror.yaml: loss.l_2: unknown key; did you mean 'l2'?");
  EXPECT_EQ(error_of(with("loss: {type: cross_entropy, label_smoothing: 1}\n")), "mirror.yaml: loss.label_smoothing: must be in [0, 1), got 1");
  EXPECT_EQ(error_of(with("loss: {type: cross_entropy, label_smoothing: -0.1}\n")), "mirror.yaml: loss.label_smoothing: must be in [0, 1), got -0.1");
  EXPECT_EQ(error_of(with("loss: {type: sse, label_smoothing: 0.1}\n")).substr(0, 36), "mirror.yaml: loss.label_smoothing: n");
  EXPECT_EQ(error_of(with("success: {train_accuracy: 1.5}\n")),
            "mirror.yaml: success.train_accuracy: must be in [0, 1], got 1.5");
  EXPECT_EQ(error_of(with("schedule: {type: step, step_size: 0}\n")),
            "mirror.yaml: schedule.step_size: must be >= 1, got 0");
  EXPECT_EQ(error_of(with("schedule: {type: exponential, gamma: -1}\n")),
            "mirror.yaml: schedule.gamma: must be > 0, got -1");
}

TEST(ConfigErrors, CyclicOneCycleAndWarmupValues) {
  EXPECT_EQ(error_of(with("schedule: {type: cyclic, base_lr: 0.1, max_lr: 0.05}\n")),
            "mirror.yaml: schedule.max_lr: must be >= base_lr (0.1), got 0.05");
  EXPECT_EQ(error_of(with("optimizer: {lr: 0.5}\nschedule: {type: cyclic, max_lr: 0.05}\n")),
            "mirror.yaml: schedule.max_lr: must be >= optimizer.lr (0.5), got 0.05");
  EXPECT_EQ(error_of(with("schedule: {type: one_cycle, max_lr: 0.1, pct_start: 1}\n")),
            "mirror.yaml: schedule.pct_start: must be in (0, 1), got 1");
  EXPECT_EQ(error_of(with("schedule: {type: one_cycle, max_lr: 0.1, pct_start: 0}\n")),
            "mirror.yaml: schedule.pct_start: must be in (0, 1), got 0");
  EXPECT_EQ(error_of(with("schedule: {type: cosine_restarts, period: 5, period_mult: 0}\n")),
            "mirror.yaml: schedule.period_mult: must be >= 1, got 0");
  EXPECT_EQ(error_of(with("schedule: {warmup: {steps: 0}, then: {type: cosine, period: 10}}\n")),
            "mirror.yaml: schedule.warmup.steps: must be >= 1, got 0");
  EXPECT_EQ(error_of(with("schedule: {warmup: {steps: 5, start_factor: 0}, then: step}\n")),
            "mirror.yaml: schedule.warmup.start_factor: must be in (0, 1], got 0");
  EXPECT_EQ(error_of(with("schedule: {warmup: {steps: 5, start_factor: 1.5}}\n")),
            "mirror.yaml: schedule.warmup.start_factor: must be in (0, 1], got 1.5");
  EXPECT_EQ(error_of(with("schedule: {warmup: {steps: 5}, then: {type: cosine, period: 10, gamma: 2}}\n")),
            "mirror.yaml: schedule.then.gamma: not used by cosine");
}

TEST(ConfigErrors, OutOfRangeDataAndModelValues) {
  const auto data = [](const std::string& text) { return error_of("data: " + text + "\n" + valid_model); };
  EXPECT_EQ(data("{train: mirror, validation: 1}"), "mirror.yaml: data.validation: must be in [0, 1), got 1");
  EXPECT_EQ(data("{train: mirror, validation: -0.1}"), "mirror.yaml: data.validation: must be in [0, 1), got -0.1");
  EXPECT_EQ(data("{train: mirror, random_labels: 1.1}"), "mirror.yaml: data.random_labels: must be in [0, 1], got 1.1");
  EXPECT_EQ(data("{train: mirror, subset: {train: -5}}"), "mirror.yaml: data.subset.train: must be >= 0, got -5");
  EXPECT_EQ(data("{train: mirror, scale: 0}"), "mirror.yaml: data.scale: must be > 0, got 0");
  EXPECT_EQ(data("{train: {source: mirror, bits: 0}}"), "mirror.yaml: data.train.bits: must be in [1, 20], got 0");
  EXPECT_EQ(data("{train: {source: spirals, noise: -1}}"), "mirror.yaml: data.train.noise: must be >= 0, got -1");

  const auto layer = [](const std::string& text) {
    return error_of("data: {train: mirror}\nmodel: {layers: [" + text + "]}\n");
  };
  EXPECT_EQ(layer("{units: 0}"), "mirror.yaml: model.layers.0.units: must be >= 1, got 0");
  EXPECT_EQ(layer("{units: 2}, {units: -3}"), "mirror.yaml: model.layers.1.units: must be >= 1, got -3");
  EXPECT_EQ(layer("{units: 2, activation: sigmoid, steepness: 0}"),
            "mirror.yaml: model.layers.0.steepness: must be > 0, got 0");
  EXPECT_EQ(layer("{units: 2, activation: tanh, steepness: 2}"),
            "mirror.yaml: model.layers.0.steepness: not used by activation 'tanh'");
  EXPECT_EQ(layer("{units: 2, slope: 0.1}"), "mirror.yaml: model.layers.0.slope: not used by activation 'identity'");
  EXPECT_EQ(layer("{units: 2, activation: relu, levels: sign}"),
            "mirror.yaml: model.layers.0.levels: not used by activation 'relu'");
  EXPECT_EQ(layer("{units: 2, activation: sigmoid, straight_through: sigmoid}"),
            "mirror.yaml: model.layers.0.straight_through: not used by activation 'sigmoid'");
  EXPECT_EQ(layer("{units: 2, activation: step, steepness: 2}"),
            "mirror.yaml: model.layers.0.steepness: not used by activation 'step'");
  EXPECT_EQ(layer("{units: 2, init: {weight: {uniform: [0.3, -0.3]}}}"),
            "mirror.yaml: model.layers.0.init.weight.uniform: low must be <= high, got [0.3, -0.3]");
  EXPECT_EQ(layer("{units: 2, init: {weight: {uniform: [1, 2, 3]}}}"),
            "mirror.yaml: model.layers.0.init.weight.uniform: expected [low, high], got 3 values");
  EXPECT_EQ(layer("{units: 2, init: {bias: {normal: -1}}}"),
            "mirror.yaml: model.layers.0.init.bias.normal: must be >= 0, got -1");
  EXPECT_EQ(layer("{units: 2, init: {weight: {orthogonal: {gain: 0}}}}"),
            "mirror.yaml: model.layers.0.init.weight.orthogonal.gain: must be > 0, got 0");
  EXPECT_EQ(layer("{units: 2, init: {weight: {lsuv: {tolerance: 1.5}}}}"),
            "mirror.yaml: model.layers.0.init.weight.lsuv.tolerance: must be in (0, 1), got 1.5");
  EXPECT_EQ(layer("{units: 2, init: {weight: {lsuv: {batch: 1}}}}"),
            "mirror.yaml: model.layers.0.init.weight.lsuv.batch: must be >= 2, got 1");
  EXPECT_EQ(layer("{units: 2, init: {weight: {pca: {tolerance: 0.1}}}}"),
            "mirror.yaml: model.layers.0.init.weight.pca.tolerance: unknown key; expected one of batch");
  EXPECT_EQ(layer("{units: 2, init: {weight: uniform}}"),
            "mirror.yaml: model.layers.0.init.weight: 'uniform' needs parameters, e.g. {uniform: [-0.3, 0.3]}, "
            "{normal: 0.1} or {constant: 0}");
  EXPECT_EQ(layer("{units: 2, init: {weight: {uniform: 0.1, normal: 0.1}}}"),
            "mirror.yaml: model.layers.0.init.weight: expected one initialiser as {name: parameters}, "
            "e.g. {uniform: [-0.3, 0.3]}, got 2 keys");
  EXPECT_EQ(layer("{units: 2, init: {weight: {zeros: 1}}}"),
            "mirror.yaml: model.layers.0.init.weight.zeros: takes no parameters, got 1");
  EXPECT_EQ(error_of("data: {train: mirror}\nmodel: {inputs: -1, layers: [{units: 1}]}\n"),
            "mirror.yaml: model.inputs: must be >= 0, got -1");
}

TEST(ConfigErrors, RequiredParts) {
  EXPECT_EQ(error_of(valid_model), "mirror.yaml: data.train: missing (required)");
  EXPECT_EQ(error_of(""), "mirror.yaml: data.train: missing (required)");
  EXPECT_EQ(error_of("data: {test: mirror}\n" + std::string(valid_model)),
            "mirror.yaml: data.train: missing (required)");
  EXPECT_EQ(error_of("data: {train: mirror}\n"), "mirror.yaml: model.layers: missing (required)");
  EXPECT_EQ(error_of("data: {train: mirror}\nmodel: {inputs: 6}\n"), "mirror.yaml: model.layers: missing (required)");
  EXPECT_EQ(error_of("data: {train: mirror}\nmodel: {layers: []}\n"),
            "mirror.yaml: model.layers: needs at least one layer");
  EXPECT_EQ(error_of("data: {train: mirror}\nmodel: {layers: [{activation: relu}]}\n"),
            "mirror.yaml: model.layers.0.units: missing (required)");
  EXPECT_EQ(error_of("data: {train: {bits: 3}}\n" + std::string(valid_model)),
            "mirror.yaml: data.train.source: missing (required)");
  EXPECT_EQ(error_of("data: {train: idx}\n" + std::string(valid_model)),
            "mirror.yaml: data.train.images: missing (required)");
  EXPECT_EQ(error_of("data: {train: csv}\n" + std::string(valid_model)),
            "mirror.yaml: data.train.path: missing (required)");
  EXPECT_EQ(error_of(with("schedule: step\n")), "mirror.yaml: schedule.step_size: missing (required)");
  EXPECT_EQ(error_of(with("schedule: {type: cosine}\n")), "mirror.yaml: schedule.period: missing (required)");
}

TEST(ConfigErrors, UnknownNamesSuggestTheClosest) {
  EXPECT_EQ(error_of("data: {train: mirorr}\n" + std::string(valid_model)),
            "mirror.yaml: data.train.source: unknown data source 'mirorr'; did you mean 'mirror'?");
  EXPECT_EQ(error_of("data: {train: {source: fashion_mnist}}\n" + std::string(valid_model)),
            "mirror.yaml: data.train.source: unknown data source 'fashion_mnist'; did you mean 'fashion-mnist'?");
  EXPECT_EQ(error_of("data: {train: mirror}\nmodel: {layers: [{units: 1, activation: rleu}]}\n"),
            "mirror.yaml: model.layers.0.activation: unknown activation 'rleu'; did you mean 'relu'?");
  EXPECT_EQ(error_of("data: {train: mirror}\nmodel: {layers: [{units: 1, type: lstm}]}\n"),
            "mirror.yaml: model.layers.0.type: unknown layer type 'lstm'; expected one of dense, dropout, gaussian_noise, "
            "gaussian_dropout, conv2d, maxpool2d, avgpool2d, flatten, batchnorm, layernorm");
  EXPECT_EQ(error_of("data: {train: mirror}\nmodel: {layers: [{type: conv3d, filters: 1, kernel: 1}]}\n"),
            "mirror.yaml: model.layers.0.type: unknown layer type 'conv3d'; did you mean 'conv2d'?");
  EXPECT_EQ(error_of("data: {train: mirror}\nmodel: {layers: [{units: 1, activation: step, levels: sing}]}\n"),
            "mirror.yaml: model.layers.0.levels: unknown levels 'sing'; did you mean 'sign'?");
  EXPECT_EQ(error_of("data: {train: mirror}\nmodel: {layers: [{units: 1, activation: step, levels: ternary}]}\n"),
            "mirror.yaml: model.layers.0.levels: unknown levels 'ternary'; expected one of binary, sign");
  EXPECT_EQ(error_of("data: {train: mirror}\nmodel: {layers: [{units: 1, activation: step, straight_through: hard_tahn}]}\n"),
            "mirror.yaml: model.layers.0.straight_through: unknown straight-through estimator 'hard_tahn'; did you mean "
            "'hard_tanh'?");
  EXPECT_EQ(error_of("data: {train: mirror}\nmodel: {layers: [{units: 1, activation: stpe}]}\n"),
            "mirror.yaml: model.layers.0.activation: unknown activation 'stpe'; did you mean 'step'?");
  EXPECT_EQ(error_of("data: {train: mirror}\nmodel: {layers: [{type: dropuot, rate: 0.5}, {units: 1}]}\n"),
            "mirror.yaml: model.layers.0.type: unknown layer type 'dropuot'; did you mean 'dropout'?");
  EXPECT_EQ(error_of(with("loss: crossentropy\n")),
            "mirror.yaml: loss.type: unknown loss 'crossentropy'; did you mean 'cross_entropy'?");
  EXPECT_EQ(error_of(with("loss: {type: sse, reduction: average}\n")),
            "mirror.yaml: loss.reduction: unknown reduction 'average'; expected one of mean, sum");
  EXPECT_EQ(error_of(with("loss: {type: sse, reduction: sums}\n")),
            "mirror.yaml: loss.reduction: unknown reduction 'sums'; did you mean 'sum'?");
  EXPECT_EQ(error_of(with("loss: cross_entropy\n"), {"loss.reduction=none"}),
            "mirror.yaml: loss.reduction (from --set): unknown reduction 'none'; expected one of mean, sum");
  EXPECT_EQ(error_of(with("optimizer: {type: adamm}\n")),
            "mirror.yaml: optimizer.type: unknown optimizer 'adamm'; did you mean 'adam'?");
  EXPECT_EQ(
      error_of(with("optimizer: {type: lbfgs}\n")),
      "mirror.yaml: optimizer.type: unknown optimizer 'lbfgs'; expected one of sgd, adagrad, adadelta, rmsprop, adam, "
      "adamw, radam, lookahead, ranger");
  EXPECT_EQ(error_of(with("schedule: {type: cosin, period: 3}\n")),
            "mirror.yaml: schedule.type: unknown schedule 'cosin'; did you mean 'cosine'?");
  EXPECT_EQ(error_of(with("schedule: {type: step, step_size: 1, unit: epochs}\n")),
            "mirror.yaml: schedule.unit: unknown schedule unit 'epochs'; did you mean 'epoch'?");
  EXPECT_EQ(error_of(with("train: {order: shuffle}\n")),
            "mirror.yaml: train.order: unknown order 'shuffle'; did you mean 'shuffled'?");
  EXPECT_EQ(error_of("data: {train: mirror}\nmodel: {init: {weight: xavier_unifrom}, layers: [{units: 1}]}\n"),
            "mirror.yaml: model.init.weight: unknown initialiser 'xavier_unifrom'; did you mean 'xavier_uniform'?");
  EXPECT_EQ(error_of("data: {train: mirror}\nmodel: {init: {weight: {unifrom: 0.3}}, layers: [{units: 1}]}\n"),
            "mirror.yaml: model.init.weight: unknown initialiser 'unifrom'; did you mean 'uniform'?");
  EXPECT_EQ(error_of("data: {train: {source: mnist, split: tset}}\n" + std::string(valid_model)),
            "mirror.yaml: data.train.split: unknown split 'tset'; did you mean 'test'?");
}

TEST(ConfigErrors, KeysOfAnotherTypeAreNotUsed) {
  EXPECT_EQ(error_of(with("optimizer: {type: sgd, betas: [0.9, 0.99]}\n")),
            "mirror.yaml: optimizer.betas: not used by sgd");
  EXPECT_EQ(error_of(with("optimizer: {type: adam, momentum: 0.9}\n")),
            "mirror.yaml: optimizer.momentum: not used by adam");
  EXPECT_EQ(error_of(with("optimizer: {type: radam, amsgrad: true}\n")),
            "mirror.yaml: optimizer.amsgrad: not used by radam");
  EXPECT_EQ(error_of(with("optimizer: {eps: 1e-8}\n")), "mirror.yaml: optimizer.eps: not used by sgd");
  EXPECT_EQ(error_of(with("schedule: {type: exponential, gamma: 0.5, step_size: 3}\n")),
            "mirror.yaml: schedule.step_size: not used by exponential");
  EXPECT_EQ(error_of("data: {train: {source: xor, bits: 3}}\n" + std::string(valid_model)),
            "mirror.yaml: data.train.bits: not used by source 'xor'");
}

TEST(ConfigErrors, NoiseLayersTakeTheirOwnKeysInRange) {
  const auto layers = [](const std::string& text) {
    return error_of("data: {train: mirror}\nmodel: {layers: [" + text + ", {units: 1}]}\n");
  };
  EXPECT_EQ(layers("{type: dropout}"), "mirror.yaml: model.layers.0.rate: missing (required)");
  EXPECT_EQ(layers("{type: dropout, rate: 1}"), "mirror.yaml: model.layers.0.rate: must be in [0, 1), got 1");
  EXPECT_EQ(layers("{type: dropout, rate: -0.2}"), "mirror.yaml: model.layers.0.rate: must be in [0, 1), got -0.2");
  EXPECT_EQ(layers("{type: gaussian_dropout, rate: 1.5}"), "mirror.yaml: model.layers.0.rate: must be in [0, 1), got 1.5");
  EXPECT_EQ(layers("{type: gaussian_noise, std: -1}"), "mirror.yaml: model.layers.0.std: must be >= 0, got -1");
  EXPECT_EQ(layers("{type: dropout, rate: 0.5, units: 4}"), "mirror.yaml: model.layers.0.units: not used by dropout");
  EXPECT_EQ(layers("{type: dropout, rate: 0.5, activation: relu}"),
            "mirror.yaml: model.layers.0.activation: not used by dropout");
  EXPECT_EQ(layers("{type: gaussian_noise, rate: 0.5}"), "mirror.yaml: model.layers.0.rate: not used by gaussian_noise");
  EXPECT_EQ(layers("{units: 2, rate: 0.5}"), "mirror.yaml: model.layers.0.rate: not used by dense");
  EXPECT_EQ(layers("{type: dropout, rate: 0.25}, {type: gaussian_noise, std: 0.1}, {type: gaussian_dropout, rate: 0.1}"),
            "(no error)");
}

TEST(ConfigErrors, ConvolutionAndPoolingKeys) {
  const auto layers = [](const std::string& text) {
    return error_of("data: {train: mirror}\nmodel: {layers: [" + text + ", {type: flatten}, {units: 1}]}\n");
  };
  EXPECT_EQ(layers("{type: conv2d, kernel: 3}"), "mirror.yaml: model.layers.0.filters: missing (required)");
  EXPECT_EQ(layers("{type: conv2d, filters: 0, kernel: 3}"), "mirror.yaml: model.layers.0.filters: must be >= 1, got 0");
  EXPECT_EQ(layers("{type: conv2d, filters: 4, kernel: [3, 3, 3]}"),
            "mirror.yaml: model.layers.0.kernel: expected an integer or [h, w], got 3 values");
  EXPECT_EQ(layers("{type: conv2d, filters: 4, kernel: 3, padding: full}"),
            "mirror.yaml: model.layers.0.padding: expected valid, same, an integer or [h, w], got full");
  EXPECT_EQ(layers("{type: conv2d, filters: 4, kernel: 3, stride: 0}"), "mirror.yaml: model.layers.0.stride: must be >= 1, got 0");
  EXPECT_EQ(layers("{type: conv2d, filters: 4, kernel: 3, units: 4}"), "mirror.yaml: model.layers.0.units: not used by conv2d");
  EXPECT_EQ(layers("{type: maxpool2d, size: 2, activation: relu}"), "mirror.yaml: model.layers.0.activation: not used by maxpool2d");
  EXPECT_EQ(layers("{type: avgpool2d, kernel: 2}"), "mirror.yaml: model.layers.0.kernel: not used by avgpool2d");
  EXPECT_EQ(layers("{type: flatten, size: 2}"), "mirror.yaml: model.layers.0.size: not used by flatten");
  EXPECT_EQ(error_of("data: {train: mirror}\nmodel: {input_shape: [1, 6], layers: [{units: 1}]}\n"),
            "mirror.yaml: model.input_shape: expected [C, H, W] or [features], got 2 values");
  EXPECT_EQ(layers("{type: conv2d, filters: 4, kernel: [3, 1], stride: [1, 2], padding: same, activation: relu}, "
                   "{type: maxpool2d, size: 2, stride: 1}, {type: avgpool2d}"),
            "(no error)");
}

TEST(ConfigErrors, SkipConnectionSources) {
  const auto layers = [](const std::string& text) {
    return error_of("data: {train: mirror}\nmodel: {layers: [{units: 3}, " + text + "]}\n");
  };
  EXPECT_EQ(layers("{units: 1, from: []}"),
            "mirror.yaml: model.layers.1.from: expected `input` or earlier layer indices, e.g. [input, 0], got an empty list");
  EXPECT_EQ(layers("{units: 1, from: [input, -1]}"), "mirror.yaml: model.layers.1.from.1: expected `input` or a layer index >= 0, got -1");
  EXPECT_EQ(layers("{units: 1, from: [input, 0.5]}"), "mirror.yaml: model.layers.1.from.1: expected `input` or a layer index >= 0, got 0.5");
  EXPECT_EQ(layers("{type: dropout, rate: 0.1, from: [input, 0]}, {units: 1}"), "(no error)");  // every type takes `from`
  EXPECT_EQ(layers("{units: 1, from: input}, {units: 1, from: [0, 1]}"), "(no error)");
}

TEST(ConfigErrors, NormLayersTakeTheirOwnKeysInRange) {
  const auto layers = [](const std::string& text) {
    return error_of("data: {train: mirror}\nmodel: {layers: [{units: 3}, " + text + ", {units: 1}]}\n");
  };
  EXPECT_EQ(layers("{type: batchnorm, momentum: 1.5}"), "mirror.yaml: model.layers.1.momentum: must be in [0, 1], got 1.5");
  EXPECT_EQ(layers("{type: batchnorm, momentum: -0.1}"), "mirror.yaml: model.layers.1.momentum: must be in [0, 1], got -0.1");
  EXPECT_EQ(layers("{type: batchnorm, eps: 0}"), "mirror.yaml: model.layers.1.eps: must be > 0, got 0");
  EXPECT_EQ(layers("{type: layernorm, eps: -1e-5}"), "mirror.yaml: model.layers.1.eps: must be > 0, got -1e-5");
  EXPECT_EQ(layers("{type: layernorm, momentum: 0.1}"), "mirror.yaml: model.layers.1.momentum: not used by layernorm");
  EXPECT_EQ(layers("{type: batchnorm, units: 3}"), "mirror.yaml: model.layers.1.units: not used by batchnorm");
  EXPECT_EQ(layers("{type: batchnorm, activation: relu, steepness: 2}"),
            "mirror.yaml: model.layers.1.steepness: not used by activation 'relu'");
  EXPECT_EQ(layers("{type: batchnorm, momentum: 0, eps: 1e-3, activation: sigmoid, steepness: 2}, {type: layernorm, activation: relu}"),
            "(no error)");
  const ExperimentConfig config = parse_experiment(
      "data: {train: mirror}\nmodel: {layers: [{units: 3}, {type: batchnorm, momentum: 0.3, activation: tanh}, {type: layernorm}, {units: 1}]}\n",
      "mirror.yaml", {"model.layers.*.eps=0.01"});
  EXPECT_EQ(config.model.layers[1].momentum, 0.3);
  EXPECT_EQ(config.model.layers[1].activation.kind, ActivationKind::tanh);
  EXPECT_EQ(config.model.layers[1].eps, 0.01);
  EXPECT_EQ(config.model.layers[2].eps, 0.01) << "'*' sets eps on both norm layers";
  EXPECT_EQ(config.model.layers[2].momentum, 0.1) << "the default";
}

TEST(ConfigErrors, WeightNormIsADenseAndConvolutionKey) {
  const auto layers = [](const std::string& text) {
    return error_of("data: {train: mirror}\nmodel: {layers: [" + text + ", {units: 1}]}\n");
  };
  EXPECT_EQ(layers("{type: dropout, rate: 0.5, weight_norm: true}"), "mirror.yaml: model.layers.0.weight_norm: not used by dropout");
  EXPECT_EQ(layers("{units: 3}, {type: batchnorm, weight_norm: true}"), "mirror.yaml: model.layers.1.weight_norm: not used by batchnorm");
  EXPECT_EQ(layers("{units: 3, weight_norm: 1}"), "mirror.yaml: model.layers.0.weight_norm: expected true or false, got '1'");
  EXPECT_EQ(layers("{units: 3, weight_norm: true}"), "(no error)");
  const ExperimentConfig config = parse_experiment(
      "data: {train: mirror}\nmodel: {input_shape: [1, 2, 3], layers: [{type: conv2d, filters: 2, kernel: 2, weight_norm: true}, "
      "{type: flatten}, {units: 2, weight_norm: false}, {units: 1}]}\n",
      "mirror.yaml", {});
  EXPECT_TRUE(config.model.layers[0].weight_norm);
  EXPECT_FALSE(config.model.layers[2].weight_norm);
  EXPECT_FALSE(config.model.layers[3].weight_norm) << "the default";
}

TEST(ConfigErrors, SuccessCriteriaNeedTheirData) {
  EXPECT_EQ(error_of(with("success: {test_accuracy: 0.9}\n")),
            "mirror.yaml: success.test_accuracy: needs a test set (data.test)");
  EXPECT_EQ(error_of(with("success: {validation_accuracy: 0.9}\n")),
            "mirror.yaml: success.validation_accuracy: needs a validation split (data.validation > 0)");
}

TEST(ConfigErrors, MissingFile) {
  try {
    load_experiment("/nonexistent/dir/exp.yaml");
    FAIL() << "no error";
  } catch (const InputError& error) {
    EXPECT_STREQ(error.what(), "/nonexistent/dir/exp.yaml: no such file");
  }
}

}  // namespace
}  // namespace nnlab
