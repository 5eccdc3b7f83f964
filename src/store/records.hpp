// The plain records the run store takes and returns: runs, populations, members, metric
// series and artefacts. Free of nnlab's training types; JSON travels as text.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/tensor.hpp"

namespace nnlab {

using RunId = std::int64_t;
using ArtefactId = std::int64_t;
using Epoch = std::int64_t;

// A run's (or a member's) state. A process killed mid-run leaves "running" behind until
// RunStore::mark_abandoned_runs() notices the process is gone.
enum class RunStatus { running, finished, failed, killed };

std::string_view to_string(RunStatus status);
// `where` names the source in the InputError thrown for an unknown word.
RunStatus parse_run_status(std::string_view text, const std::string& where);

struct RunStart {
  std::string name;
  std::string config_path;      // the experiment file as the user gave it
  std::string resolved_config;  // the configuration after all overrides (YAML or JSON text)
  std::string nnlab_version;
  // The git commit of the experiment file; nullopt asks git (`git log -n1 -- file`), "" = none.
  std::optional<std::string> config_git_commit;
};

struct RunInfo {
  RunId id = 0;
  std::string name;
  RunStatus status = RunStatus::running;
  std::string started_at;   // UTC, ISO 8601 with milliseconds: 2024-05-01T12:00:00.123Z
  std::string finished_at;  // "" while running (and for a run killed without notice)
  std::string nnlab_version;
  std::string config_path;
  std::string config_git_commit;
  std::string resolved_config;
  std::string summary_json;  // "" until finish_run
  std::string host;          // where the run was started, with its process id
  std::int64_t pid = 0;
  Index member_count = 0;
};

struct PopulationInfo {
  Index population = 0;
  std::string description;  // e.g. "784-300-10 relu, adam, batch 64"

  bool operator==(const PopulationInfo&) const = default;
};

struct MemberStart {
  Index member = 0;  // index in the run, 0..P-1 over all populations
  Index population = 0;
  std::uint64_t seed = 0;
  std::string hyperparameters_json = "{}";  // a JSON object, e.g. {"optimizer.lr": 0.1}
};

struct MemberInfo {
  Index member = 0;
  Index population = 0;
  std::uint64_t seed = 0;
  std::string hyperparameters_json;
  std::string result_json;  // "" until set_member_result
  RunStatus status = RunStatus::running;

  bool operator==(const MemberInfo&) const = default;
};

// What a member ended with, as handed to RunStore::set_member_results.
struct MemberOutcome {
  Index member = 0;
  std::string result_json;  // final metrics, any JSON value (usually an object)
  RunStatus status = RunStatus::finished;
};

// A run with its populations and members (ordered by index).
struct RunRecord {
  RunInfo info;
  std::vector<PopulationInfo> populations;
  std::vector<MemberInfo> members;
};

// One metric value of one member at one epoch, as handed to RunStore::append_metrics.
struct MetricValue {
  Index member = 0;
  std::string_view metric;  // e.g. "train_loss"
  double value = 0.0;       // stored as float32; NaN and infinities are kept
};

// A metric's history for one member: epochs ascending, one value each.
struct MetricSeries {
  std::vector<Epoch> epochs;
  std::vector<float> values;

  bool operator==(const MetricSeries&) const = default;
};

// What an artefact is; a run holds at most one artefact per label (put replaces).
struct ArtefactLabel {
  std::optional<Index> member;  // nullopt: belongs to the whole run
  std::string kind;             // "weights" | "checkpoint" | "snapshot" | ...
  std::string name;             // e.g. "final", "layers.0.weight"
  std::optional<Epoch> epoch;

  bool operator==(const ArtefactLabel&) const = default;
};

struct ArtefactInfo {
  ArtefactId id = 0;
  RunId run = 0;
  ArtefactLabel label;
  std::string path;        // set when the artefact is a file kept outside the store
  std::int64_t bytes = 0;  // size of the content held in the store (0 for a path)
  std::string created_at;
};

struct Artefact {
  ArtefactInfo info;
  std::vector<std::byte> content;  // empty for a path
};

// Text artefacts (JSON documents, the plan's source) to and from their bytes.
std::vector<std::byte> text_bytes(std::string_view text);
std::string bytes_text(std::span<const std::byte> bytes);

}  // namespace nnlab
