// data.augment and train.mixup in the experiment file: the values read, `false` for none, and
// each bad setting one InputError naming the key (exit 2).
#include <gtest/gtest.h>

#include "experiment/config_error_support.hpp"

#include <string>

#include "core/error.hpp"
#include "experiment/config.hpp"
#include "experiment/data_setup.hpp"

namespace nnlab {
namespace {

using testing::error_of;
using testing::valid_model;

std::string file(const std::string& augment, const std::string& train, const std::string& loss = "") {
  return "data: {train: mirror" + (augment.empty() ? std::string() : ", augment: " + augment) + "}\n" + valid_model + "train: " + train +
         "\n" + loss;
}

TEST(AugmentConfig, ReadsEveryKey) {
  const ExperimentConfig config = parse_experiment(
      file("{shift: 2, rotate: 10, scale: [0.9, 1.1], flip: horizontal, noise: 0.05, erase: 0.5}", "{batch: 4, mixup: {alpha: 0.3}}"),
      "mirror.yaml", {});
  ASSERT_TRUE(config.train.augment);
  EXPECT_EQ(config.train.augment->shift, 2);
  EXPECT_EQ(config.train.augment->rotate, 10);
  EXPECT_EQ(config.train.augment->scale_min, 0.9);
  EXPECT_EQ(config.train.augment->scale_max, 1.1);
  EXPECT_TRUE(config.train.augment->flip_horizontal);
  EXPECT_EQ(config.train.augment->noise, 0.05);
  EXPECT_EQ(config.train.augment->erase, 0.5);
  ASSERT_TRUE(config.train.mixup);
  EXPECT_EQ(config.train.mixup->alpha, 0.3);
  EXPECT_TRUE(config.loss.soft_targets);  // cross_entropy against the mixed targets
  const ExperimentConfig shorthand = parse_experiment(file("", "{batch: 4, mixup: 0.2}", "loss: mse\n"), "mirror.yaml", {});
  ASSERT_TRUE(shorthand.train.mixup);
  EXPECT_EQ(shorthand.train.mixup->alpha, 0.2);
  EXPECT_FALSE(shorthand.loss.soft_targets);  // mse trains on the values anyway
  const ExperimentConfig off = parse_experiment(file("false", "{batch: 4, mixup: false}"), "mirror.yaml", {});
  EXPECT_FALSE(off.train.augment);
  EXPECT_FALSE(off.train.mixup);
  EXPECT_FALSE(off.loss.soft_targets);
}

TEST(AugmentConfig, BadValuesNameTheKey) {
  EXPECT_EQ(error_of(file("{shift: -1}", "{batch: 4}")), "mirror.yaml: data.augment.shift: must be >= 0, got -1");
  EXPECT_EQ(error_of(file("{rotate: -5}", "{batch: 4}")), "mirror.yaml: data.augment.rotate: must be >= 0, got -5");
  EXPECT_EQ(error_of(file("{noise: -0.1}", "{batch: 4}")), "mirror.yaml: data.augment.noise: must be >= 0, got -0.1");
  EXPECT_EQ(error_of(file("{scale: [1.2, 0.9]}", "{batch: 4}")), "mirror.yaml: data.augment.scale: min must be <= max, got [1.2, 0.9]");
  EXPECT_EQ(error_of(file("{scale: 1.1}", "{batch: 4}")), "mirror.yaml: data.augment.scale: expected [min, max], got 1.1");
  EXPECT_EQ(error_of(file("{scale: [0, 1]}", "{batch: 4}")), "mirror.yaml: data.augment.scale.0: must be > 0, got 0");
  EXPECT_EQ(error_of(file("{erase: 1.5}", "{batch: 4}")), "mirror.yaml: data.augment.erase: must be in [0, 1], got 1.5");
  EXPECT_EQ(error_of(file("{erase: -0.5}", "{batch: 4}")), "mirror.yaml: data.augment.erase: must be in [0, 1], got -0.5");
  EXPECT_EQ(error_of(file("{flip: vertical}", "{batch: 4}")), "mirror.yaml: data.augment.flip: expected horizontal or none, got 'vertical'");
  EXPECT_EQ(error_of(file("{shfit: 1}", "{batch: 4}")), "mirror.yaml: data.augment.shfit: unknown key; did you mean 'shift'?");
  EXPECT_EQ(error_of(file("{shift: 1}", "{epochs: 4}")).substr(0, 45), "mirror.yaml: data.augment: needs mini-batches");
}

TEST(AugmentConfig, BadMixupNamesTheKey) {
  EXPECT_EQ(error_of(file("", "{batch: 4, mixup: {alpha: 0}}")), "mirror.yaml: train.mixup.alpha: must be > 0, got 0");
  EXPECT_EQ(error_of(file("", "{batch: 4, mixup: {alpha: -1}}")), "mirror.yaml: train.mixup.alpha: must be > 0, got -1");
  EXPECT_EQ(error_of(file("", "{batch: 4, mixup: {alhpa: 1}}")), "mirror.yaml: train.mixup.alhpa: unknown key; did you mean 'alpha'?");
  EXPECT_EQ(error_of(file("", "{mixup: {alpha: 0.2}}")).substr(0, 44), "mirror.yaml: train.mixup: needs mini-batches");
  EXPECT_EQ(error_of(file("", "{batch: 4, mixup: 0.2}", "loss: sse\n")),
            "mirror.yaml: train.mixup: mixes the targets: needs loss cross_entropy or mse");
  EXPECT_EQ(error_of(file("", "{batch: 4, mixup: 0.2}", "loss: {type: cross_entropy, label_smoothing: 0.1}\n")),
            "mirror.yaml: train.mixup: mixes the targets itself; loss.label_smoothing cannot go with it");
}

TEST(AugmentConfig, FlatDataIsRefusedWhenLoaded) {
  const ExperimentConfig config = parse_experiment(file("{shift: 1}", "{batch: 4}"), "mirror.yaml", {});
  try {
    load_experiment_data(config);
    FAIL() << "no error";
  } catch (const InputError& error) {
    EXPECT_EQ(std::string(error.what()), "<config>: data.augment: needs image examples ([H, W] or [C, H, W]), got [6]");
  }
}

}  // namespace
}  // namespace nnlab
