// Was this process started by an MPI launcher, and can this nnlab talk to it? Read from the
// environment the launchers set; a pure function of those values and of the build, so both
// builds' answers are tested in one (tests/cli/mpi_launch_test.cpp).
#pragma once

#include <functional>
#include <optional>
#include <string>

namespace nnlab {

// The environment variable named, or nullopt when it is unset.
using EnvironmentLookup = std::function<std::optional<std::string>(const char* name)>;

// How many processes the launcher started with this one (0: no launcher). A launcher this
// nnlab cannot talk to (another MPI's, srun without PMIx, or any when built_with_mpi is false)
// is an InputError saying what to use instead.
int mpi_launch_size(const EnvironmentLookup& environment, bool built_with_mpi);

// The same, from this process's environment and this build.
int mpi_launch_size();

}  // namespace nnlab
