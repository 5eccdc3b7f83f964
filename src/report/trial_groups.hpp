// A stored run as the report reads it: its trials (members sharing hyper-parameters) and their
// members from the summary JSON, the swept keys that vary between trials, how a trial or member is
// named in captions and legends, the colour that stands for a swept value, and the data set's
// class names. Internal to the run report; everything comes from the run store.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "report/color.hpp"
#include "store/store.hpp"

namespace nnlab {

struct TrialGroup {
  Index trial = 0;
  std::vector<std::pair<std::string, std::string>> parameters;  // swept key -> value as written
  std::vector<Index> members;                                    // run member indices, ascending
  nlohmann::json statistics = nlohmann::json::object();          // the trial's entry of the summary

  std::string label() const;                           // "optimizer.lr=0.1 model.layers.0.units=8", "" without a sweep
  std::string value_of(const std::string& key) const;  // the trial's value of a swept key, "" when absent
};

// The trials of a summary JSON ("trials" with "parameters", "members" with "trial"); none when absent.
std::vector<TrialGroup> trials_of(const nlohmann::json& summary);

struct RunView {
  const RunStore* store = nullptr;
  RunRecord record;
  nlohmann::json summary = nlohmann::json::object();
  std::vector<TrialGroup> trials;
  std::vector<std::string> metrics;         // stored metric names, sorted
  std::vector<std::string> varying;         // swept keys whose value differs between trials: numeric ones, most values first
  std::vector<std::string> constant;        // swept keys with one value in every trial: "key=value"
  std::vector<std::string> class_names;     // the data set's class names when known (Fashion-MNIST)
  std::string stem;                         // file-name prefix of the run's figures
  std::string tag;                          // "run 3 (mirror)" when several runs are compared, else ""
  std::map<Index, std::size_t> member_rows; // member index -> position in summary["members"]

  // Messages naming the damaged artefacts (store/checksum.hpp) the figures went without.
  mutable std::vector<std::string> skipped;

  RunId id() const { return record.info.id; }
  // The run's artefact; a damaged one reads as absent and is added to `skipped`.
  std::optional<Artefact> artefact(const ArtefactLabel& label) const;
  const RunInfo& info() const { return record.info; }
  bool has_metric(const std::string& name) const;
  const nlohmann::json* member(Index member) const;  // the member's summary entry, or null
  // True when the run had a success criterion (members carry "success_epoch").
  bool has_success_criterion() const;
  // The epoch at which a member first met the criterion; nullopt when it never did or is unknown.
  std::optional<Epoch> success_epoch(Index member) const;
  // "Run 3 (mirror): " + text when runs are compared, else text.
  std::string caption(const std::string& text) const;
};

// Reads the run, its summary and metric names. `compared`: several runs share the report.
RunView read_run_view(const RunStore& store, RunId run, bool compared);

// How trials are told apart: the keys once (a legend title), each trial's values as its entry.
std::string keys_title(std::span<const std::string> keys);                      // "optimizer.lr" / "a, b"
std::string values_of(const TrialGroup& trial, std::span<const std::string> keys);  // "0.1" / "0.1, 0.9"
// The last part of a dotted key ("lr" for optimizer.lr) when no other of `keys` ends the same, else the key.
std::string short_key(const std::string& key, std::span<const std::string> keys);
// "lr = 0.7, units = 8" (short keys) for a small panel's title; "trial 3" without varying keys.
std::string short_trial_title(const RunView& view, const TrialGroup& trial);
// "trial 2 (optimizer.lr=0.7)", or "all members" for a run without a sweep.
std::string trial_name(const RunView& view, const TrialGroup& trial);
// "member 5, seed 17" (the seed from the summary, when known).
std::string member_name(const RunView& view, Index member);
// One member shown for its trial: "trial 2 (optimizer.lr=0.7), member 5, seed 17", or just the
// member in a run without a sweep.
std::string trial_member_name(const RunView& view, const TrialGroup& trial, Index member);
// The trial's member with the median final train loss (the lower median; ties -> lower index,
// non-finite losses last), as the runner picks it for the test-set pictures.
std::optional<Index> median_member(const RunView& view, const TrialGroup& trial);
// The trial's artefact of `kind` stored for one member (the runner's test pictures): the median
// member's when there is one, else the lowest member's (older stores kept them for the first member
// of each population); null when no member of the trial has one.
const ArtefactInfo* trial_artefact(const std::vector<ArtefactInfo>& artefacts, const std::string& kind, const RunView& view, const TrialGroup& trial);

// How a sweep's trials spread over the panels of a figure: with exactly two varying keys (and at
// most nine values of the second) one panel per value of the second key, the trials in it told apart
// by the first; otherwise one panel, trials told apart by all varying keys.
struct TrialLayout {
  std::vector<std::string> legend_keys;  // the keys whose values name and colour a trial (the legend title)
  std::string panel_key;                 // "" = one panel
  std::string panel_short_key;           // its last dotted part when unambiguous ("units"), for panel titles
  struct PanelTrials {
    std::string value;                   // the panel key's value ("" for one panel)
    std::vector<std::size_t> trials;     // positions in RunView::trials
  };
  std::vector<PanelTrials> panels;
  std::map<std::string, Color> colors;   // legend entry -> colour

  std::string entry(const TrialGroup& trial) const;  // the trial's legend text ("trial 3" without keys)
  Color color(const TrialGroup& trial) const;
  std::string panel_title(const PanelTrials& panel) const;  // "units = 8", "" for one panel
};
TrialLayout trial_layout(const RunView& view);

// One colour per distinct value, in the order given: numbers (all of them parse) are ordered and
// shaded by rank on viridis, so neighbouring values look alike; other values take palette colours.
std::map<std::string, Color> value_colors(const std::vector<std::string>& values);

// The number a swept value's text spells ("0.1", "1e-3"), or nullopt ("relu", "0.1x").
std::optional<double> parse_number(const std::string& text);

// The ten Fashion-MNIST class names, T-shirt/top ... Ankle boot.
const std::vector<std::string>& fashion_mnist_class_names();
// True when the resolved config's data section names the fashion-mnist source.
bool config_uses_fashion_mnist(const std::string& resolved_config);

}  // namespace nnlab
