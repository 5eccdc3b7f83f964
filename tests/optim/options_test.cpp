// PyTorch's defaults per optimiser kind, validation messages, kind names.
#include <gtest/gtest.h>

#include <limits>
#include <stdexcept>
#include <string>

#include "optim/options.hpp"

namespace nnlab {
namespace {

TEST(OptimizerOptions, DefaultsAreTorchs) {
  EXPECT_EQ(defaults_for(OptimizerKind::sgd).lr, 1e-3);
  EXPECT_EQ(defaults_for(OptimizerKind::sgd).momentum, 0.0);
  EXPECT_EQ(defaults_for(OptimizerKind::adagrad).lr, 1e-2);
  EXPECT_EQ(defaults_for(OptimizerKind::adagrad).eps, 1e-10);
  EXPECT_EQ(defaults_for(OptimizerKind::adagrad).initial_accumulator_value, 0.0);
  EXPECT_EQ(defaults_for(OptimizerKind::adadelta).lr, 1.0);
  EXPECT_EQ(defaults_for(OptimizerKind::adadelta).rho, 0.9);
  EXPECT_EQ(defaults_for(OptimizerKind::adadelta).eps, 1e-6);
  EXPECT_EQ(defaults_for(OptimizerKind::rmsprop).lr, 1e-2);
  EXPECT_EQ(defaults_for(OptimizerKind::rmsprop).alpha, 0.99);
  EXPECT_EQ(defaults_for(OptimizerKind::rmsprop).eps, 1e-8);
  EXPECT_FALSE(defaults_for(OptimizerKind::rmsprop).centered);
  for (const auto kind : {OptimizerKind::adam, OptimizerKind::adamw, OptimizerKind::radam}) {
    const OptimizerOptions options = defaults_for(kind);
    EXPECT_EQ(options.kind, kind);
    EXPECT_EQ(options.lr, 1e-3);
    EXPECT_EQ(options.beta1, 0.9);
    EXPECT_EQ(options.beta2, 0.999);
    EXPECT_EQ(options.eps, 1e-8);
    EXPECT_FALSE(options.amsgrad);
  }
  EXPECT_EQ(defaults_for(OptimizerKind::adam).weight_decay, 0.0);
  EXPECT_EQ(defaults_for(OptimizerKind::adamw).weight_decay, 1e-2);
  EXPECT_EQ(defaults_for(OptimizerKind::radam).weight_decay, 0.0);
}

void expect_invalid(const OptimizerOptions& options, const std::string& key) {
  try {
    validate(options);
    ADD_FAILURE() << "accepted; expected an error about " << key;
  } catch (const std::invalid_argument& error) {
    EXPECT_EQ(std::string(error.what()).rfind(key + ":", 0), 0u) << error.what();
  }
}

TEST(OptimizerOptions, ValidationNamesTheKey) {
  for (const auto kind : {OptimizerKind::sgd, OptimizerKind::adagrad, OptimizerKind::adadelta, OptimizerKind::rmsprop,
                          OptimizerKind::adam, OptimizerKind::adamw, OptimizerKind::radam})
    EXPECT_NO_THROW(validate(defaults_for(kind)));
  expect_invalid({.lr = -0.1}, "lr");
  expect_invalid({.lr = std::numeric_limits<double>::quiet_NaN()}, "lr");
  expect_invalid({.weight_decay = -1.0}, "weight_decay");
  expect_invalid({.momentum = -0.5}, "momentum");
  expect_invalid({.momentum = 0.0, .nesterov = true}, "nesterov");
  expect_invalid({.momentum = 0.9, .dampening = 0.1, .nesterov = true}, "nesterov");
  expect_invalid({.kind = OptimizerKind::adam, .beta1 = 1.0}, "beta1");
  expect_invalid({.kind = OptimizerKind::radam, .beta2 = -0.1}, "beta2");
  expect_invalid({.kind = OptimizerKind::adam, .eps = -1e-8}, "eps");
  expect_invalid({.kind = OptimizerKind::adadelta, .rho = 1.5}, "rho");
  expect_invalid({.kind = OptimizerKind::rmsprop, .alpha = -0.9}, "alpha");
  expect_invalid({.kind = OptimizerKind::adagrad, .lr_decay = -1.0}, "lr_decay");
  expect_invalid({.kind = OptimizerKind::adagrad, .initial_accumulator_value = -1.0}, "initial_accumulator_value");
  expect_invalid({.layer_lr_multipliers = {1.0, -2.0}}, "layer_lr_multipliers[1]");
}

TEST(OptimizerOptions, LayerMultiplierDefaultsToOne) {
  const OptimizerOptions options{.layer_lr_multipliers = {0.5, 2.0}};
  EXPECT_EQ(layer_lr_multiplier(options, 0), 0.5);
  EXPECT_EQ(layer_lr_multiplier(options, 1), 2.0);
  EXPECT_EQ(layer_lr_multiplier(options, 2), 1.0);
  EXPECT_THROW(layer_lr_multiplier(options, -1), std::invalid_argument);
}

TEST(OptimizerOptions, KindNamesRoundTrip) {
  for (const auto kind : {OptimizerKind::sgd, OptimizerKind::adagrad, OptimizerKind::adadelta, OptimizerKind::rmsprop,
                          OptimizerKind::adam, OptimizerKind::adamw, OptimizerKind::radam})
    EXPECT_EQ(parse_optimizer_kind(optimizer_kind_name(kind)), kind);
  EXPECT_EQ(optimizer_kind_name(OptimizerKind::adamw), "adamw");
  EXPECT_FALSE(parse_optimizer_kind("Adam").has_value());
}

}  // namespace
}  // namespace nnlab
