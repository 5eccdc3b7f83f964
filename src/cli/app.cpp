#include "cli/app.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <fmt/format.h>
#include <iostream>

#include "cli/export_command.hpp"
#include "cli/flag_checks.hpp"
#include "cli/inspect.hpp"
#include "cli/lr_find_command.hpp"
#include "cli/progress.hpp"
#include "cli/run_command.hpp"
#include "cli/schedule_command.hpp"
#include "cli/store_commands.hpp"
#include "core/error.hpp"
#include "core/simd.hpp"
#include "core/threads.hpp"
#include "experiment/config.hpp"
#include "experiment/memory_limit.hpp"
#include "experiment/plan_data.hpp"
#include "experiment/resume.hpp"
#include "experiment/runner.hpp"
#include "report/run_report.hpp"
#include "store/store.hpp"

namespace nnlab {
namespace {

int command_summary(const std::string& experiment, const std::vector<std::string>& overrides) {
  const ExperimentConfig config = load_experiment(experiment, overrides);
  fmt::print("{}", describe_model(config));
  return exit_ok;
}

// "nnlab 0.1.0" and the SIMD target of the kernels (core/simd.hpp).
std::string version_text() {
  std::string simd;
  try {
    simd = describe_simd();
  } catch (const InputError& error) {  // a bad NNLAB_SIMD
    simd = error.what();
  }
  return fmt::format("nnlab 0.1.0\nSIMD kernels: {}", simd);
}

}  // namespace

int run_cli(int argc, char** argv) {
  CLI::App app{"nnlab — train neural networks from one YAML file and study how they learn.\n"
               "Docs: docs/config.md (every experiment key), README.md (a tour)."};
  app.set_version_flag("--version", version_text());
  app.require_subcommand(1);
  app.failure_message(capped_failure_message);  // before the subcommands, which copy it
  app.get_formatter()->column_width(34);

  RunFlags run_flags;
  CLI::App* run = app.add_subcommand("run", "Train everything EXPERIMENT.yaml asks for and print its summary");
  run->add_option("experiment", run_flags.experiment, "The experiment file (YAML)")->required();
  run->add_option("--set", run_flags.overrides, "Override a config key, e.g. --set optimizer.lr=0.5 (repeatable; default: none)")
      ->type_name("KEY=VALUE")
      ->allow_extra_args(false);
  run->add_option("--threads", run_flags.threads, "Threads for the kernels (default: 0 = all cores); results never depend on it")
      ->check(integer_between(0, max_thread_flag));
  run->add_flag("--json", run_flags.json, "Print the final summary as one JSON object on stdout (default: off)");
  run->add_flag("--quiet,-q", run_flags.quiet, "No progress line and no summary table on stderr (default: off; the progress line also stays quiet when stderr is not a terminal)");
  run->add_option("--store", run_flags.store, "Record the run in this SQLite file (default: $NNLAB_STORE, else runs.db here)")->type_name("FILE");
  run->add_flag("--no-store", run_flags.no_store, "Do not record the run (default: off)");
  run->add_option("--report", run_flags.report, "Write the run's HTML report into DIR at the end (default: none)")->type_name("DIR");
  run->add_flag("--plan", run_flags.plan_only, "Print how the trials are grouped into populations and stop (default: off)");
  run->add_flag("--force", run_flags.force,
                "Run it anyway: a sweep larger than sweep.max_trials, a plan estimated to need more memory than the limit (default: off)");
  run->add_option("--max-memory", run_flags.max_memory,
                  "Refuse a plan whose population is estimated to need more than SIZE bytes, e.g. 8G, 512M, 2000000000 "
                  "(default: the machine's available memory, MemAvailable)")
      ->type_name("SIZE");
  run->add_option("--save-model", run_flags.save_model, "Write every member's final weights as safetensors (default: none)")->type_name("FILE");

  RunFlags resume_flags;
  CLI::App* resume = app.add_subcommand("resume", "Continue a killed or failed run from its last checkpoints; it ends as if never interrupted");
  resume->add_option("run", resume_flags.experiment, "Run id, name (its newest run) or 'latest'")->required();
  resume->add_option("--store", resume_flags.store, "The run store (default: $NNLAB_STORE, else runs.db)")->type_name("FILE");
  resume->add_option("--threads", resume_flags.threads, "Threads for the kernels (default: 0 = all cores)")->check(integer_between(0, max_thread_flag));
  resume->add_flag("--json", resume_flags.json, "Print the final summary as one JSON object on stdout (default: off)");
  resume->add_flag("--quiet,-q", resume_flags.quiet, "No progress line and no summary table on stderr (default: off)");
  resume->add_option("--report", resume_flags.report, "Write the run's HTML report into DIR at the end (default: none)")->type_name("DIR");
  resume->add_option("--save-model", resume_flags.save_model, "Write every member's final weights as safetensors (default: none)")->type_name("FILE");

  std::string summary_experiment;
  std::vector<std::string> summary_overrides;
  CLI::App* summary = app.add_subcommand("summary", "Print the model of EXPERIMENT.yaml: layers, output shapes, parameter counts");
  summary->add_option("experiment", summary_experiment, "The experiment file (YAML)")->required();
  summary->add_option("--set", summary_overrides, "Override a config key (repeatable; default: none)")->type_name("KEY=VALUE")->allow_extra_args(false);

  ScheduleFlags schedule_flags;
  CLI::App* schedule = app.add_subcommand("schedule", "Print the learning rate EXPERIMENT.yaml's schedule gives per step or epoch, without training");
  schedule->add_option("experiment", schedule_flags.experiment, "The experiment file (YAML)")->required();
  schedule->add_option("--set", schedule_flags.overrides, "Override a config key (repeatable; default: none)")->type_name("KEY=VALUE")->allow_extra_args(false);
  schedule->add_option("--steps", schedule_flags.steps, "How many steps or epochs to print (default: the run's length in the schedule's unit)")
      ->type_name("N");
  schedule->add_option("--plot", schedule_flags.plot, "Also draw the rates against t into this PNG (default: none)")->type_name("FILE");

  LrFindFlags lr_find_flags;
  CLI::App* lr_find = app.add_subcommand("lr-find", "The LR range test: train from the initial weights with a growing rate, print the suggested rates, draw the curve");
  lr_find->add_option("experiment", lr_find_flags.experiment, "The experiment file (YAML); every member of its plan takes part")->required();
  lr_find->add_option("--set", lr_find_flags.overrides, "Override a config key (repeatable; default: none)")->type_name("KEY=VALUE")->allow_extra_args(false);
  lr_find->add_option("--start", lr_find_flags.start, "The first step's rate (default: 1e-7)")->type_name("LR");
  lr_find->add_option("--end", lr_find_flags.end, "The last step's rate (default: 10)")->type_name("LR");
  lr_find->add_option("--steps", lr_find_flags.steps, "Mini-batches, one per rate (default: 100; at least 10)")->type_name("N");
  lr_find->add_option("--mode", lr_find_flags.mode, "How the rate grows: exp (start (end/start)^(i/(steps-1))) or linear (default: exp)")
      ->type_name("exp|linear");
  lr_find->add_option("--smoothing", lr_find_flags.smoothing, "beta of the loss's moving average, in [0, 1) (default: 0.98)")->type_name("BETA");
  lr_find->add_option("--diverge", lr_find_flags.diverge, "Stop a member once its smoothed loss exceeds this times its minimum, > 1 (default: 4)")
      ->type_name("X");
  lr_find->add_option("--out", lr_find_flags.out, "Write lr-find.png, lr-find.svg and lr-find.csv into DIR (default: lr-find)")->type_name("DIR");
  lr_find->add_flag("--members", lr_find_flags.members, "Also print one line per member (default: off; one line per trial)");
  lr_find->add_option("--threads", lr_find_flags.threads, "Threads for the kernels (default: 0 = all cores)")->check(integer_between(0, max_thread_flag));
  lr_find->add_option("--store", lr_find_flags.store, "Record the curves in this SQLite file (default: $NNLAB_STORE, else runs.db)")->type_name("FILE");
  lr_find->add_flag("--no-store", lr_find_flags.no_store, "Do not record the curves (default: off)");

  std::string inspect_file;
  Index inspect_member = 0;
  CLI::App* inspect = app.add_subcommand("inspect", "Print a saved model's weights (and, for 6-2-1 nets, the Rumelhart pattern check)");
  inspect->add_option("model", inspect_file, "A safetensors file written by --save-model")->required();
  inspect->add_option("--member", inspect_member, "Which member of a population file (default: 0)");

  std::string store_flag;
  std::vector<std::string> report_runs;
  std::string report_out = "report";
  CLI::App* runs = app.add_subcommand("runs", "List the runs in the store");
  runs->add_option("--store", store_flag, "The run store (default: $NNLAB_STORE, else runs.db)")->type_name("FILE");
  std::string show_run;
  bool show_json = false;
  CLI::App* show = app.add_subcommand("show", "Show one run: status, populations, per-trial results, config");
  show->add_option("run", show_run, "Run id, name (its newest run) or 'latest'")->required();
  show->add_option("--store", store_flag, "The run store (default: $NNLAB_STORE, else runs.db)")->type_name("FILE");
  show->add_flag("--json", show_json, "Everything as one JSON object (default: off)");
  ExportOptions export_options;
  CLI::App* exporter = app.add_subcommand("export", "Export a run's metric series (with trial, population and swept values) or weights");
  exporter->add_option("run", export_options.run, "Run id, name or 'latest'")->required();
  exporter->add_option("--store", store_flag, "The run store (default: $NNLAB_STORE, else runs.db)")->type_name("FILE");
  exporter->add_option("--member", export_options.member, "Only this member (default: all)");
  exporter->add_option("--trial", export_options.trials, "Only the members of trial T (repeatable; default: all)")->type_name("T")->allow_extra_args(false);
  exporter->add_option("--metric", export_options.metrics, "Only this metric, or a prefix ending in * such as 'layers.*' (repeatable; default: all)")
      ->type_name("NAME")->allow_extra_args(false);
  exporter->add_option("--metrics", export_options.format,
                       "Print the series as csv (long format: run,member,trial,population,<swept keys>,epoch,metric,value) or json "
                       "(default: none; csv when --wide, --aggregate, --metric or --trial is given)")
      ->check(CLI::IsMember({"csv", "json"}));
  exporter->add_flag("--wide", export_options.wide, "csv with one row per member and epoch, one column per metric (default: off)");
  exporter->add_flag("--aggregate", export_options.aggregate,
                     "csv with one row per trial, epoch and metric: count,min,q25,median,q75,max over the trial's members (default: off)");
  exporter->add_option("--model", export_options.model_file, "Write the final weights (safetensors) to FILE (default: none)")->type_name("FILE");
  std::string remove_run;
  CLI::App* remover = app.add_subcommand("rm", "Delete a run and everything it recorded");
  remover->add_option("run", remove_run, "Run id, name or 'latest'")->required();
  remover->add_option("--store", store_flag, "The run store (default: $NNLAB_STORE, else runs.db)")->type_name("FILE");
  CLI::App* reporter = app.add_subcommand("report", "Write the HTML report (PNG and SVG figures) of one or more runs");
  reporter->add_option("runs", report_runs, "Run ids, names or 'latest'")->required();
  reporter->add_option("--store", store_flag, "The run store (default: $NNLAB_STORE, else runs.db)")->type_name("FILE");
  reporter->add_option("--out", report_out, "Directory to write index.html and the figures into (default: report)")->type_name("DIR");

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

  const std::vector<std::string> arguments(argv + 1, argv + argc);
  try {
    (void)simd_target();  // a bad NNLAB_SIMD is an error before anything runs
    if (run->parsed()) return command_run(run_flags, arguments);
    if (resume->parsed()) return command_resume(resume_flags, arguments);
    if (summary->parsed()) return command_summary(summary_experiment, summary_overrides);
    if (schedule->parsed()) {
      fmt::print("{}", schedule_table(schedule_flags));
      return exit_ok;
    }
    if (lr_find->parsed()) return command_lr_find(lr_find_flags);
    if (runs->parsed()) return command_runs(store_path(store_flag));
    if (show->parsed()) return command_show(store_path(store_flag), show_run, show_json);
    if (exporter->parsed()) return command_export(store_path(store_flag), export_options);
    if (remover->parsed()) return command_rm(store_path(store_flag), remove_run);
    if (reporter->parsed()) return command_report(store_path(store_flag), report_runs, report_out);
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
