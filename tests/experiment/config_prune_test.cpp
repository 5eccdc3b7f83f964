// The prune: section (experiment/config_prune.cpp): train.epochs is a round's length and the fit
// trains (rounds + 1) of them; prune.control: random_reinit plans a twin trial per trial in the
// same population, whose members take their ticket's masks and train from their own seeds; bad
// settings exit 2 with one line naming the key.
#include <gtest/gtest.h>

#include "data/synthetic.hpp"
#include "experiment/config_error_support.hpp"
#include "experiment/plan.hpp"
#include "experiment/prune_control.hpp"
#include "experiment/runner.hpp"

namespace nnlab {
namespace {

using testing::error_of;
using testing::with;

const std::string pruned = with("train: {epochs: 6, batch: 8}\nprune: {rounds: 3, rate: 0.3, output_rate: 0.15, scope: global, rewind: {epoch: 2}}\n");

TEST(ConfigPrune, ReadsEveryKeyAndTrainsRoundsPlusOneRounds) {
  const ExperimentConfig config = parse_experiment(pruned, "mirror.yaml");
  ASSERT_TRUE(config.train.prune.has_value());
  const PruneConfig& prune = *config.train.prune;
  EXPECT_EQ(prune.rounds, 3);
  EXPECT_EQ(prune.rate, 0.3);
  EXPECT_EQ(prune.output_rate, 0.15);
  EXPECT_EQ(prune.scope, PruneScope::global);
  EXPECT_EQ(prune.rewind_epoch, 2);
  EXPECT_FALSE(prune.control);
  EXPECT_EQ(config.train.epochs, 24);  // 4 rounds of 6 epochs
  const ExperimentConfig defaults = parse_experiment(with("train: {epochs: 5, batch: 8}\nprune: {}\n"), "mirror.yaml");
  EXPECT_EQ(defaults.train.prune->rounds, 1);
  EXPECT_EQ(defaults.train.prune->rate, 0.2);
  EXPECT_EQ(defaults.train.prune->output_rate, 0.1);
  EXPECT_EQ(defaults.train.prune->rewind_epoch, 0);
  EXPECT_EQ(defaults.train.epochs, 10);
}

TEST(ConfigPrune, BadSettingsNameTheirKey) {
  const auto error = [](const std::string& prune, const std::string& train = "train: {epochs: 6, batch: 8}\n") {
    return error_of(with(train + "prune: " + prune + "\n"));
  };
  EXPECT_NE(error("{rate: 0}").find("prune.rate: must be in (0, 1)"), std::string::npos) << error("{rate: 0}");
  EXPECT_NE(error("{rate: 1.5}").find("prune.rate"), std::string::npos);
  EXPECT_NE(error("{rounds: 0}").find("prune.rounds"), std::string::npos) << error("{rounds: 0}");
  EXPECT_NE(error("{output_rate: 1}").find("prune.output_rate"), std::string::npos);
  EXPECT_NE(error("{rewind: {epoch: 7}}").find("prune.rewind.epoch: must be <= train.epochs (6)"), std::string::npos) << error("{rewind: {epoch: 7}}");
  EXPECT_NE(error("{rewind: late}").find("prune.rewind: expected 'init' or {epoch: k}"), std::string::npos) << error("{rewind: late}");
  EXPECT_NE(error("{scope: model}").find("prune.scope"), std::string::npos);
  EXPECT_NE(error("{control: shuffle}").find("prune.control: expected none or random_reinit"), std::string::npos) << error("{control: shuffle}");
  EXPECT_NE(error("{rounds: 2}", "train: {epochs: 6, batch: full}\n").find("prune: needs mini-batches"), std::string::npos)
      << error("{rounds: 2}", "train: {epochs: 6, batch: full}\n");
  EXPECT_NE(error("{rounds: 2}", "train: {epochs: 6, batch: 8}\nschedule: {type: reduce_on_plateau, monitor: train_loss}\n").find("prune: rewinds every round"),
            std::string::npos);
  // Any other schedule restarts with every round.
  const ExperimentConfig stepped = parse_experiment(with("train: {epochs: 6, batch: 8}\nschedule: {type: step, step_size: 2}\nprune: {rounds: 2}\n"), "mirror.yaml");
  EXPECT_EQ(stepped.train.schedule_restart, 6);
  EXPECT_NE(error("{ronuds: 2}").find("prune.ronuds"), std::string::npos) << error("{ronuds: 2}");
}

TEST(ConfigPrune, RandomReinitControlIsATwinTrialInTheSamePopulation) {
  const std::string yaml = with("loss: bce\nreplicates: 2\ntrain: {epochs: 3, batch: 8}\nprune: {rounds: 2, control: random_reinit}\n"
                                "sweep: {parameters: {optimizer.lr: [0.1, 0.3]}}\n");
  const Plan plan = plan_experiment_text(yaml, "mirror.yaml", {}, false);
  ASSERT_EQ(plan.trials.size(), 4u);  // lr × {ticket, control}
  ASSERT_EQ(plan.populations.size(), 1u);
  Dataset train = make_mirror(6);
  const PopulationMembers members = population_members(plan, plan.populations.front(), train);
  ASSERT_EQ(members.setups.size(), 8u);
  // Trials: lr 0.1 ticket, lr 0.1 control, lr 0.3 ticket, lr 0.3 control (reinit varies fastest).
  for (std::size_t m = 0; m < 8; ++m) {
    const std::size_t trial = m / 2, replicate = m % 2;
    const bool control = trial % 2 == 1;
    const std::uint64_t seed = static_cast<std::uint64_t>(replicate);
    EXPECT_EQ(members.setups[m].prune_mask_from, control ? static_cast<Index>((trial - 1) * 2 + replicate) : -1) << m;
    EXPECT_EQ(members.seeds[m], control ? control_seed(seed) : seed) << m;
    EXPECT_EQ(members.setups[m].seed, members.seeds[m]) << m;
    EXPECT_EQ(plan.trial_config(static_cast<Index>(trial)).train.prune->reinit, control);
  }
  EXPECT_NE(control_seed(0), 0u);
  EXPECT_NE(control_seed(0), control_seed(1));
  EXPECT_LT(control_seed(12345), std::uint64_t{1} << 53);

  const auto plan_error = [](const std::string& text) {
    try {
      plan_experiment_text(text, "mirror.yaml", {}, false);
    } catch (const InputError& error) {
      return std::string(error.what());
    }
    return std::string("(no error)");
  };
  const std::string random = plan_error(with("train: {epochs: 3, batch: 8}\nprune: {control: random_reinit}\n"
                                             "sweep: {method: random, count: 2, parameters: {optimizer.lr: {distribution: uniform, min: 0.1, max: 0.2}}}\n"));
  EXPECT_NE(random.find("prune.control: needs a grid sweep"), std::string::npos) << random;
  const std::string twice = plan_error(with("train: {epochs: 3, batch: 8}\nprune: {control: random_reinit, reinit: true}\n"));
  EXPECT_NE(twice.find("prune.reinit"), std::string::npos) << twice;
}

}  // namespace
}  // namespace nnlab
