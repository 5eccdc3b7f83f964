// A worker rank's RunWriter: what its training records goes to rank 0, which alone holds the
// store. Series are buffered until a flush and travel with it in one message, which rank 0
// writes in one transaction (with the checkpoint, for flush_with_artefact), so the store keeps
// the single-process guarantee: never a checkpoint without the metrics recorded before it.
// Messages are sent without waiting for rank 0 to take them; reads (a checkpoint to resume
// from) wait for the answer.
#pragma once

#include <string>

#include "cluster/comm.hpp"
#include "cluster/wire.hpp"
#include "store/run_writer.hpp"
#include "store/store.hpp"

namespace nnlab {

class RemoteWriter final : public RunWriter {
 public:
  RemoteWriter(MpiSession& session, std::string store_name) : session_(session), store_name_(std::move(store_name)) {}
  void append_series(RunId run, Index member, std::string_view metric, std::span<const Epoch> epochs, std::span<const float> values) override;
  void flush() override;
  void flush_with_artefact(RunId run, const ArtefactLabel& label, std::span<const std::byte> content) override;
  void keep_artefact(RunId run, const ArtefactLabel& label, std::span<const std::byte> content) override;
  std::optional<Artefact> read_artefact(RunId run, const ArtefactLabel& label) const override;
  std::string where() const override;

 private:
  MpiSession& session_;
  std::string store_name_;
  ByteWriter series_;  // ops since the last flush
};

// Rank 0: writes one Tag::write message into the store, in its order.
void apply_writes(RunStore& store, std::span<const std::byte> message);
// Rank 0: answers one Tag::read message from `source`.
void answer_read(const MpiSession& session, const RunStore& store, int source, std::span<const std::byte> message);

}  // namespace nnlab
