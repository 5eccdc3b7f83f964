// Parsing valid experiment files: every key reaches its field, shorthands, defaults, paths.
#include "experiment/config.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

namespace nnlab {
namespace {

namespace fs = std::filesystem;

constexpr const char* minimal = R"(
data: {train: mirror}
model: {layers: [{units: 1}]}
)";

// Every key given a value different from its default.
constexpr const char* full_example = R"(
name: everything
seed: 7
replicates: 12
data:
  train: {source: csv, path: data/train.csv, label_column: label}
  test: {source: idx, images: /abs/images.idx, labels: ../labels.idx.gz}
  validation: 0.25
  subset: {train: 2000, test: 1000}
  scale: 0.5
  standardize: true
  random_labels: 0.125
  data_dir: datasets
model:
  inputs: 6
  from: start.safetensors
  init: {weight: {uniform: [-0.3, 0.2]}, bias: zeros}
  layers:
    - {type: dense, units: 300, activation: sigmoid, steepness: 0.4, init: {weight: {orthogonal: {gain: 2.5}}}}
    - {units: 20, activation: leaky_relu, slope: 0.2, bias: false, init: {bias: {constant: 0.75}}}
    - {units: 10, activation: elu, alpha: 0.5, init: {weight: {normal: {mean: 0.5, std: 0.25}}, bias: {normal: 0.125}}}
    - {units: 2, activation: softmax, init: {weight: he_normal, bias: {uniform: 0.3}}}
loss: {type: mse, class_weights: [1, 7], reduction: sum}
optimizer:
  type: sgd
  lr: 0.25
  momentum: 0.9
  dampening: 0.0
  nesterov: true
  weight_decay: 0.001
  layer_lr: [1.2, 1.2, 0.5]
schedule: {type: cosine, unit: step, period: 500, eta_min: 0.0001}
train:
  epochs: 1425
  batch: 64
  order: sorted
  clip_norm: 5
  clip_value: 0.5
  log_every: 25
success: {train_accuracy: 1.0, test_accuracy: 0.9, validation_accuracy: 0.8, train_loss: 0.01, stop: true}
sweep:
  method: grid
  parameters:
    optimizer.lr: [0.05, 0.1, 0.5]
)";

TEST(ConfigParse, FullExampleReachesEveryField) {
  const ExperimentConfig config = parse_experiment(full_example, "/exp/dir/file.yaml");
  EXPECT_TRUE(config.file.empty());
  EXPECT_EQ(config.name, "everything");
  EXPECT_EQ(config.seed, 7u);
  EXPECT_EQ(config.replicates, 12);

  const DataConfig& data = config.data;
  ASSERT_TRUE(data.train.has_value());
  EXPECT_EQ(data.train->source, "csv");
  EXPECT_EQ(data.train->path, fs::path("/exp/dir/data/train.csv"));
  EXPECT_EQ(data.train->label_column, "label");
  ASSERT_TRUE(data.test.has_value());
  EXPECT_EQ(data.test->source, "idx");
  EXPECT_EQ(data.test->images, fs::path("/abs/images.idx"));
  EXPECT_EQ(data.test->labels, fs::path("/exp/labels.idx.gz"));
  EXPECT_DOUBLE_EQ(data.validation, 0.25);
  EXPECT_EQ(data.train_subset, 2000);
  EXPECT_EQ(data.test_subset, 1000);
  ASSERT_TRUE(data.scale.has_value());
  EXPECT_DOUBLE_EQ(*data.scale, 0.5);
  EXPECT_TRUE(data.standardize);
  EXPECT_DOUBLE_EQ(data.random_labels, 0.125);
  EXPECT_EQ(data.data_dir, fs::path("/exp/dir/datasets"));

  EXPECT_EQ(config.model.inputs, 6);
  EXPECT_EQ(config.model_from, fs::path("/exp/dir/start.safetensors"));
  const std::vector<LayerSpec>& layers = config.model.layers;
  ASSERT_EQ(layers.size(), 4u);

  EXPECT_EQ(layers[0].kind, LayerKind::dense);
  EXPECT_EQ(layers[0].units, 300);
  EXPECT_TRUE(layers[0].bias);
  EXPECT_EQ(layers[0].activation.kind, ActivationKind::sigmoid);
  EXPECT_DOUBLE_EQ(layers[0].activation.steepness, 0.4);
  EXPECT_EQ(layers[0].weight_init.kind, InitKind::orthogonal);  // the layer's own weight init
  EXPECT_DOUBLE_EQ(layers[0].weight_init.gain, 2.5);
  EXPECT_EQ(layers[0].bias_init.kind, InitKind::zeros);  // the model's default bias init

  EXPECT_EQ(layers[1].units, 20);
  EXPECT_FALSE(layers[1].bias);
  EXPECT_EQ(layers[1].activation.kind, ActivationKind::leaky_relu);
  EXPECT_DOUBLE_EQ(layers[1].activation.slope, 0.2);
  EXPECT_EQ(layers[1].weight_init.kind, InitKind::uniform);  // the model's default weight init
  EXPECT_DOUBLE_EQ(layers[1].weight_init.low, -0.3);
  EXPECT_DOUBLE_EQ(layers[1].weight_init.high, 0.2);
  EXPECT_EQ(layers[1].bias_init.kind, InitKind::constant);
  EXPECT_DOUBLE_EQ(layers[1].bias_init.value, 0.75);

  EXPECT_EQ(layers[2].activation.kind, ActivationKind::elu);
  EXPECT_DOUBLE_EQ(layers[2].activation.alpha, 0.5);
  EXPECT_EQ(layers[2].weight_init.kind, InitKind::normal);
  EXPECT_DOUBLE_EQ(layers[2].weight_init.mean, 0.5);
  EXPECT_DOUBLE_EQ(layers[2].weight_init.std, 0.25);
  EXPECT_EQ(layers[2].bias_init.kind, InitKind::normal);
  EXPECT_DOUBLE_EQ(layers[2].bias_init.mean, 0.0);
  EXPECT_DOUBLE_EQ(layers[2].bias_init.std, 0.125);

  EXPECT_EQ(layers[3].activation.kind, ActivationKind::softmax);
  EXPECT_EQ(layers[3].weight_init.kind, InitKind::he_normal);
  EXPECT_EQ(layers[3].bias_init.kind, InitKind::uniform);
  EXPECT_DOUBLE_EQ(layers[3].bias_init.low, -0.3);
  EXPECT_DOUBLE_EQ(layers[3].bias_init.high, 0.3);

  EXPECT_EQ(config.loss.kind, LossKind::mse);
  EXPECT_EQ(config.loss.class_weights, (std::vector<double>{1.0, 7.0}));
  EXPECT_EQ(config.loss.reduction, LossReduction::sum);

  const OptimizerOptions& optimizer = config.optimizer;
  EXPECT_EQ(optimizer.kind, OptimizerKind::sgd);
  EXPECT_DOUBLE_EQ(optimizer.lr, 0.25);
  EXPECT_DOUBLE_EQ(optimizer.momentum, 0.9);
  EXPECT_DOUBLE_EQ(optimizer.dampening, 0.0);
  EXPECT_TRUE(optimizer.nesterov);
  EXPECT_DOUBLE_EQ(optimizer.weight_decay, 0.001);
  EXPECT_EQ(optimizer.layer_lr_multipliers, (std::vector<double>{1.2, 1.2, 0.5}));

  EXPECT_EQ(config.schedule.kind, ScheduleKind::cosine);
  EXPECT_EQ(config.schedule.unit, ScheduleUnit::step);
  EXPECT_EQ(config.schedule.period, 500);
  EXPECT_DOUBLE_EQ(config.schedule.eta_min, 0.0001);

  EXPECT_EQ(config.train.epochs, 1425);
  EXPECT_EQ(config.train.batch, 64);
  EXPECT_EQ(config.train.order, OrderKind::sorted);
  EXPECT_DOUBLE_EQ(config.train.clip_norm, 5.0);
  EXPECT_DOUBLE_EQ(config.train.clip_value, 0.5);
  EXPECT_EQ(config.train.log_every, 25);

  EXPECT_EQ(config.success.train_accuracy, 1.0);
  EXPECT_EQ(config.success.test_accuracy, 0.9);
  EXPECT_EQ(config.success.validation_accuracy, 0.8);
  EXPECT_EQ(config.success.train_loss, 0.01);
  EXPECT_TRUE(config.success.stop);
}

TEST(ConfigParse, RumelhartMirrorExampleFromTheDesign) {
  const ExperimentConfig config = parse_experiment(R"(
name: rumelhart1986-mirror
seed: 1
data:
  train: {source: mirror, bits: 6}
model:
  inputs: 6
  layers:
    - {type: dense, units: 2, activation: sigmoid}
    - {type: dense, units: 1, activation: sigmoid}
  init: {weight: {uniform: [-0.3, 0.3]}, bias: {uniform: [-0.3, 0.3]}}
loss: {type: sse}
optimizer: {type: sgd, lr: 0.1, momentum: 0.9}
train: {epochs: 1425, batch: full, order: fixed}
success: {train_accuracy: 1.0}
replicates: 1000
sweep:
  method: grid
  parameters:
    optimizer.lr: [0.05, 0.1, 0.5]
    model.layers.0.activation: [sigmoid, tanh, silu]
)",
                                                   "mirror.yaml");
  EXPECT_EQ(config.name, "rumelhart1986-mirror");
  EXPECT_EQ(config.data.train->source, "mirror");
  EXPECT_EQ(config.data.train->bits, 6);
  EXPECT_EQ(config.model.layers.size(), 2u);
  for (const LayerSpec& layer : config.model.layers) {
    EXPECT_EQ(layer.activation.kind, ActivationKind::sigmoid);
    EXPECT_EQ(layer.weight_init.kind, InitKind::uniform);
    EXPECT_EQ(layer.bias_init.kind, InitKind::uniform);
    EXPECT_DOUBLE_EQ(layer.bias_init.low, -0.3);
  }
  EXPECT_EQ(config.loss.kind, LossKind::sse);
  EXPECT_DOUBLE_EQ(config.optimizer.lr, 0.1);
  EXPECT_DOUBLE_EQ(config.optimizer.momentum, 0.9);
  EXPECT_DOUBLE_EQ(config.optimizer.dampening, 0.0);
  EXPECT_EQ(config.train.batch, 0);
  EXPECT_EQ(config.train.order, OrderKind::fixed);
  EXPECT_EQ(config.replicates, 1000);
}

TEST(ConfigParse, DefaultsWhenKeysAreLeftOut) {
  const ExperimentConfig config = parse_experiment(minimal, "dir/mirror-study.yaml");
  EXPECT_EQ(config.name, "mirror-study");  // the file's stem
  EXPECT_EQ(config.seed, 0u);
  EXPECT_EQ(config.replicates, 1);
  EXPECT_EQ(config.data.train->bits, 6);
  EXPECT_FALSE(config.data.test.has_value());
  EXPECT_DOUBLE_EQ(config.data.scale.value(), 1.0);  // synthetic data is not scaled
  EXPECT_EQ(config.model.inputs, 0);
  const LayerSpec& layer = config.model.layers.at(0);
  EXPECT_EQ(layer.kind, LayerKind::dense);
  EXPECT_TRUE(layer.bias);
  EXPECT_EQ(layer.activation.kind, ActivationKind::identity);
  EXPECT_EQ(layer.weight_init.kind, InitKind::torch_default);
  EXPECT_EQ(layer.bias_init.kind, InitKind::torch_default);
  EXPECT_EQ(config.loss.kind, LossKind::cross_entropy);
  EXPECT_TRUE(config.loss.class_weights.empty());
  EXPECT_EQ(config.optimizer.kind, OptimizerKind::sgd);
  EXPECT_DOUBLE_EQ(config.optimizer.lr, 1e-3);  // torch.optim.SGD's default
  EXPECT_EQ(config.schedule.kind, ScheduleKind::constant);
  EXPECT_EQ(config.train.epochs, 10);
  EXPECT_EQ(config.train.batch, 0);
  EXPECT_EQ(config.train.order, OrderKind::shuffled);
  EXPECT_FALSE(config.success.any());
  EXPECT_FALSE(config.success.stop);
}

TEST(ConfigParse, OptimizerDefaultsDependOnTheType) {
  const std::string model = "data: {train: xor}\nmodel: {layers: [{units: 2}]}\n";
  const ExperimentConfig adam = parse_experiment(model + "optimizer: {type: adam}\n", "a.yaml");
  EXPECT_EQ(adam.optimizer.kind, OptimizerKind::adam);
  EXPECT_DOUBLE_EQ(adam.optimizer.lr, 1e-3);
  EXPECT_DOUBLE_EQ(adam.optimizer.beta1, 0.9);
  EXPECT_DOUBLE_EQ(adam.optimizer.beta2, 0.999);
  EXPECT_DOUBLE_EQ(adam.optimizer.eps, 1e-8);
  EXPECT_DOUBLE_EQ(adam.optimizer.weight_decay, 0.0);

  const ExperimentConfig adamw =
      parse_experiment(model + "optimizer: {type: adamw, betas: [0.5, 0.75], amsgrad: yes}\n", "a.yaml");
  EXPECT_DOUBLE_EQ(adamw.optimizer.weight_decay, 0.01);
  EXPECT_DOUBLE_EQ(adamw.optimizer.beta1, 0.5);
  EXPECT_DOUBLE_EQ(adamw.optimizer.beta2, 0.75);
  EXPECT_TRUE(adamw.optimizer.amsgrad);

  const ExperimentConfig adagrad = parse_experiment(
      model + "optimizer: {type: adagrad, lr_decay: 0.5, initial_accumulator_value: 0.25}\n", "a.yaml");
  EXPECT_DOUBLE_EQ(adagrad.optimizer.lr, 1e-2);
  EXPECT_DOUBLE_EQ(adagrad.optimizer.eps, 1e-10);
  EXPECT_DOUBLE_EQ(adagrad.optimizer.lr_decay, 0.5);
  EXPECT_DOUBLE_EQ(adagrad.optimizer.initial_accumulator_value, 0.25);

  const ExperimentConfig adadelta = parse_experiment(model + "optimizer: {type: adadelta, rho: 0.5}\n", "a.yaml");
  EXPECT_DOUBLE_EQ(adadelta.optimizer.lr, 1.0);
  EXPECT_DOUBLE_EQ(adadelta.optimizer.eps, 1e-6);
  EXPECT_DOUBLE_EQ(adadelta.optimizer.rho, 0.5);

  const ExperimentConfig rmsprop = parse_experiment(
      model + "optimizer: {type: rmsprop, lr: 0.8, momentum: 0.1, alpha: 0.9, centered: true, eps: 1e-6}\n", "a.yaml");
  EXPECT_DOUBLE_EQ(rmsprop.optimizer.lr, 0.8);
  EXPECT_DOUBLE_EQ(rmsprop.optimizer.momentum, 0.1);
  EXPECT_DOUBLE_EQ(rmsprop.optimizer.alpha, 0.9);
  EXPECT_TRUE(rmsprop.optimizer.centered);
  EXPECT_DOUBLE_EQ(rmsprop.optimizer.eps, 1e-6);

  const ExperimentConfig radam = parse_experiment(model + "optimizer: radam\n", "a.yaml");  // shorthand
  EXPECT_EQ(radam.optimizer.kind, OptimizerKind::radam);
  EXPECT_DOUBLE_EQ(radam.optimizer.lr, 1e-3);
}

TEST(ConfigParse, ShorthandForms) {
  const ExperimentConfig config = parse_experiment(R"(
data:
  train: parity
  test: fashion-mnist
model: {layers: [{units: 1}]}
loss: sse
optimizer: adam
schedule: constant
)",
                                                   "s.yaml");
  EXPECT_EQ(config.data.train->source, "parity");
  EXPECT_EQ(config.data.train->bits, 4);  // parity's own default
  EXPECT_EQ(config.data.test->source, "fashion-mnist");
  EXPECT_EQ(config.data.test->split, "test");  // a test source reads the test split by default
  EXPECT_EQ(config.loss.kind, LossKind::sse);
  EXPECT_EQ(config.optimizer.kind, OptimizerKind::adam);
  EXPECT_EQ(config.schedule.kind, ScheduleKind::constant);

  const ExperimentConfig images = parse_experiment(
      "data: {train: fashion-mnist, test: {source: mnist, split: train}}\nmodel: {layers: [{units: 10}]}\n", "i.yaml");
  EXPECT_EQ(images.data.train->split, "train");
  EXPECT_EQ(images.data.test->split, "train");
  EXPECT_DOUBLE_EQ(images.data.scale.value(), 1.0 / 255.0);  // image bytes scale to [0, 1] by default
}

TEST(ConfigParse, SkipConnectionSources) {
  const ExperimentConfig config = parse_experiment(
      "data: {train: xor}\nmodel: {layers: [{units: 1}, {units: 1, from: [input, 0]}, {units: 1, from: 1}]}\n", "x.yaml");
  EXPECT_TRUE(config.model.layers[0].from.empty());
  EXPECT_EQ(config.model.layers[1].from, (std::vector<Index>{network_input, 0}));
  EXPECT_EQ(config.model.layers[2].from, (std::vector<Index>{1}));
}

TEST(ConfigParse, LossReduction) {
  const std::string model = std::string(minimal);
  const ExperimentConfig summed = parse_experiment(model + "loss: {type: cross_entropy, reduction: sum}\n", "r.yaml");
  EXPECT_EQ(summed.loss.kind, LossKind::cross_entropy);
  EXPECT_EQ(summed.loss.reduction, LossReduction::sum);
  const ExperimentConfig averaged = parse_experiment(model + "loss: {type: sse, reduction: mean}\n", "r.yaml");
  EXPECT_EQ(reduction_of(averaged.loss), LossReduction::mean);
  // Unset: the kind's default (sse sums, the others average).
  const ExperimentConfig sse = parse_experiment(model + "loss: sse\n", "r.yaml");
  EXPECT_FALSE(sse.loss.reduction.has_value());
  EXPECT_EQ(reduction_of(sse.loss), LossReduction::sum);
  EXPECT_EQ(reduction_of(parse_experiment(model, "r.yaml").loss), LossReduction::mean);  // cross_entropy
  // --set expands the shorthand `loss: cross_entropy` and keeps its type.
  const ExperimentConfig overridden =
      parse_experiment(model + "loss: cross_entropy\n", "r.yaml", {"loss.reduction=sum"});
  EXPECT_EQ(overridden.loss.kind, LossKind::cross_entropy);
  EXPECT_EQ(overridden.loss.reduction, LossReduction::sum);
  EXPECT_EQ(parse_experiment(model, "r.yaml", {"loss.reduction=sum"}).loss.reduction, LossReduction::sum);
}

TEST(ConfigParse, SourceKeys) {
  const auto source = [](const std::string& train) {
    return *parse_experiment("data: {train: " + train + "}\nmodel: {layers: [{units: 1}]}\n", "s.yaml").data.train;
  };
  EXPECT_EQ(source("{source: mirror, bits: 8}").bits, 8);
  EXPECT_EQ(source("{source: parity, bits: 5}").bits, 5);
  EXPECT_EQ(source("{source: encoder, size: 4}").size, 4);
  const DataSourceConfig spirals = source("{source: spirals, points: 50, noise: 0.1}");
  EXPECT_EQ(spirals.points, 50);
  EXPECT_DOUBLE_EQ(spirals.noise, 0.1);
  EXPECT_EQ(source("{source: csv, path: a.csv, label_column: -2}").label_column, "-2");
  EXPECT_EQ(source("{source: csv, path: a.csv}").label_column, "-1");
  EXPECT_EQ(source("{source: csv, path: a.csv}").path, fs::path("a.csv"));  // origin has no directory
}

TEST(ConfigParse, InitForms) {
  const auto weight = [](const std::string& init) {
    return parse_experiment("data: {train: xor}\nmodel: {init: {weight: " + init + "}, layers: [{units: 2}]}\n",
                            "i.yaml")
        .model.layers.at(0)
        .weight_init;
  };
  EXPECT_EQ(weight("default").kind, InitKind::torch_default);
  EXPECT_EQ(weight("torch_default").kind, InitKind::torch_default);
  EXPECT_EQ(weight("glorot_uniform").kind, InitKind::xavier_uniform);
  EXPECT_EQ(weight("kaiming_normal").kind, InitKind::he_normal);
  EXPECT_EQ(weight("lecun_normal").kind, InitKind::lecun_normal);
  EXPECT_DOUBLE_EQ(weight("{xavier_uniform: {gain: 3}}").gain, 3.0);
  EXPECT_DOUBLE_EQ(weight("orthogonal").gain, 1.0);
  const InitSpec lsuv = weight("lsuv");
  EXPECT_EQ(lsuv.kind, InitKind::lsuv);
  EXPECT_EQ(lsuv.batch, 0);  // the kind's default (512)
  EXPECT_DOUBLE_EQ(lsuv.tolerance, 0.1);
  EXPECT_EQ(lsuv.iterations, 10);
  const InitSpec tuned = weight("{lsuv: {batch: 256, tolerance: 0.05, iterations: 3}}");
  EXPECT_EQ(tuned.batch, 256);
  EXPECT_DOUBLE_EQ(tuned.tolerance, 0.05);
  EXPECT_EQ(tuned.iterations, 3);
  EXPECT_EQ(weight("{pca: {batch: 64}}").kind, InitKind::pca);
  EXPECT_EQ(weight("{pca: {batch: 64}}").batch, 64);
  const InitSpec constant = weight("{constant: -2}");
  EXPECT_EQ(constant.kind, InitKind::constant);
  EXPECT_DOUBLE_EQ(constant.value, -2.0);
  const InitSpec normal = weight("{normal: 0.5}");
  EXPECT_DOUBLE_EQ(normal.mean, 0.0);
  EXPECT_DOUBLE_EQ(normal.std, 0.5);
}

TEST(ConfigParse, ScalarSpellings) {
  const ExperimentConfig config = parse_experiment(R"(
data: {train: xor, standardize: yes}
model: {layers: [{units: 2, bias: off}]}
train: {epochs: 1e3, batch: 16, log_every: +5}
optimizer: {lr: .5}
)",
                                                   "s.yaml");
  EXPECT_TRUE(config.data.standardize);
  EXPECT_FALSE(config.model.layers[0].bias);
  EXPECT_EQ(config.train.epochs, 1000);  // an integral number in exponent form is an integer
  EXPECT_EQ(config.train.batch, 16);  // a quoted "16" is a string (config_values_test.cpp)
  EXPECT_EQ(config.train.log_every, 5);
  EXPECT_DOUBLE_EQ(config.optimizer.lr, 0.5);
}

TEST(ConfigParse, SchedulesAndTheirParameters) {
  const auto schedule = [](const std::string& text) {
    return parse_experiment("data: {train: xor}\nmodel: {layers: [{units: 2}]}\nschedule: " + text + "\n", "s.yaml")
        .schedule;
  };
  const ScheduleSpec step = schedule("{type: step, step_size: 30}");
  EXPECT_EQ(step.kind, ScheduleKind::step);
  EXPECT_EQ(step.step_size, 30);
  EXPECT_DOUBLE_EQ(step.gamma, 0.1);  // StepLR's default
  EXPECT_EQ(step.unit, ScheduleUnit::epoch);
  EXPECT_DOUBLE_EQ(schedule("{type: exponential, gamma: 0.95}").gamma, 0.95);
  EXPECT_DOUBLE_EQ(schedule("{type: inverse_time, decay: 0.5}").decay, 0.5);
  const ScheduleSpec growing = schedule("{type: linear, decay: -2e-4, unit: step}");  // lr (1 + 2e-4 t)
  EXPECT_EQ(growing.kind, ScheduleKind::linear);
  EXPECT_DOUBLE_EQ(growing.decay, -2e-4);
  EXPECT_EQ(growing.unit, ScheduleUnit::step);
}

TEST(ConfigParse, SweepIsAcceptedWhateverItHolds) {
  const ExperimentConfig config =
      parse_experiment(std::string(minimal) + "sweep: {anything: [1, {x: y}], goes: here}\n", "s.yaml");
  EXPECT_NE(config.resolved_yaml.find("anything"), std::string::npos);  // kept in the record for the planner
}

TEST(ConfigParse, ResolvedYamlReadsBackToTheSameConfig) {
  const ExperimentConfig first = parse_experiment(full_example, "/exp/dir/file.yaml", {"optimizer.lr=0.75"});
  const ExperimentConfig second = parse_experiment(first.resolved_yaml, "/exp/dir/file.yaml");
  EXPECT_DOUBLE_EQ(second.optimizer.lr, 0.75);
  EXPECT_EQ(second.model.layers.size(), 4u);
  EXPECT_EQ(second.data.train->path, fs::path("/exp/dir/data/train.csv"));
  EXPECT_EQ(second.resolved_yaml, first.resolved_yaml);
}

TEST(ConfigLoad, ReadsAFileAndResolvesPathsBesideIt) {
  const fs::path directory = fs::path(testing::TempDir()) / "nnlab_config_load";
  fs::create_directories(directory / "sub");
  const fs::path file = directory / "sub" / "study.yaml";
  {
    std::ofstream out(file);
    out << "data: {train: {source: csv, path: ../train.csv}, data_dir: mnist}\n"
           "model: {from: weights/w.safetensors, layers: [{units: 3}]}\n";
  }
  const ExperimentConfig config = load_experiment(file, {"train.epochs=3"});
  EXPECT_EQ(config.file, file);
  EXPECT_EQ(config.name, "study");
  EXPECT_EQ(config.data.train->path, (directory / "train.csv").lexically_normal());
  EXPECT_EQ(config.data.data_dir, directory / "sub" / "mnist");
  EXPECT_EQ(config.model_from, directory / "sub" / "weights" / "w.safetensors");
  EXPECT_EQ(config.train.epochs, 3);
  fs::remove_all(directory);
}

// Every block in docs/config.md that starts with "# example" is a complete, valid experiment
// (those marked "# example:" also run and learn: docs_examples_test.cpp).
TEST(ConfigDocs, ExamplesInTheDocumentationParse) {
  std::ifstream docs(fs::path(NNLAB_SOURCE_DIR) / "docs" / "config.md");
  ASSERT_TRUE(docs) << "docs/config.md is missing";
  std::stringstream text;
  text << docs.rdbuf();
  const std::string markdown = text.str();
  const std::regex block("```yaml\n(# example[^\n]*\n[\\s\\S]*?)```");
  int examples = 0;
  for (auto match = std::sregex_iterator(markdown.begin(), markdown.end(), block); match != std::sregex_iterator();
       ++match) {
    const std::string yaml = (*match)[1];
    EXPECT_NO_THROW(parse_experiment(yaml, "/docs/example.yaml")) << yaml;
    ++examples;
  }
  EXPECT_GE(examples, 3);
}

}  // namespace
}  // namespace nnlab

namespace nnlab {
namespace {

// The experiments shipped in experiments/ must stay valid as the schema evolves.
TEST(ConfigDocs, BundledExperimentsParse) {
  const std::filesystem::path directory = std::filesystem::path(NNLAB_SOURCE_DIR) / "experiments";
  if (!std::filesystem::exists(directory)) GTEST_SKIP() << "no experiments/ directory";
  for (const auto& entry : std::filesystem::directory_iterator(directory))
    if (entry.path().extension() == ".yaml") {
      EXPECT_NO_THROW(load_experiment(entry.path())) << entry.path();
    }
}

}  // namespace
}  // namespace nnlab
