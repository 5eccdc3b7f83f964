// --set overrides: dotted keys into maps and lists, creating absent keys, and their errors.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/error.hpp"
#include "experiment/config.hpp"

namespace nnlab {
namespace {

constexpr const char* base = R"(
data: {train: mirror}
model:
  layers:
    - {units: 2, activation: sigmoid}
    - {units: 1, activation: sigmoid}
loss: sse
optimizer: {type: sgd, lr: 0.1}
train: {epochs: 1425, batch: full}
)";

ExperimentConfig parse(const std::vector<std::string>& overrides) {
  return parse_experiment(base, "mirror.yaml", overrides);
}

std::string error_of(const std::vector<std::string>& overrides, const std::string& yaml = base) {
  try {
    parse_experiment(yaml, "mirror.yaml", overrides);
  } catch (const InputError& error) {
    return error.what();
  }
  return "(no error)";
}

TEST(ConfigOverrides, ReplaceValues) {
  const ExperimentConfig config = parse({"optimizer.lr=0.5", "train.batch=64", "model.layers.0.activation=tanh"});
  EXPECT_DOUBLE_EQ(config.optimizer.lr, 0.5);
  EXPECT_EQ(config.train.batch, 64);
  EXPECT_EQ(config.model.layers[0].activation.kind, ActivationKind::tanh);
  EXPECT_EQ(config.model.layers[1].activation.kind, ActivationKind::sigmoid);  // untouched
}

TEST(ConfigOverrides, LaterOverridesWin) {
  EXPECT_DOUBLE_EQ(parse({"optimizer.lr=0.5", "optimizer.lr=0.25"}).optimizer.lr, 0.25);
}

TEST(ConfigOverrides, CreateKeysTheFileLeftOut) {
  const ExperimentConfig config = parse({"optimizer.momentum=0.9", "seed=42", "schedule.type=exponential",
                                         "schedule.gamma=0.5", "model.layers.1.init.weight={uniform: [-0.3, 0.3]}"});
  EXPECT_DOUBLE_EQ(config.optimizer.momentum, 0.9);
  EXPECT_EQ(config.seed, 42u);
  EXPECT_EQ(config.schedule.kind, ScheduleKind::exponential);
  EXPECT_DOUBLE_EQ(config.schedule.gamma, 0.5);
  EXPECT_EQ(config.model.layers[1].weight_init.kind, InitKind::uniform);
  EXPECT_DOUBLE_EQ(config.model.layers[1].weight_init.high, 0.3);
  EXPECT_EQ(config.model.layers[0].weight_init.kind, InitKind::torch_default);
}

TEST(ConfigOverrides, ValuesAreYaml) {
  const ExperimentConfig config =
      parse({"optimizer.type=adam", "optimizer.betas=[0.5, 0.75]", "loss={type: sse, class_weights: [1, 7]}"});
  EXPECT_EQ(config.optimizer.kind, OptimizerKind::adam);
  EXPECT_DOUBLE_EQ(config.optimizer.lr, 0.1);  // the file's lr stays
  EXPECT_DOUBLE_EQ(config.optimizer.beta2, 0.75);
  EXPECT_EQ(config.loss.class_weights, (std::vector<double>{1.0, 7.0}));
}

TEST(ConfigOverrides, ExpandShorthandsOnTheWay) {
  // `loss: sse` in the file becomes {type: sse, class_weights: [...]}
  const ExperimentConfig config = parse({"loss.class_weights=[1, 7]", "data.train.bits=4", "data.test.source=parity"});
  EXPECT_EQ(config.loss.kind, LossKind::sse);
  EXPECT_EQ(config.loss.class_weights, (std::vector<double>{1.0, 7.0}));
  EXPECT_EQ(config.data.train->source, "mirror");
  EXPECT_EQ(config.data.train->bits, 4);
  EXPECT_EQ(config.data.test->source, "parity");
}

TEST(ConfigOverrides, WorkOnAnEmptyFile) {
  const ExperimentConfig config = parse_experiment("", "empty.yaml", {"data.train=xor", "model.layers=[{units: 1}]"});
  EXPECT_EQ(config.data.train->source, "xor");
  EXPECT_EQ(config.model.layers.size(), 1u);
}

TEST(ConfigOverrides, ResolvedYamlHoldsTheOverriddenValues) {
  const ExperimentConfig config = parse({"optimizer.lr=0.5", "optimizer.momentum=0.9"});
  const ExperimentConfig again = parse_experiment(config.resolved_yaml, "mirror.yaml");
  EXPECT_DOUBLE_EQ(again.optimizer.lr, 0.5);
  EXPECT_DOUBLE_EQ(again.optimizer.momentum, 0.9);
}

TEST(ConfigOverrides, UnknownKeysSuggestTheClosest) {
  EXPECT_EQ(error_of({"optimizer.lrr=0.5"}),
            "mirror.yaml: optimizer.lrr (from --set): unknown key; did you mean 'lr'?");
  EXPECT_EQ(error_of({"optimiser.lr=0.5"}),
            "mirror.yaml: optimiser (from --set): unknown key; did you mean 'optimizer'?");
  EXPECT_EQ(error_of({"model.layers.0.activaton=tanh"}),
            "mirror.yaml: model.layers.0.activaton (from --set): unknown key; did you mean 'activation'?");
  EXPECT_EQ(error_of({"train.batch_size=64"}),
            "mirror.yaml: train.batch_size (from --set): unknown key; did you mean 'batch'?");
}

TEST(ConfigOverrides, ValuesAreValidatedLikeTheFile) {
  EXPECT_EQ(error_of({"optimizer.lr=-0.1"}), "mirror.yaml: optimizer.lr (from --set): must be > 0, got -0.1");
  EXPECT_EQ(error_of({"optimizer.betas=[0.9, 0.99]"}), "mirror.yaml: optimizer.betas (from --set): not used by sgd");
  EXPECT_EQ(error_of({"model.layers.0.activation=tahn"}),
            "mirror.yaml: model.layers.0.activation (from --set): unknown activation 'tahn'; did you mean 'tanh'?");
  EXPECT_EQ(error_of({"optimizer.lr="}), "mirror.yaml: optimizer.lr (from --set): expected a number, got nothing");
}

TEST(ConfigOverrides, MalformedOverrides) {
  EXPECT_EQ(error_of({"optimizer.lr"}),
            "mirror.yaml: --set 'optimizer.lr': expected dotted.key=value, e.g. optimizer.lr=0.5");
  EXPECT_EQ(error_of({"=0.5"}), "mirror.yaml: --set '=0.5': empty key before '='");
  EXPECT_EQ(error_of({"optimizer..lr=0.5"}), "mirror.yaml: --set 'optimizer..lr=0.5': empty segment in the key");
  const std::string bad_value = error_of({"optimizer.betas=[0.9, 0.99"});
  EXPECT_EQ(bad_value.rfind("mirror.yaml: --set 'optimizer.betas=[0.9, 0.99': the value is not valid YAML", 0), 0u)
      << bad_value;
}

TEST(ConfigOverrides, ListIndicesAndValuesOnTheWay) {
  EXPECT_EQ(error_of({"model.layers.2.units=3"}),
            "mirror.yaml: --set model.layers.2.units: model.layers has 2 entries; index 2 is out of range");
  EXPECT_EQ(error_of({"model.layers.first.units=3"}),
            "mirror.yaml: --set model.layers.first.units: model.layers is a list; 'first' is not an index");
  EXPECT_EQ(error_of({"train.epochs.max=3"}),
            "mirror.yaml: --set train.epochs.max: train.epochs holds a value ('1425'), not a map of keys");
}

// rate and std belong to the noise layers: a star sets them on the layers of those types only.
TEST(ConfigOverrides, AStarSetsANoiseKeyOnTheLayersThatTakeIt) {
  const std::string noisy = R"(
data: {train: mirror}
model:
  layers:
    - {type: gaussian_noise, std: 0.1}
    - {units: 4, activation: relu}
    - {type: dropout, rate: 0.1}
    - {type: gaussian_dropout, rate: 0.1}
    - {units: 1}
)";
  const ExperimentConfig config = parse_experiment(noisy, "noisy.yaml", {"model.layers.*.rate=0.3", "model.layers.*.std=0.2"});
  EXPECT_EQ(config.model.layers[2].rate, 0.3);
  EXPECT_EQ(config.model.layers[3].rate, 0.3);
  EXPECT_EQ(config.model.layers[0].std, 0.2);
  EXPECT_EQ(config.model.layers[1].rate, 0.0);
  EXPECT_EQ(error_of({"model.layers.*.rate=0.3"}), "mirror.yaml: --set model.layers.*.rate: no entry of model.layers takes 'rate'");
  // weight_norm belongs to dense and conv2d: the noise layers are left out.
  const ExperimentConfig normed = parse_experiment(noisy, "noisy.yaml", {"model.layers.*.weight_norm=true"});
  EXPECT_FALSE(normed.model.layers[0].weight_norm);
  EXPECT_TRUE(normed.model.layers[1].weight_norm);
  EXPECT_FALSE(normed.model.layers[2].weight_norm);
  EXPECT_TRUE(normed.model.layers[4].weight_norm);
}

TEST(ConfigOverrides, AStarSetsTheKeyOnEveryLayer) {
  const ExperimentConfig config = parse({"model.layers.*.steepness=0.4"});
  ASSERT_EQ(config.model.layers.size(), 2u);
  EXPECT_DOUBLE_EQ(config.model.layers[0].activation.steepness, 0.4);
  EXPECT_DOUBLE_EQ(config.model.layers[1].activation.steepness, 0.4);
  // A later key for one layer wins over the star for that layer only.
  const ExperimentConfig mixed = parse({"model.layers.*.steepness=0.4", "model.layers.1.steepness=2"});
  EXPECT_DOUBLE_EQ(mixed.model.layers[0].activation.steepness, 0.4);
  EXPECT_DOUBLE_EQ(mixed.model.layers[1].activation.steepness, 2.0);
  // A map is copied into every layer: the resolved config has no YAML anchors or aliases.
  const ExperimentConfig init = parse({"model.layers.*.init={weight: {uniform: [-0.5, 0.5]}}"});
  for (const auto& layer : init.model.layers) {
    EXPECT_EQ(layer.weight_init.kind, InitKind::uniform);
    EXPECT_DOUBLE_EQ(layer.weight_init.high, 0.5);
  }
  EXPECT_EQ(init.resolved_yaml.find('&'), std::string::npos) << init.resolved_yaml;
  EXPECT_EQ(parse({"model.layers.*.units=3"}).model.layers[1].units, 3);
}

TEST(ConfigOverrides, AStarIsValidatedLikeAnyKey) {
  EXPECT_EQ(error_of({"model.layers.*.steepnes=0.4"}),
            "mirror.yaml: model.layers.0.steepnes (from --set): unknown key; did you mean 'steepness'?");
  EXPECT_EQ(error_of({"model.layers.*.steepness=-1"}), "mirror.yaml: model.layers.0.steepness (from --set): must be > 0, got -1");
  EXPECT_EQ(error_of({"optimizer.*=0.5"}),
            "mirror.yaml: --set optimizer.*: '*' stands for every entry of a list, but optimizer is a map");
  EXPECT_EQ(error_of({"model.layers.*.steepness=1"}, "data: {train: mirror}\nmodel: {layers: []}\n"),
            "mirror.yaml: --set model.layers.*.steepness: model.layers is an empty list; '*' sets nothing");
  // Only layers whose activation has the key may take it.
  EXPECT_EQ(error_of({"model.layers.*.steepness=1", "model.layers.1.activation=tanh"}),
            "mirror.yaml: model.layers.1.steepness (from --set): not used by activation 'tanh'");
}

}  // namespace
}  // namespace nnlab
