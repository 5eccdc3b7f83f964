// train.early_stopping: every key reaches its field, defaults per criterion, and bad input is
// one line naming the key and the reason (a monitor naming a set the file does not have).
#include <gtest/gtest.h>

#include <string>

#include "experiment/config.hpp"
#include "experiment/config_error_support.hpp"
#include "support/input_error.hpp"

namespace nnlab {
namespace {

using testing::error_of;
using testing::valid_model;

std::string with_validation(const std::string& stopping) {
  return "data: {train: mirror, validation: 0.25}\n" + std::string(valid_model) + "train: {epochs: 50, early_stopping: " + stopping + "}\n";
}

EarlyStoppingConfig parsed(const std::string& stopping) {
  const ExperimentConfig config = parse_experiment(with_validation(stopping), "mirror.yaml");
  EXPECT_TRUE(config.train.early_stopping.has_value());
  return config.train.early_stopping.value_or(EarlyStoppingConfig{});
}

TEST(ConfigEarlyStopping, AbsentIsOff) {
  EXPECT_FALSE(parse_experiment("data: {train: mirror}\n" + std::string(valid_model), "mirror.yaml").train.early_stopping);
}

TEST(ConfigEarlyStopping, DefaultsAndEveryKey) {
  const EarlyStoppingConfig defaults = parsed("{}");
  EXPECT_EQ(defaults.monitor, MonitorKind::validation_loss);
  EXPECT_EQ(defaults.criterion, StoppingCriterion::patience);
  EXPECT_EQ(defaults.patience, 10);
  EXPECT_EQ(defaults.min_delta, 0.0);
  EXPECT_EQ(defaults.smoothing, 1);
  EXPECT_TRUE(defaults.restore_best);

  const EarlyStoppingConfig patience =
      parsed("{monitor: validation_accuracy, patience: 4, min_delta: 0.01, smoothing: 3, restore_best: false}");
  EXPECT_EQ(patience.monitor, MonitorKind::validation_accuracy);
  EXPECT_EQ(patience.patience, 4);
  EXPECT_EQ(patience.min_delta, 0.01);
  EXPECT_EQ(patience.smoothing, 3);
  EXPECT_FALSE(patience.restore_best);

  EXPECT_EQ(parsed("gl").criterion, StoppingCriterion::gl);  // the shorthand
  EXPECT_EQ(parsed("gl").alpha, 5.0);
  EXPECT_EQ(parsed("{criterion: gl, alpha: 2}").alpha, 2.0);
  const EarlyStoppingConfig pq = parsed("{criterion: pq, strip: 4}");
  EXPECT_EQ(pq.alpha, 0.5);
  EXPECT_EQ(pq.strip, 4);
  const EarlyStoppingConfig up = parsed("{criterion: up, strip: 3, s: 2, monitor: train_loss}");
  EXPECT_EQ(up.criterion, StoppingCriterion::up);
  EXPECT_EQ(up.strip, 3);
  EXPECT_EQ(up.s, 2);
  EXPECT_EQ(up.monitor, MonitorKind::train_loss);
}

TEST(ConfigEarlyStopping, AMonitorWithoutItsSetIsAnError) {
  const std::string no_validation = "data: {train: mirror}\n" + std::string(valid_model);
  EXPECT_EQ(error_of(no_validation + "train: {early_stopping: {monitor: validation_loss}}\n"),
            "mirror.yaml: train.early_stopping.monitor: validation_loss needs a validation split (data.validation > 0)");
  EXPECT_EQ(error_of(no_validation + "train: {early_stopping: {monitor: test_accuracy}}\n"),
            "mirror.yaml: train.early_stopping.monitor: test_accuracy needs a test set (data.test)");
  // The default monitor is validation_loss: said so, naming the section.
  testing::expect_input_error([&] { parse_experiment(no_validation + "train: {early_stopping: {patience: 3}}\n", "mirror.yaml"); },
                              {"mirror.yaml: train.early_stopping:", "validation_loss by default", "data.validation"});
  EXPECT_EQ(error_of(no_validation + "train: {early_stopping: {monitor: train_loss}}\n"), "(no error)");
}

TEST(ConfigEarlyStopping, BadValuesAndKeysNameTheKey) {
  EXPECT_EQ(error_of(with_validation("{monitor: val_loss}")).rfind("mirror.yaml: train.early_stopping.monitor: unknown", 0), 0u)
      << error_of(with_validation("{monitor: val_loss}"));
  EXPECT_NE(error_of(with_validation("{monitor: val_loss}")).find("validation_loss"), std::string::npos);
  EXPECT_EQ(error_of(with_validation("{patience: 0}")), "mirror.yaml: train.early_stopping.patience: must be >= 1, got 0");
  EXPECT_EQ(error_of(with_validation("{min_delta: -1}")).rfind("mirror.yaml: train.early_stopping.min_delta: must be >= 0", 0), 0u);
  EXPECT_EQ(error_of(with_validation("{criterion: gl, patience: 3}")),
            "mirror.yaml: train.early_stopping.patience: not used by criterion gl");
  EXPECT_EQ(error_of(with_validation("{alpha: 3}")), "mirror.yaml: train.early_stopping.alpha: not used by criterion patience");
  EXPECT_EQ(error_of(with_validation("{criterion: up, s: 0}")), "mirror.yaml: train.early_stopping.s: must be >= 1, got 0");
  EXPECT_EQ(error_of(with_validation("{patiense: 3}")),
            "mirror.yaml: train.early_stopping.patiense: unknown key; did you mean 'patience'?");
  EXPECT_NE(error_of(with_validation("{criterion: prechelt}")).find("train.early_stopping.criterion"), std::string::npos);
}

}  // namespace
}  // namespace nnlab
