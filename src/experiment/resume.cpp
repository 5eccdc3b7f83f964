#include "experiment/resume.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/error.hpp"

namespace nnlab {

Plan stored_plan(const RunStore& store, RunId run) {
  const auto artefact = store.get_artefact(run, plan_source_label());
  if (!artefact)
    throw InputError(fmt::format("{}: run {} kept no plan to resume from (it was recorded by an older nnlab or by a program)",
                                 store.file().string(), run));
  PlanSource source;
  try {
    const nlohmann::json document = nlohmann::json::parse(bytes_text(artefact->content));
    source = PlanSource{.text = document.at("text").get<std::string>(), .origin = document.at("origin").get<std::string>(),
                        .overrides = document.at("overrides").get<std::vector<std::string>>(), .force = document.at("force").get<bool>()};
  } catch (const std::exception& error) {
    throw InputError(fmt::format("{}: run {}: malformed plan source: {}", store.file().string(), run, error.what()));
  }
  Plan plan = plan_experiment_text(source.text, source.origin, source.overrides, source.force);
  for (auto& trial : plan.trials) trial.config.file = source.origin;
  return plan;
}

RunSummary resume_run(RunStore& store, RunId run, RunOptions options) {
  store.mark_abandoned_runs();
  const Plan plan = stored_plan(store, run);
  options.store = &store;
  options.resume = run;
  return run_plan(plan, options);
}

}  // namespace nnlab
