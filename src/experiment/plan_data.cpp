#include "experiment/plan_data.hpp"

#include <yaml-cpp/yaml.h>

namespace nnlab {

std::string PlanData::key(const Plan& plan, const PlannedPopulation& population) {
  const ExperimentConfig head = plan.trial_config(population.trials.front());
  YAML::Emitter data;
  data << YAML::Flow << YAML::Load(head.resolved_yaml)["data"];
  return data.c_str() + std::to_string(head.seed);
}

const ExperimentData& PlanData::of(const Plan& plan, const PlannedPopulation& population) {
  auto& cached = loaded_[key(plan, population)];
  if (!cached) cached = std::make_shared<const ExperimentData>(load_experiment_data(plan.trial_config(population.trials.front())));
  return *cached;
}

}  // namespace nnlab
