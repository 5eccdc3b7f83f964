// The summary's lines and JSON for lsuv / pca initialisation (train/data_init.hpp): each
// data-initialised layer's pre-activation variance before and after, per trial and per member.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "experiment/summary.hpp"

namespace nnlab {

// "  lsuv init (median over 5 members): layer 0 variance 0.0412 → 0.9731 after 2 rescalings; ..."
// or "" when the trial's members have no data-initialised layer.
std::string data_init_text(const RunSummary& summary, const TrialSummary& trial);

// [{"layer": 0, "init": "lsuv", "variance_before": ..., "variance_after": ..., "rescalings": 2}, ...]
nlohmann::json data_init_json(const MemberSummary& member);

}  // namespace nnlab
