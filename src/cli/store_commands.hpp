// The commands that read the run store: runs, show, report, rm (export: cli/export_command.hpp).
// The readers open it read-only (RunStore::OpenMode::read_only); rm writes.
#pragma once

#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "store/store.hpp"

namespace nnlab {

// --store, else $NNLAB_STORE, else runs.db in the current directory.
std::filesystem::path store_path(const std::string& flag);

int command_runs(const std::filesystem::path& store);
int command_show(const std::filesystem::path& store, const std::string& run, bool json);
int command_report(const std::filesystem::path& store, const std::vector<std::string>& runs, const std::filesystem::path& directory);
int command_rm(const std::filesystem::path& store, const std::string& run);

// write_run_report, where a stored value of the wrong JSON type (a damaged store) is an
// InputError naming the store and the run.
std::filesystem::path write_checked_report(const RunStore& store, std::span<const RunId> runs, const std::filesystem::path& directory);

}  // namespace nnlab
