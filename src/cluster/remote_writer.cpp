#include "cluster/remote_writer.hpp"

#include <fmt/format.h>

namespace nnlab {
namespace {

enum class Op : std::uint64_t { series = 1, artefact = 2, flush = 3, flush_with_artefact = 4 };

void put_artefact_op(ByteWriter& out, Op op, RunId run, const ArtefactLabel& label, std::span<const std::byte> content) {
  out.u64(static_cast<std::uint64_t>(op));
  out.i64(run);
  out.label(label);
  out.block(content);
}

}  // namespace

void RemoteWriter::append_series(RunId run, Index member, std::string_view metric, std::span<const Epoch> epochs,
                                 std::span<const float> values) {
  series_.u64(static_cast<std::uint64_t>(Op::series));
  series_.i64(run);
  series_.i64(member);
  series_.text(metric);
  series_.array(epochs);
  series_.array(values);
}

void RemoteWriter::flush() {
  series_.u64(static_cast<std::uint64_t>(Op::flush));
  session_.send_later(0, Tag::write, std::move(series_.bytes()));
  series_ = ByteWriter();
}

void RemoteWriter::flush_with_artefact(RunId run, const ArtefactLabel& label, std::span<const std::byte> content) {
  put_artefact_op(series_, Op::flush_with_artefact, run, label, content);
  session_.send_later(0, Tag::write, std::move(series_.bytes()));
  series_ = ByteWriter();
}

void RemoteWriter::keep_artefact(RunId run, const ArtefactLabel& label, std::span<const std::byte> content) {
  ByteWriter message;  // on its own, as RunStore writes it at once; the buffered series wait for their flush
  put_artefact_op(message, Op::artefact, run, label, content);
  session_.send_later(0, Tag::write, std::move(message.bytes()));
}

std::optional<Artefact> RemoteWriter::read_artefact(RunId run, const ArtefactLabel& label) const {
  ByteWriter request;
  request.i64(run);
  request.label(label);
  session_.send(0, Tag::read, request.bytes());
  const Message reply = session_.receive(0, Tag::read_reply);
  ByteReader reader(reply.bytes);
  if (reader.u64() == 0) return std::nullopt;
  const std::span<const std::byte> content = reader.block();
  Artefact artefact;
  artefact.content.assign(content.begin(), content.end());
  return artefact;
}

std::string RemoteWriter::where() const { return store_name_; }

void apply_writes(RunStore& store, std::span<const std::byte> message) {
  ByteReader reader(message);
  while (!reader.done()) {
    switch (static_cast<Op>(reader.u64())) {
      case Op::series: {
        const RunId run = reader.i64();
        const Index member = reader.i64();
        const std::string metric = reader.text();
        const std::vector<Epoch> epochs = reader.array<Epoch>();
        const std::vector<float> values = reader.array<float>();
        store.append_series(run, member, metric, epochs, values);
        break;
      }
      case Op::artefact: {
        const RunId run = reader.i64();
        const ArtefactLabel label = reader.label();
        store.put_artefact(run, label, reader.block());
        break;
      }
      case Op::flush:
        store.flush();
        break;
      case Op::flush_with_artefact: {
        const RunId run = reader.i64();
        const ArtefactLabel label = reader.label();
        store.flush_with_artefact(run, label, reader.block());
        break;
      }
      default:
        throw std::logic_error("nnlab MPI message: an unknown store operation");
    }
  }
}

void answer_read(const MpiSession& session, const RunStore& store, int source, std::span<const std::byte> message) {
  ByteReader reader(message);
  const RunId run = reader.i64();
  const ArtefactLabel label = reader.label();
  const std::optional<Artefact> artefact = store.get_artefact(run, label);
  ByteWriter reply;
  reply.u64(artefact.has_value());
  if (artefact) reply.block(artefact->content);
  session.send(source, Tag::read_reply, reply.bytes());
}

}  // namespace nnlab
