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

// Found by the artefacts fuzz harness: nlohmann's parse error quotes what it last read, so a
// damaged plan source with a 100 kB unterminated string made a 100 kB error line.
TEST(StoredPlan, AMalformedSourceGivesAShortErrorLine) {
  EXPECT_NO_THROW(decode_plan_source(plan_json(experiment), "runs.db: run 1"));
  const std::string damaged = "{\"text\": \"" + std::string(100'000, 'P');
  try {
    decode_plan_source(damaged, "runs.db: run 1");
    ADD_FAILURE() << "accepted";
  } catch (const InputError& error) {
    const std::string message = error.what();
    EXPECT_TRUE(message.starts_with("runs.db: run 1: malformed plan source: ")) << message;
    EXPECT_LT(message.size(), 300u) << message;
  }
  expect_input_error([] { decode_plan_source(R"({"text": "x", "origin": 3, "overrides": [], "force": false})", "runs.db: run 1"); },
                     {"runs.db: run 1: malformed plan source", "origin"});
}

}  // namespace
}  // namespace nnlab
