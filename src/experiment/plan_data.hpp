// The data sets of a plan's populations, each loaded once: populations whose `data` block and
// seed agree share one copy, kept until the run ends. The runner and the memory check
// (memory_estimate.hpp) read them through one PlanData, so a checked run loads its data once.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "experiment/data_setup.hpp"
#include "experiment/plan.hpp"

namespace nnlab {

class PlanData {
 public:
  // The data of `population` (of its first trial's config), loaded on first use.
  const ExperimentData& of(const Plan& plan, const PlannedPopulation& population);
  // What decides which populations share data: the resolved `data` block and the seed.
  static std::string key(const Plan& plan, const PlannedPopulation& population);

 private:
  std::map<std::string, std::shared_ptr<const ExperimentData>> loaded_;
};

}  // namespace nnlab
