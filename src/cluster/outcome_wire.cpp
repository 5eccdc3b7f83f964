#include "cluster/outcome_wire.hpp"

#include "cluster/wire.hpp"
#include "experiment/result_codec.hpp"

namespace nnlab {

std::vector<std::byte> encode_outcome(const ItemOutcome& outcome) {
  ByteWriter out;
  const WorkItem& item = outcome.item;
  for (const Index value : {item.population, item.begin, item.end, item.members}) out.i64(value);
  out.f64(item.cost);
  out.f64(outcome.seconds);
  out.i64(outcome.parameters_per_member);
  out.u64(outcome.has_test);
  out.u64(outcome.has_validation);
  out.f64(outcome.majority_fraction);
  out.u64(outcome.unsaved.size());
  for (const std::string& message : outcome.unsaved) out.text(message);
  out.text(encode_member_summaries(outcome.members));
  out.block(outcome.weights);
  out.block(outcome.prune_masks);
  return std::move(out.bytes());
}

ItemOutcome decode_outcome(std::span<const std::byte> bytes, const std::string& where) {
  ByteReader in(bytes);
  ItemOutcome outcome;
  WorkItem& item = outcome.item;
  item.population = in.i64();
  item.begin = in.i64();
  item.end = in.i64();
  item.members = in.i64();
  item.cost = in.f64();
  outcome.seconds = in.f64();
  outcome.parameters_per_member = in.i64();
  outcome.has_test = in.u64() != 0;
  outcome.has_validation = in.u64() != 0;
  outcome.majority_fraction = in.f64();
  const std::uint64_t unsaved = in.u64();
  for (std::uint64_t i = 0; i < unsaved; ++i) outcome.unsaved.push_back(in.text());
  outcome.members = decode_member_summaries(in.text(), where);
  const std::span<const std::byte> weights = in.block(), masks = in.block();
  outcome.weights.assign(weights.begin(), weights.end());
  outcome.prune_masks.assign(masks.begin(), masks.end());
  return outcome;
}

}  // namespace nnlab
