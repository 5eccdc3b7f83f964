// The top-level `adversarial:` section reaches TrainConfig::adversarial with its defaults; bad
// input is one line naming the key: a negative eps, clip lo >= hi, steps < 1, step_size <= 0, a
// training weight outside [0, 1], no set to evaluate on, unknown keys.
#include <gtest/gtest.h>

#include <string>

#include "experiment/config.hpp"
#include "experiment/config_error_support.hpp"

namespace nnlab {
namespace {

using testing::error_of;
using testing::valid_model;

std::string with_test(const std::string& adversarial) {
  return "data: {train: mirror, test: mirror}\n" + std::string(valid_model) + "adversarial: " + adversarial + "\n";
}

TEST(ConfigAdversarial, AbsentIsOffAndTheKeysReachTheirFields) {
  EXPECT_FALSE(parse_experiment("data: {train: mirror, test: mirror}\n" + std::string(valid_model), "mirror.yaml").train.adversarial);
  const ExperimentConfig config =
      parse_experiment(with_test("{eval_eps: [0, 0.05, 0.25], clip: [-1, 1], steps: 5, step_size: 0.02, train: {eps: 0.1, weight: 0.7}}"),
                       "mirror.yaml");
  ASSERT_TRUE(config.train.adversarial);
  const AdversarialConfig& a = *config.train.adversarial;
  EXPECT_EQ(a.eval_eps, (std::vector<double>{0, 0.05, 0.25}));
  ASSERT_TRUE(a.clip);
  EXPECT_EQ((*a.clip)[0], -1.0);
  EXPECT_EQ((*a.clip)[1], 1.0);
  EXPECT_EQ(a.steps, 5);
  EXPECT_EQ(a.step_size, 0.02);
  ASSERT_TRUE(a.train);
  EXPECT_EQ(a.train->eps, 0.1);
  EXPECT_EQ(a.train->weight, 0.7);

  const AdversarialConfig defaults = *parse_experiment(with_test("{eval_eps: 0.1, train: {}}"), "mirror.yaml").train.adversarial;
  EXPECT_EQ(defaults.eval_eps, (std::vector<double>{0.1}));
  EXPECT_FALSE(defaults.clip) << "default: the training inputs' range";
  EXPECT_EQ(defaults.steps, 1);
  EXPECT_EQ(defaults.train->eps, 0.25);
  EXPECT_EQ(defaults.train->weight, 0.5);
  // Training alone needs no set to evaluate on; a validation split serves the evaluation.
  EXPECT_EQ(error_of("data: {train: mirror}\n" + std::string(valid_model) + "adversarial: {train: {eps: 0.1}}\n"), "(no error)");
  EXPECT_EQ(error_of("data: {train: mirror, validation: 0.25}\n" + std::string(valid_model) + "adversarial: {eval_eps: [0.1]}\n"), "(no error)");
}

TEST(ConfigAdversarial, BadInputNamesTheKey) {
  EXPECT_EQ(error_of(with_test("{eval_eps: [0, -0.1]}")), "mirror.yaml: adversarial.eval_eps.1: must be >= 0, got -0.1");
  EXPECT_EQ(error_of(with_test("{eval_eps: [0.1], clip: [1, 0]}")), "mirror.yaml: adversarial.clip: lo must be < hi, got [1, 0]");
  EXPECT_EQ(error_of(with_test("{eval_eps: [0.1], clip: [0.5, 0.5]}")), "mirror.yaml: adversarial.clip: lo must be < hi, got [0.5, 0.5]");
  EXPECT_EQ(error_of(with_test("{eval_eps: [0.1], clip: [0, 1, 2]}")), "mirror.yaml: adversarial.clip: expected [lo, hi], got 3 values");
  EXPECT_EQ(error_of(with_test("{eval_eps: [0.1], clip: 1}")), "mirror.yaml: adversarial.clip: expected [lo, hi], got '1'");
  EXPECT_EQ(error_of(with_test("{eval_eps: [0.1], steps: 0}")), "mirror.yaml: adversarial.steps: must be >= 1, got 0");
  EXPECT_EQ(error_of(with_test("{eval_eps: [0.1], step_size: 0}")), "mirror.yaml: adversarial.step_size: must be > 0, got 0");
  EXPECT_EQ(error_of(with_test("{eval_eps: [0.1], step_size: -0.01}")), "mirror.yaml: adversarial.step_size: must be > 0, got -0.01");
  EXPECT_EQ(error_of(with_test("{train: {weight: 1.5}}")), "mirror.yaml: adversarial.train.weight: must be in [0, 1], got 1.5");
  EXPECT_EQ(error_of(with_test("{train: {eps: -1}}")), "mirror.yaml: adversarial.train.eps: must be >= 0, got -1");
  EXPECT_EQ(error_of(with_test("{eval_epsilon: [0.1]}")), "mirror.yaml: adversarial.eval_epsilon: unknown key; did you mean 'eval_eps'?");
  EXPECT_EQ(error_of("data: {train: mirror}\n" + std::string(valid_model) + "adversarial: {eval_eps: [0.1]}\n"),
            "mirror.yaml: adversarial.eval_eps: evaluates on the test set (data.test) or, without one, the validation split "
            "(data.validation > 0); give one");
}

}  // namespace
}  // namespace nnlab
