// `nnlab export RUN`: a run's metric series as CSV (long, wide, or aggregated per trial) or
// JSON, each row labelled with its member's trial, population and swept hyper-parameters;
// or the run's final weights.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/tensor.hpp"

namespace nnlab {

struct ExportOptions {
  std::string run;                           // id, name or "latest"
  std::optional<Index> member;               // --member: only this member
  std::vector<Index> trials;                 // --trial (repeatable): only these trials
  std::vector<std::string> metrics;          // --metric (repeatable): exact names or "prefix*"
  std::string format;                        // --metrics: "", "csv" or "json"
  bool wide = false;                         // --wide: one row per (member, epoch), a column per metric
  bool aggregate = false;                    // --aggregate: quantiles over each trial's members
  std::string model_file;                    // --model: write the final weights here

  // Series are written when a format is given or any of --wide, --aggregate, --metric, --trial
  // (those imply csv).
  std::string series_format() const;
};

int command_export(const std::filesystem::path& store, const ExportOptions& options);

}  // namespace nnlab
