// Which launchers nnlab runs under, and the one-line refusal for those it cannot talk to: the
// same nnlab runs alone (0), as a rank of Open MPI's mpirun or srun --mpi=pmix, and refuses
// another MPI's launcher or, when built without MPI, any launcher, rather than run the whole
// job once per rank.
#include "cli/mpi_launch.hpp"

#include <gtest/gtest.h>

#include <map>

#include "core/error.hpp"

namespace nnlab {
namespace {

EnvironmentLookup environment_of(std::map<std::string, std::string> values) {
  return [values = std::move(values)](const char* name) -> std::optional<std::string> {
    const auto found = values.find(name);
    return found == values.end() ? std::nullopt : std::optional<std::string>(found->second);
  };
}

std::string refusal(const std::map<std::string, std::string>& values, bool built_with_mpi) {
  try {
    mpi_launch_size(environment_of(values), built_with_mpi);
  } catch (const InputError& error) {
    return error.what();
  }
  return "no error";
}

TEST(MpiLaunch, NoLauncherIsOneProcessInEitherBuild) {
  EXPECT_EQ(mpi_launch_size(environment_of({}), true), 0);
  EXPECT_EQ(mpi_launch_size(environment_of({}), false), 0);
  // A Slurm allocation's batch script (no srun step) is not a launch.
  EXPECT_EQ(mpi_launch_size(environment_of({{"SLURM_NTASKS", "8"}, {"SLURM_PROCID", "0"}}), true), 0);
}

TEST(MpiLaunch, OpenMpiAndPmixGiveTheRankCount) {
  EXPECT_EQ(mpi_launch_size(environment_of({{"OMPI_COMM_WORLD_SIZE", "3"}}), true), 3);
  EXPECT_EQ(mpi_launch_size(environment_of({{"OMPI_COMM_WORLD_SIZE", "1"}}), true), 1);
  EXPECT_EQ(mpi_launch_size(environment_of({{"PMIX_RANK", "0"}, {"SLURM_NTASKS", "4"}}), true), 4);
  EXPECT_EQ(mpi_launch_size(environment_of({{"PMIX_RANK", "0"}}), true), 1);
}

TEST(MpiLaunch, AnotherMpisLauncherIsRefusedNamingWhatToUse) {
  const std::string message = refusal({{"PMI_SIZE", "2"}, {"PMI_RANK", "0"}}, true);
  EXPECT_NE(message.find("another MPI's launcher with 2 ranks (PMI_SIZE)"), std::string::npos) << message;
  EXPECT_NE(message.find("Open MPI's mpirun"), std::string::npos) << message;
  EXPECT_EQ(mpi_launch_size(environment_of({{"PMI_SIZE", "1"}}), true), 0);  // a singleton: one process
}

TEST(MpiLaunch, SrunWithoutPmixIsRefused) {
  const std::string message = refusal({{"SLURM_NTASKS", "4"}, {"SLURM_PROCID", "2"}, {"SLURM_STEP_ID", "0"}}, true);
  EXPECT_NE(message.find("srun started 4 tasks without PMIx"), std::string::npos) << message;
  EXPECT_NE(message.find("--mpi=pmix"), std::string::npos) << message;
}

TEST(MpiLaunch, ABuildWithoutMpiRefusesEveryLauncher) {
  for (const auto& values : std::vector<std::map<std::string, std::string>>{
           {{"OMPI_COMM_WORLD_SIZE", "2"}}, {{"PMI_SIZE", "3"}}, {{"PMIX_RANK", "1"}}}) {
    const std::string message = refusal(values, false);
    EXPECT_NE(message.find("built without MPI (NNLAB_MPI=OFF"), std::string::npos) << message;
  }
  EXPECT_EQ(mpi_launch_size(environment_of({{"OMPI_COMM_WORLD_SIZE", "1"}}), false), 0);  // mpirun -np 1: harmless
}

TEST(MpiLaunch, GarbageCountsAreNotLaunches) {
  EXPECT_EQ(mpi_launch_size(environment_of({{"OMPI_COMM_WORLD_SIZE", "x"}}), true), 0);
  EXPECT_EQ(mpi_launch_size(environment_of({{"PMI_SIZE", "-4"}}), true), 0);
}

}  // namespace
}  // namespace nnlab
