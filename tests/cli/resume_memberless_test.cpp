// `nnlab resume` of a run killed in its first milliseconds, between writing a population's row
// and its members' rows (as nnlab before schema 3 wrote them, in two transactions): the resume
// adds the members from the stored plan and ends like a run that was never interrupted.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include "cli/process_support.hpp"
#include "support/raw_blob.hpp"
#include "support/scratch_directory.hpp"

namespace {

namespace fs = std::filesystem;
using nnlab::testing::execute_raw;
using nnlab::testing::read_file;
using nnlab::testing::run_nnlab;

nlohmann::json without_times(nlohmann::json summary) {
  summary.erase("seconds");
  for (auto& member : summary["members"]) member.erase("seconds");
  return summary;
}

TEST(ResumeMemberless, APopulationWithoutMembersIsRepairedFromThePlan) {
  const nnlab::testing::ScratchDirectory scratch;
  const fs::path experiment = scratch.path() / "experiment.yaml";
  std::ofstream(experiment) << R"(name: early-kill
seed: 9
replicates: 3
data: {train: {source: mirror, bits: 6}}
model:
  layers:
    - {type: dense, units: 2, activation: sigmoid}
    - {type: dense, units: 1, activation: sigmoid}
loss: sse
optimizer: {type: sgd, lr: 0.1}
train: {epochs: 30, batch: full}
sweep:
  method: grid
  parameters:
    model.layers.0.units: [2, 3]
)";
  const fs::path reference = scratch.path() / "reference.db";
  const fs::path store = scratch.path() / "runs.db";
  const auto out = [&](const std::string& name) { return scratch.path() / name; };
  ASSERT_EQ(run_nnlab({"run", experiment.string(), "--store", reference.string(), "--quiet", "--json"}, out("reference.json"), out("err")), 0)
      << read_file(out("err"));
  ASSERT_EQ(run_nnlab({"run", experiment.string(), "--store", store.string(), "--quiet", "--json"}, out("run.json"), out("err")), 0)
      << read_file(out("err"));
  // What a SIGKILL right after the first population row left: that row, the run's plan, nothing else.
  execute_raw(store, "UPDATE runs SET status = 'killed', finished_at = NULL, summary_json = NULL; "
                     "DELETE FROM members; DELETE FROM series; DELETE FROM populations WHERE population > 0; "
                     "DELETE FROM artefacts WHERE kind <> 'source';");

  const int code = run_nnlab({"resume", "latest", "--store", store.string(), "--quiet", "--json"}, out("resumed.json"), out("resumed.err"));
  ASSERT_EQ(code, 0) << read_file(out("resumed.err"));
  const nlohmann::json resumed = nlohmann::json::parse(read_file(out("resumed.json")));
  EXPECT_EQ(resumed["members"].size(), 6u);
  EXPECT_EQ(without_times(resumed), without_times(nlohmann::json::parse(read_file(out("reference.json")))));

  // The store holds the complete run: both populations, every member finished.
  ASSERT_EQ(run_nnlab({"show", "latest", "--store", store.string(), "--json"}, out("show.json"), out("show.err")), 0) << read_file(out("show.err"));
  const nlohmann::json shown = nlohmann::json::parse(read_file(out("show.json")));
  EXPECT_EQ(shown["status"], "finished");
  EXPECT_EQ(shown["populations"].size(), 2u);
  ASSERT_EQ(shown["members"].size(), 6u);
  for (const auto& member : shown["members"]) EXPECT_EQ(member["status"], "finished") << member.dump();
}

}  // namespace
