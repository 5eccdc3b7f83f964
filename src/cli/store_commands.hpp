// The commands that read the run store: runs, show, rm (export: cli/export_command.hpp).
#pragma once

#include <filesystem>
#include <string>

namespace nnlab {

// --store, else $NNLAB_STORE, else runs.db in the current directory.
std::filesystem::path store_path(const std::string& flag);

int command_runs(const std::filesystem::path& store);
int command_show(const std::filesystem::path& store, const std::string& run, bool json);
int command_rm(const std::filesystem::path& store, const std::string& run);

}  // namespace nnlab
