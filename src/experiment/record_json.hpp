// The checkpoint's JSON for training records, doubles as their 64-bit patterns (NaN payloads,
// -0.0 and infinities survive): shared by checkpoints (checkpoint.cpp) and the MPI results a
// worker sends rank 0 (result_codec.cpp).
#pragma once

#include <nlohmann/json.hpp>
#include <span>
#include <vector>

#include "train/training_state.hpp"

namespace nnlab {

nlohmann::json encode_epoch_metrics(const EpochMetrics& metrics);
EpochMetrics decode_epoch_metrics(const nlohmann::json& in);
nlohmann::json encode_bit_doubles(std::span<const double> values);
std::vector<double> decode_bit_doubles(const nlohmann::json& in);
nlohmann::json encode_member_prune_rounds(const std::vector<std::vector<PruneRound>>& members);
std::vector<std::vector<PruneRound>> decode_member_prune_rounds(const nlohmann::json& in);

}  // namespace nnlab
