// `nnlab schedule FILE.yaml`: the learning rate each distinct member schedule gives per step or
// epoch, printed (and drawn with --plot) without training.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace nnlab {

struct ScheduleFlags {
  std::string experiment;
  std::vector<std::string> overrides;
  std::optional<long long> steps;  // unset: the run's length in the schedule's unit
  std::string plot;                // a PNG to draw into; empty: none
};

// Returns the table as text: a "# trials ..." line per distinct schedule, then "t" and one
// column of rates per schedule. Throws InputError on a bad file or flag.
std::string schedule_table(const ScheduleFlags& flags);

}  // namespace nnlab
