// The experiment file and its --set overrides, as `nnlab run --plan` reads them and as
// `nnlab resume` re-plans a stored plan source: parsed, validated and planned into populations.
// Input: leading lines "--set KEY=VALUE" are overrides, the rest is the YAML text.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "experiment/plan.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> overrides;
  constexpr std::string_view set = "--set ";
  while (input.starts_with(set)) {
    const std::size_t end = input.find('\n');
    overrides.emplace_back(input.substr(set.size(), end == std::string_view::npos ? std::string_view::npos : end - set.size()));
    input.remove_prefix(end == std::string_view::npos ? input.size() : end + 1);
  }
  const std::string text(input);
  nnlab::fuzz::accepts([&] {
    const nnlab::Plan plan = nnlab::plan_experiment_text(text, "fuzz.yaml", overrides);
    // What run and --plan do next with every plan: its description and each population's first trial.
    (void)nnlab::describe_plan(plan);
    for (const nnlab::PlannedPopulation& population : plan.populations)
      if (!population.trials.empty()) (void)plan.trial_config(population.trials.front());
  });
  return 0;
}
