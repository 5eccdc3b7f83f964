// The plan source a run stores for `nnlab resume`: read back whole, or refused.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "core/error.hpp"
#include "experiment/resume.hpp"
#include "experiment/runner.hpp"
#include "store/store.hpp"
#include "support/input_error.hpp"
#include "support/scratch_directory.hpp"

namespace nnlab {
namespace {

using testing::expect_input_error;

constexpr const char* experiment =
    "name: stored\ndata: {train: xor}\nmodel: {layers: [{units: 2, activation: sigmoid}, {units: 1}]}\ntrain: {epochs: 2}\n";

// A run whose plan artefact holds exactly `content`.
RunId run_with_plan(RunStore& store, const std::string& content) {
  const RunId run = store.begin_run(RunStart{.name = "stored", .config_path = "stored.yaml", .resolved_config = "",
                                             .nnlab_version = "test", .config_git_commit = ""});
  store.put_artefact(run, plan_source_label(), text_bytes(content));
  return run;
}

std::string plan_json(const std::string& text) {
  return nlohmann::json{{"text", text}, {"origin", "stored.yaml"}, {"overrides", nlohmann::json::array()}, {"force", false}}.dump();
}

TEST(StoredPlan, ReadsBack) {
  const testing::ScratchDirectory scratch;
  RunStore store(scratch / "runs.db");
  const RunId run = run_with_plan(store, plan_json(experiment));
  EXPECT_EQ(stored_plan(store, run).name, "stored");
}

// nlohmann's parser stops at a NUL byte, so whatever followed it was silently ignored.
TEST(StoredPlan, AnythingAfterANulByteIsRefused) {
  const testing::ScratchDirectory scratch;
  RunStore store(scratch / "runs.db");
  const std::string json = plan_json(experiment);
  const RunId run = run_with_plan(store, json + std::string(1, '\0') + "{\"text\": \"other\"}");
  expect_input_error([&] { stored_plan(store, run); },
                     {"run " + std::to_string(run), "malformed plan source", "byte " + std::to_string(json.size()), "NUL"});
  // A NUL inside the stored experiment text (JSON "\u0000") is refused by the YAML reader.
  const RunId inner = run_with_plan(store, plan_json(std::string(experiment) + std::string(1, '\0') + "seed: 9\n"));
  expect_input_error([&] { stored_plan(store, inner); }, {"stored.yaml: byte " + std::to_string(std::string(experiment).size()), "NUL"});
}

}  // namespace
}  // namespace nnlab
