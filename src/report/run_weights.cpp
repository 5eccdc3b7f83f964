#include "report/run_weights.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace nnlab {

namespace {

// The member's population and its position in that population's weights file.
std::optional<std::pair<Index, Index>> population_slot(const RunView& view, Index member) {
  const auto& members = view.record.members;
  const auto it = std::find_if(members.begin(), members.end(), [&](const MemberInfo& m) { return m.member == member; });
  if (it == members.end()) return std::nullopt;
  const Index position = std::count_if(members.begin(), it, [&](const MemberInfo& m) { return m.population == it->population; });
  return std::pair{it->population, position};
}

}  // namespace

std::optional<StoredLayers> read_layers(const RunView& view, const ArtefactLabel& label, Index member_in_file) {
  const auto artefact = view.artefact(label);
  if (!artefact) return std::nullopt;
  return decode_layers(artefact->content, member_in_file, fmt::format("run {} {}/{}", view.id(), label.kind, label.name));
}

std::optional<StoredLayers> final_weights_of(const RunView& view, const std::vector<ArtefactInfo>& artefacts, Index member) {
  const auto slot = population_slot(view, member);
  if (!slot) return std::nullopt;
  std::optional<StoredLayers> stored;
  for (const ArtefactInfo& artefact : artefacts)
    if (artefact.label.kind == "weights" && !artefact.label.member && artefact.label.name == fmt::format("population-{}", slot->first))
      stored = read_layers(view, artefact.label, slot->second);
  return stored;
}

Snapshots snapshots_of(const std::vector<ArtefactInfo>& artefacts, const TrialGroup& trial) {
  Snapshots found;
  for (const ArtefactInfo& artefact : artefacts)
    if (artefact.label.kind == "snapshot" && artefact.label.member && artefact.label.epoch &&
        std::binary_search(trial.members.begin(), trial.members.end(), *artefact.label.member) &&
        (found.member < 0 || *artefact.label.member < found.member))
      found.member = *artefact.label.member;
  if (found.member < 0) return found;
  for (const ArtefactInfo& artefact : artefacts) {
    if (artefact.label.member != found.member || !artefact.label.epoch) continue;
    if (artefact.label.kind == "snapshot") found.weights[*artefact.label.epoch] = artefact.label;
    if (artefact.label.kind == "update") found.updates[*artefact.label.epoch] = artefact.label;
  }
  return found;
}

}  // namespace nnlab
