// A run's work items: its populations, each whole or cut into ranges of members. A range of a
// population is itself a population, so by population invariance each of its members trains
// bit for bit as in the whole; an MPI run (cluster/) cuts large populations so that every rank
// has a share, a single process trains each population whole. The cut is kept with the run
// (artefact "source" / "work"), so that `nnlab resume` with any number of processes trains
// exactly the items the run began with.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "core/tensor.hpp"
#include "store/records.hpp"

namespace nnlab {

struct WorkItem {
  Index population = 0;      // the plan's population
  Index begin = 0, end = 0;  // its members [begin, end), population-local
  Index members = 0;         // the population's size: whole when begin == 0 and end == members
  double cost = 0.0;         // estimated: members x parameters x examples x epochs
  bool whole() const { return begin == 0 && end == members; }
  Index size() const { return end - begin; }
};

// What the cut needs to know of each population.
struct PopulationWork {
  Index members = 0;
  double cost_per_member = 0.0;
  bool cuttable = true;  // false when members depend on each other (a pruning control and its ticket)
  bool fused = false;    // its members train in the fused small-network kernel (nn/small_network.hpp)
};

// Every population whole, in plan order.
std::vector<WorkItem> whole_populations(std::span<const PopulationWork> populations);

// For `ranks` processes: a population whose cost is above an equal share of the total
// (total / ranks) is cut into ceil(cost / share) ranges of near-equal size (never more ranges
// than members), so that no item keeps one rank busy while the others idle. Items come in
// plan order (population, then begin); `ranks` 1 gives whole_populations. The order the
// ranks take them in is the dispatcher's (largest first).
std::vector<WorkItem> cut_work(std::span<const PopulationWork> populations, int ranks);

// The artefact that keeps a run's cut.
ArtefactLabel work_label();
std::vector<std::byte> encode_work(std::span<const WorkItem> items);
// InputError naming `where` when the bytes are not a cut of `populations` (every member of each
// population in exactly one item, in order).
std::vector<WorkItem> decode_work(std::span<const std::byte> bytes, std::span<const PopulationWork> populations, const std::string& where);

}  // namespace nnlab
