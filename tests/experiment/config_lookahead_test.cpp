// optimizer: lookahead and ranger in experiment files: what parses, and each bad input as one
// InputError naming the file and the key (the CLI's exit 2).
#include <gtest/gtest.h>

#include "experiment/config_error_support.hpp"

#include <string>

#include "core/error.hpp"
#include "experiment/config.hpp"

namespace nnlab {
namespace {

using testing::error_of;
using testing::with;

TEST(ConfigLookahead, BadInputNamesTheKey) {
  EXPECT_EQ(error_of(with("optimizer: {type: lookahead, k: 5}\n")), "mirror.yaml: optimizer.inner: missing (required)");
  EXPECT_EQ(error_of(with("optimizer: {type: lookahead, inner: {type: lookahead, inner: adam}}\n")),
            "mirror.yaml: optimizer.inner.type: lookahead wraps a plain optimiser, not lookahead or ranger");
  EXPECT_EQ(error_of(with("optimizer: {type: lookahead, inner: ranger}\n")),
            "mirror.yaml: optimizer.inner.type: lookahead wraps a plain optimiser, not lookahead or ranger");
  EXPECT_EQ(error_of(with("optimizer: {type: lookahead, k: 0, inner: adam}\n")),
            "mirror.yaml: optimizer.k: must be >= 1, got 0");
  EXPECT_EQ(error_of(with("optimizer: {type: ranger, k: 0}\n")), "mirror.yaml: optimizer.k: must be >= 1, got 0");
  EXPECT_EQ(error_of(with("optimizer: {type: lookahead, alpha: 0, inner: adam}\n")),
            "mirror.yaml: optimizer.alpha: must be in (0, 1], got 0");
  EXPECT_EQ(error_of(with("optimizer: {type: ranger, alpha: 1.5}\n")),
            "mirror.yaml: optimizer.alpha: must be in (0, 1], got 1.5");
  EXPECT_EQ(error_of(with("optimizer: {type: lookahead, lr: 0.1, inner: adam}\n")),
            "mirror.yaml: optimizer.lr: not used by lookahead (the optimiser's own keys go in inner)");
  EXPECT_EQ(error_of(with("optimizer: {type: adam, k: 5}\n")), "mirror.yaml: optimizer.k: not used by adam");
  EXPECT_EQ(error_of(with("optimizer: {type: ranger, amsgrad: true}\n")), "mirror.yaml: optimizer.amsgrad: not used by ranger");
  EXPECT_EQ(error_of(with("optimizer: {type: lookahead, inner: {type: adam, lr: -1}}\n")),
            "mirror.yaml: optimizer.inner.lr: must be > 0, got -1");
}

TEST(ConfigLookahead, ReadsTheWrapperAndItsInnerOptimizer) {
  const OptimizerOptions lookahead =
      parse_experiment(with("optimizer: {type: lookahead, alpha: 0.8, inner: {type: rmsprop, lr: 0.02, alpha: 0.9}}\n"),
                       "mirror.yaml", {})
          .optimizer;
  EXPECT_EQ(lookahead.wrapper, OptimizerWrapper::lookahead);
  EXPECT_EQ(lookahead.kind, OptimizerKind::rmsprop);
  EXPECT_EQ(lookahead.lookahead_k, 5);
  EXPECT_EQ(lookahead.lookahead_alpha, 0.8);
  EXPECT_EQ(lookahead.alpha, 0.9);
  EXPECT_EQ(lookahead.lr, 0.02);
  const OptimizerOptions ranger = parse_experiment(with("optimizer: {type: ranger, lr: 0.01}\n"), "mirror.yaml", {}).optimizer;
  EXPECT_EQ(ranger.wrapper, OptimizerWrapper::ranger);
  EXPECT_EQ(ranger.kind, OptimizerKind::radam);
  EXPECT_EQ(ranger.lookahead_k, 6);
  EXPECT_EQ(ranger.lookahead_alpha, 0.5);
  EXPECT_EQ(ranger.lr, 0.01);
}

TEST(ConfigLookahead, DefaultsAndInnerKeys) {
  EXPECT_EQ(error_of(with("optimizer: {type: lookahead, inner: {type: rmsprop, alpha: 0.9}}\n")), "(no error)");
  EXPECT_EQ(error_of(with("optimizer: ranger\n")), "(no error)");
  EXPECT_EQ(error_of(with("optimizer: {type: ranger, lr: 0.01, betas: [0.95, 0.999], k: 4, alpha: 0.6}\n")), "(no error)");
}

}  // namespace
}  // namespace nnlab
