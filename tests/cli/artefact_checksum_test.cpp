// Damaged artefacts as the commands meet them: one bit flipped in a stored blob (straight
// through SQLite) makes `resume` refuse the checkpoint and `export --model` refuse the weights,
// each with exit 2 naming the artefact, and makes `report` write the page with a note naming
// what it skipped.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cli/process_support.hpp"
#include "support/raw_blob.hpp"
#include "support/scratch_directory.hpp"

namespace {

namespace fs = std::filesystem;
using nnlab::testing::execute_raw;
using nnlab::testing::flip_blob_bit;
using nnlab::testing::read_file;
using nnlab::testing::run_nnlab;

constexpr const char* experiment_yaml = R"(name: integrity
seed: 3
replicates: 4
data: {train: {source: mirror, bits: 6}}
model:
  layers:
    - {type: dense, units: 2, activation: sigmoid}
    - {type: dense, units: 1, activation: sigmoid}
loss: sse
optimizer: {type: sgd, lr: 0.1, momentum: 0.9}
train: {epochs: 40, batch: full, checkpoint_every: 10}
)";

class ArtefactChecksum : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ofstream(path("experiment.yaml")) << experiment_yaml;
    ASSERT_EQ(run_nnlab({"run", path("experiment.yaml").string(), "--store", store().string(), "--quiet"}, path("run.out"), path("run.err")),
              0)
        << read_file(path("run.err"));
  }

  fs::path path(const std::string& name) const { return scratch_.path() / name; }
  fs::path store() const { return path("runs.db"); }

  // The lowest mantissa bit of the blob's last float: a silently different number, not a parse error.
  void damage(const std::string& kind) const { flip_blob_bit(store(), "artefacts", "content", "kind = '" + kind + "'", -4); }

  void expect_error_naming(const std::string& err, const std::vector<std::string>& parts) const {
    EXPECT_EQ(err.find('\n'), err.size() - 1) << "one line: " << err;
    for (const auto& part : parts) EXPECT_NE(err.find(part), std::string::npos) << "'" << part << "' missing from: " << err;
  }

  nnlab::testing::ScratchDirectory scratch_;
};

TEST_F(ArtefactChecksum, ResumeRefusesADamagedCheckpoint) {
  // The run as a SIGKILL leaves it, with its checkpoint in the store.
  execute_raw(store(), "UPDATE runs SET status = 'killed', finished_at = NULL, summary_json = NULL; "
                       "UPDATE members SET status = 'killed', result = NULL;");
  damage("checkpoint");
  const int code = run_nnlab({"resume", "latest", "--store", store().string(), "--quiet"}, path("resume.out"), path("resume.err"));
  EXPECT_EQ(code, 2);
  expect_error_naming(read_file(path("resume.err")), {store().string(), "run 1", "checkpoint 'population-0'", "damaged"});
}

TEST_F(ArtefactChecksum, ExportModelRefusesDamagedWeights) {
  damage("weights");
  const fs::path model = path("model.safetensors");
  const int code = run_nnlab({"export", "1", "--store", store().string(), "--model", model.string()}, path("export.out"), path("export.err"));
  EXPECT_EQ(code, 2);
  expect_error_naming(read_file(path("export.err")), {store().string(), "run 1", "weights 'population-0'", "damaged"});
  EXPECT_FALSE(fs::exists(model)) << "the damaged weights were copied";
}

TEST_F(ArtefactChecksum, ReportIsWrittenWithANoteNamingTheDamagedArtefact) {
  damage("weights");
  const fs::path out = path("report");
  const int code = run_nnlab({"report", "1", "--store", store().string(), "--out", out.string()}, path("report.out"), path("report.err"));
  ASSERT_EQ(code, 0) << read_file(path("report.err"));
  const std::string html = read_file(out / "index.html");
  const auto note = html.find("class=\"note\"");
  ASSERT_NE(note, std::string::npos) << "no note in the page";
  const std::string from_note = html.substr(note, 600);
  EXPECT_NE(from_note.find("weights &#39;population-0&#39;"), std::string::npos) << from_note;
  EXPECT_NE(from_note.find("damaged"), std::string::npos) << from_note;
  // The other figures are still there.
  EXPECT_NE(html.find("<figure"), std::string::npos);
}

}  // namespace
