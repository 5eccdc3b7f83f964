// `nnlab run` and `nnlab resume`: in one process, or, started by mpirun or srun, as one rank of
// an MPI job (cluster/job.hpp, docs/cluster.md).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace nnlab {

inline constexpr int exit_ok = 0;
inline constexpr int exit_internal = 1;
inline constexpr int exit_bad_input = 2;

struct RunFlags {
  std::string experiment;
  std::vector<std::string> overrides;
  int threads = 0;
  bool json = false;
  bool quiet = false;
  std::string save_model;
  bool plan_only = false;
  bool force = false;
  std::optional<std::string> max_memory;  // --max-memory SIZE; unset = the machine's available memory
  std::string store;
  bool no_store = false;
  std::string report;
};

// arguments: the command line after the program name (MPI ranks check that they agree).
int command_run(const RunFlags& flags, const std::vector<std::string>& arguments);
// flags.experiment names the run to resume.
int command_resume(const RunFlags& flags, const std::vector<std::string>& arguments);

}  // namespace nnlab
