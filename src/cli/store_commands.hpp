// The commands that read the run store: runs, show, export, rm.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "core/tensor.hpp"

namespace nnlab {

// --store, else $NNLAB_STORE, else runs.db in the current directory.
std::filesystem::path store_path(const std::string& flag);

int command_runs(const std::filesystem::path& store);
int command_show(const std::filesystem::path& store, const std::string& run, bool json);
int command_export(const std::filesystem::path& store, const std::string& run, std::optional<Index> member, const std::string& metrics_format,
                   const std::string& model_file);
int command_rm(const std::filesystem::path& store, const std::string& run);

}  // namespace nnlab
