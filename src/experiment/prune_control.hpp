// prune.control: random_reinit, Frankle & Carbin's control for a winning ticket: the same masks,
// trained from another random initialisation. The plan gives every trial a twin with
// prune.reinit = true (a grid dimension of its own, varying fastest); prune.reinit is a scalar
// key, so a trial and its twin share a population. There each control member takes, at every
// round end, the mask its ticket (the twin trial's member of the same replicate) has just made
// (MemberSetup::prune_mask_from, train/prune.hpp), and starts from the weights of its own seed,
// control_seed(seed), which also keys its data order and dropout.
#pragma once

#include <cstdint>
#include <vector>

#include "experiment/config.hpp"
#include "experiment/plan.hpp"
#include "experiment/sweep.hpp"
#include "train/training_state.hpp"

namespace nnlab {

// With base's prune.control, the sweep's prune.reinit dimension; InputError when the file
// cannot have one (a random sweep, or prune.reinit swept or set by hand).
void add_prune_control(const ExperimentConfig& base, const YAML::Node& root, SweepSpec& sweep, const YamlOrigin& where);

// The seed a control member of replicate seed `seed` trains with.
std::uint64_t control_seed(std::uint64_t seed);

// Members are trial-major (population.trials, then replicates): sets each control member's
// prune_mask_from and its seeds. InputError when a control trial has no ticket twin.
void pair_prune_controls(const Plan& plan, const PlannedPopulation& population, std::vector<std::uint64_t>& seeds,
                         std::vector<MemberSetup>& setups);

}  // namespace nnlab
