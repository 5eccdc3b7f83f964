// What training writes into a run while it happens: metric series, artefacts, flushes. The run
// store (store.hpp) is one; an MPI worker rank's forwarder to rank 0's store
// (cluster/remote_writer.hpp) is the other, so the recorder, the checkpointer and the test
// pictures never know which process holds the SQLite file.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "store/records.hpp"

namespace nnlab {

class RunWriter {
 public:
  virtual ~RunWriter() = default;
  // Buffers many epochs of one member's metric; nothing is kept until flush().
  virtual void append_series(RunId run, Index member, std::string_view metric, std::span<const Epoch> epochs,
                             std::span<const float> values) = 0;
  // Writes everything buffered in ONE transaction.
  virtual void flush() = 0;
  // flush() and keep_artefact() in ONE transaction (a checkpoint with the metrics recorded up to it).
  virtual void flush_with_artefact(RunId run, const ArtefactLabel& label, std::span<const std::byte> content) = 0;
  // Keeps `content`, replacing an artefact with the same label.
  virtual void keep_artefact(RunId run, const ArtefactLabel& label, std::span<const std::byte> content) = 0;
  // The artefact, checked against its checksum; nullopt when there is none.
  virtual std::optional<Artefact> read_artefact(RunId run, const ArtefactLabel& label) const = 0;
  // For messages: the store file, and where it is when another process holds it.
  virtual std::string where() const = 0;
};

}  // namespace nnlab
