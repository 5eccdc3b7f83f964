// Members' summaries to bytes and back, bit for bit: what an MPI worker rank sends rank 0 for the
// items it trained (cluster/outcome_wire.cpp), so that rank 0's summary is the one a single
// process would have made.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "experiment/summary.hpp"

namespace nnlab {

std::string encode_member_summaries(std::span<const MemberSummary> members);
// InputError naming `where` when the bytes are not such an encoding.
std::vector<MemberSummary> decode_member_summaries(std::string_view bytes, const std::string& where);

}  // namespace nnlab
