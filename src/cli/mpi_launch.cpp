#include "cli/mpi_launch.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

#include "core/error.hpp"

namespace nnlab {
namespace {

int count(const EnvironmentLookup& environment, const char* name) {
  const std::optional<std::string> value = environment(name);
  if (!value) return 0;
  char* end = nullptr;
  const long parsed = std::strtol(value->c_str(), &end, 10);
  return end != value->c_str() && parsed > 0 && parsed < 1'000'000'000 ? static_cast<int>(parsed) : 0;
}

}  // namespace

int mpi_launch_size(const EnvironmentLookup& environment, bool built_with_mpi) {
  // Open MPI's mpirun sets OMPI_COMM_WORLD_SIZE; srun --mpi=pmix sets PMIX_RANK and SLURM_NTASKS.
  const int open_mpi = count(environment, "OMPI_COMM_WORLD_SIZE");
  const bool pmix = environment("PMIX_RANK").has_value();
  const int pmi = count(environment, "PMI_SIZE");  // MPICH's hydra, MVAPICH, srun --mpi=pmi2
  const int slurm = count(environment, "SLURM_NTASKS");
  if (!built_with_mpi) {
    const int ranks = std::max({open_mpi, pmi, pmix ? 2 : 0});
    if (ranks > 1)
      throw InputError(fmt::format("started by an MPI launcher with {} ranks, but this nnlab was built without MPI (NNLAB_MPI=OFF; "
                                   "scripts/install-deps.sh installs Open MPI): every rank would run the whole job",
                                   ranks));
    return 0;
  }
  if (open_mpi > 0) return open_mpi;
  if (pmix) return std::max(slurm, 1);
  if (pmi > 1)
    throw InputError(fmt::format("started by another MPI's launcher with {} ranks (PMI_SIZE), but this nnlab talks Open MPI: start it with "
                                 "Open MPI's mpirun, or srun --mpi=pmix (docs/cluster.md)",
                                 pmi));
  if (slurm > 1 && environment("SLURM_PROCID") && environment("SLURM_STEP_ID"))
    throw InputError(fmt::format("srun started {} tasks without PMIx, so each would run the whole job alone: use srun --mpi=pmix "
                                 "(docs/cluster.md)",
                                 slurm));
  return 0;
}

int mpi_launch_size() {
  const EnvironmentLookup environment = [](const char* name) -> std::optional<std::string> {
    const char* value = std::getenv(name);
    return value ? std::optional<std::string>(value) : std::nullopt;
  };
#ifdef NNLAB_HAVE_MPI
  return mpi_launch_size(environment, true);
#else
  return mpi_launch_size(environment, false);
#endif
}

}  // namespace nnlab
