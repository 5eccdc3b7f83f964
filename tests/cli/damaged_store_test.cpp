// Damaged stores met by the commands (issue 9, item 5): each is exit code 2 with one line naming
// the store, the run and the damaged part, never exit 1 "internal error". The damage is made
// with raw SQL, as a failing disk or another program would make it.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <memory>
#include <span>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <string>
#include <vector>

#include "cli/process_support.hpp"
#include "store/checksum.hpp"
#include "support/raw_blob.hpp"
#include "support/scratch_directory.hpp"

namespace {

namespace fs = std::filesystem;
using nnlab::testing::execute_raw;
using nnlab::testing::read_file;
using nnlab::testing::run_nnlab;

// Replaces `from` by `to` in the run's stored plan and records the new content's checksum.
void rewrite_plan(const fs::path& file, const std::string& from, const std::string& to) {
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(file.c_str(), &raw), SQLITE_OK);
  const std::unique_ptr<sqlite3, int (*)(sqlite3*)> handle(raw, sqlite3_close);
  sqlite3_stmt* select = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(raw, "SELECT content FROM artefacts WHERE kind = 'source' AND name = 'plan'", -1, &select, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(select), SQLITE_ROW);
  std::string plan(static_cast<const char*>(sqlite3_column_blob(select, 0)), static_cast<std::size_t>(sqlite3_column_bytes(select, 0)));
  sqlite3_finalize(select);
  const auto at = plan.find(from);
  ASSERT_NE(at, std::string::npos) << plan;
  plan.replace(at, from.size(), to);
  const auto bytes = std::as_bytes(std::span(plan.data(), plan.size()));
  sqlite3_stmt* update = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(raw, "UPDATE artefacts SET content = ?1, checksum = ?2 WHERE kind = 'source' AND name = 'plan'", -1, &update,
                               nullptr),
            SQLITE_OK);
  sqlite3_bind_blob(update, 1, plan.data(), static_cast<int>(plan.size()), SQLITE_TRANSIENT);
  sqlite3_bind_int64(update, 2, std::bit_cast<std::int64_t>(nnlab::artefact_checksum(bytes)));
  EXPECT_EQ(sqlite3_step(update), SQLITE_DONE) << sqlite3_errmsg(raw);
  sqlite3_finalize(update);
}

class DamagedStore : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ofstream(path("tiny.yaml")) << "name: tiny\nseed: 3\nreplicates: 3\ndata:\n  train: xor\nmodel:\n  layers:\n"
                                        "    - {type: dense, units: 2, activation: sigmoid}\n    - {type: dense, units: 1, activation: sigmoid}\n"
                                        "loss: sse\noptimizer: {type: sgd, lr: 0.5, momentum: 0.9}\ntrain: {epochs: 20, batch: full}\n";
    ASSERT_EQ(run_nnlab({"run", path("tiny.yaml").string(), "--store", store().string(), "--quiet"}, path("out"), path("err")), 0)
        << read_file(path("err"));
  }
  fs::path path(const std::string& name) const { return scratch_.path() / name; }
  fs::path store() const { return path("runs.db"); }
  // What a SIGKILL leaves of the finished run: status killed, no results (its checkpoint stays).
  void make_killed() const {
    execute_raw(store(), "UPDATE runs SET status = 'killed', finished_at = NULL, summary_json = NULL; "
                         "UPDATE members SET status = 'killed', result = NULL");
  }
  // Runs nnlab; expects exit code 2 and one line on stderr holding every fragment.
  void expect_damage(const std::vector<std::string>& arguments, std::initializer_list<std::string> fragments) const {
    const int code = run_nnlab(arguments, path("out"), path("err"));
    const std::string err = read_file(path("err"));
    EXPECT_EQ(code, 2) << err;
    EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
    for (const auto& fragment : fragments) EXPECT_NE(err.find(fragment), std::string::npos) << "missing '" << fragment << "' in: " << err;
  }

  nnlab::testing::ScratchDirectory scratch_;
};

TEST_F(DamagedStore, InvalidUtf8InATextColumnIsNamedByShowJson) {
  execute_raw(store(), "UPDATE runs SET name = CAST(X'74ff6e79' AS TEXT)");
  expect_damage({"show", "1", "--json", "--store", store().string()}, {store().string(), "run 1", "runs.name", "UTF-8"});
  execute_raw(store(), "UPDATE runs SET name = 'tiny'; UPDATE members SET result = CAST(X'7b2261223a22c0af227d' AS TEXT) WHERE member = 2");
  expect_damage({"show", "1", "--json", "--store", store().string()}, {store().string(), "run 1 member 2", "members.result", "UTF-8"});
}

TEST_F(DamagedStore, AStoredJsonColumnThatIsNotJsonIsNamedByShowJson) {
  execute_raw(store(), "UPDATE members SET hyperparameters = '{\"optimizer.lr\": ' WHERE member = 1");
  expect_damage({"show", "1", "--json", "--store", store().string()}, {store().string(), "run 1 member 1", "members.hyperparameters", "JSON"});
}

TEST_F(DamagedStore, ASummaryOfTheWrongJsonTypeIsNamedByReportRunsAndShow) {
  execute_raw(store(), "UPDATE runs SET summary_json = json_set(summary_json, '$.trials[0].trial', 'first', "
                       "'$.aggregate.train_accuracy', json('{\"median\": \"high\"}'))");
  expect_damage({"report", "1", "--store", store().string(), "--out", path("report").string()}, {store().string(), "run 1", "summary_json", "type"});
  expect_damage({"show", "1", "--store", store().string()}, {store().string(), "run 1", "summary_json", "type"});
  expect_damage({"runs", "--store", store().string()}, {store().string(), "run 1", "summary_json", "type"});
}

TEST_F(DamagedStore, ResumeNamesMissingMemberRows) {
  make_killed();
  execute_raw(store(), "DELETE FROM members WHERE member = 1");
  expect_damage({"resume", "1", "--store", store().string(), "--quiet"}, {store().string(), "run 1", "population 0", "2 of its 3 member rows"});
  EXPECT_EQ(run_nnlab({"show", "1", "--json", "--store", store().string()}, path("show.json"), path("err")), 0);
  EXPECT_NE(read_file(path("show.json")).find("\"status\":\"killed\""), std::string::npos) << "the run is left as it was";
}

TEST_F(DamagedStore, ResumeNamesMembersWithoutTheirPopulationRow) {
  make_killed();
  execute_raw(store(), "DELETE FROM populations");
  expect_damage({"resume", "1", "--store", store().string(), "--quiet"}, {store().string(), "run 1", "member 0", "population 0", "no populations row"});
}

TEST_F(DamagedStore, ResumeNamesAStoredPlanThatNoLongerMatchesItsCheckpoint) {
  make_killed();
  // The plan now trains 10 epochs; the checkpoint is after 20. The artefact's checksum is made
  // to match, as a program rewriting the plan would: the plan itself is intact, it just differs.
  rewrite_plan(store(), "epochs: 20", "epochs: 10");
  expect_damage({"resume", "1", "--store", store().string(), "--quiet"},
                {store().string(), "run 1 population 0 checkpoint", "after epoch 20", "trains 10 epoch"});
}

TEST_F(DamagedStore, ReadCommandsWriteNoSchemaIntoAnEmptyFile) {
  const fs::path empty = path("empty.db");
  std::ofstream{empty};
  for (const std::vector<std::string>& command : std::vector<std::vector<std::string>>{
           {"runs"}, {"show", "latest"}, {"export", "latest", "--metrics", "csv"}, {"report", "latest"}, {"rm", "latest"}, {"resume", "latest"}}) {
    std::vector<std::string> arguments = command;
    arguments.insert(arguments.end(), {"--store", empty.string()});
    expect_damage(arguments, {empty.string(), "empty, not an nnlab run store"});
    EXPECT_EQ(fs::file_size(empty), 0u) << command.front();
  }
}

}  // namespace
