#include "cli/app.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <fmt/format.h>
#include <iostream>

#include "cli/inspect.hpp"
#include "cli/progress.hpp"
#include "core/error.hpp"
#include "core/threads.hpp"
#include "experiment/config.hpp"
#include "experiment/runner.hpp"

namespace nnlab {
namespace {

constexpr int exit_ok = 0;
constexpr int exit_internal = 1;
constexpr int exit_bad_input = 2;

struct RunFlags {
  std::string experiment;
  std::vector<std::string> overrides;
  int threads = 0;
  bool json = false;
  bool quiet = false;
  std::string save_model;
  bool plan_only = false;
  bool force = false;
};

int command_run(const RunFlags& flags) {
  const Plan plan = plan_experiment(flags.experiment, flags.overrides, flags.force);
  if (flags.plan_only) {
    fmt::print("{}", describe_plan(plan));
    return exit_ok;
  }
  set_thread_count(flags.threads);
  const bool show_progress = !flags.quiet && isatty(fileno(stderr)) != 0;
  ProgressLine progress(stderr);
  RunOptions options{.save_model = flags.save_model, .observer = show_progress ? &progress : nullptr};
  if (!flags.quiet) fmt::print(stderr, "nnlab: {}", describe_plan(plan));
  const RunSummary summary = run_plan(plan, options);
  if (!flags.quiet) fmt::print(stderr, "{}", to_text(summary));
  if (!flags.save_model.empty() && !flags.quiet) fmt::print(stderr, "weights written to {}\n", flags.save_model);
  if (flags.json) fmt::print("{}\n", to_json(summary));
  return exit_ok;
}

int command_summary(const std::string& experiment, const std::vector<std::string>& overrides) {
  const ExperimentConfig config = load_experiment(experiment, overrides);
  fmt::print("{}", describe_model(config));
  return exit_ok;
}

}  // namespace

int run_cli(int argc, char** argv) {
  CLI::App app{"nnlab — train neural networks from one YAML file and study how they learn.\n"
               "Docs: docs/config.md (every experiment key), README.md (a tour)."};
  app.set_version_flag("--version", std::string("nnlab 0.1.0"));
  app.require_subcommand(1);
  app.get_formatter()->column_width(34);

  RunFlags run_flags;
  CLI::App* run = app.add_subcommand("run", "Train everything EXPERIMENT.yaml asks for and print its summary");
  run->add_option("experiment", run_flags.experiment, "The experiment file (YAML)")->required();
  run->add_option("--set", run_flags.overrides, "Override a config key, e.g. --set optimizer.lr=0.5 (repeatable; default: none)")
      ->type_name("KEY=VALUE")
      ->allow_extra_args(false);
  run->add_option("--threads", run_flags.threads, "Threads for the kernels (default: 0 = all cores); results never depend on it")
      ->check(CLI::NonNegativeNumber);
  run->add_flag("--json", run_flags.json, "Print the final summary as one JSON object on stdout (default: off)");
  run->add_flag("--quiet,-q", run_flags.quiet, "No progress line and no summary table on stderr (default: off; the progress line also stays quiet when stderr is not a terminal)");
  run->add_flag("--plan", run_flags.plan_only, "Print how the trials are grouped into populations and stop (default: off)");
  run->add_flag("--force", run_flags.force, "Allow a sweep larger than sweep.max_trials (default: off)");
  run->add_option("--save-model", run_flags.save_model, "Write every member's final weights as safetensors (default: none)")->type_name("FILE");

  std::string summary_experiment;
  std::vector<std::string> summary_overrides;
  CLI::App* summary = app.add_subcommand("summary", "Print the model of EXPERIMENT.yaml: layers, output shapes, parameter counts");
  summary->add_option("experiment", summary_experiment, "The experiment file (YAML)")->required();
  summary->add_option("--set", summary_overrides, "Override a config key (repeatable; default: none)")->type_name("KEY=VALUE")->allow_extra_args(false);

  std::string inspect_file;
  Index inspect_member = 0;
  CLI::App* inspect = app.add_subcommand("inspect", "Print a saved model's weights (and, for 6-2-1 nets, the Rumelhart pattern check)");
  inspect->add_option("model", inspect_file, "A safetensors file written by --save-model")->required();
  inspect->add_option("--member", inspect_member, "Which member of a population file (default: 0)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return exit_bad_input;
  }

  try {
    if (run->parsed()) return command_run(run_flags);
    if (summary->parsed()) return command_summary(summary_experiment, summary_overrides);
    if (inspect->parsed()) {
      fmt::print("{}", inspect_model_file(inspect_file, inspect_member));
      return exit_ok;
    }
  } catch (const InputError& e) {
    fmt::print(stderr, "nnlab: {}\n", e.what());
    return exit_bad_input;
  } catch (const std::exception& e) {
    fmt::print(stderr, "nnlab: internal error: {}\n", e.what());
    return exit_internal;
  }
  return exit_internal;
}

}  // namespace nnlab
